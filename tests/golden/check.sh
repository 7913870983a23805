#!/usr/bin/env bash
# Golden renders: exports every case under tests/golden/<case>/ (its values.yaml
# in a temporary workspace, plus the arguments in <case>/export-args if any)
# and checks
#   1. generated/ and scripts/ byte for byte against <case>/expected/, and the
#      file modes against <case>/modes.txt;
#   2. the pod requirements of the rendered manifests (what makes the service start), read back
#      independently of the C code (requirements.mjs);
#   3. Kubernetes schema conformance of every manifest (tests/conformance).
#
#   tests/golden/check.sh [CASE...]      all cases when none is named
#
# The binary is $GLYPHOXA_DEPLOY, or build/glyphoxa-deploy. Exits 1 on any
# difference or failed check, a failed export or a case that was never
# blessed (see scripts/bless-golden.sh); 2 on usage errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${GLYPHOXA_DEPLOY:-$root/build/glyphoxa-deploy}
conformance=$root/tests/conformance/check.sh

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

if [[ ! -x $bin ]]; then
    echo "check.sh: $bin is not an executable (build first, or set GLYPHOXA_DEPLOY)" >&2
    exit 2
fi

cases=("$@")
if ((${#cases[@]} == 0)); then
    mapfile -t cases < <(golden_cases "$here")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=0
for name in "${cases[@]}"; do
    dir=$here/$name
    if [[ ! -f $dir/values.yaml ]]; then
        echo "check.sh: no case $name ($dir/values.yaml missing)" >&2
        exit 2
    fi
    out=$tmp/$name
    if ! golden_render "$bin" "$dir" "$out" 2>"$tmp/$name.err"; then
        echo "FAIL $name: export failed:"
        sed 's/^/    /' "$tmp/$name.err"
        failed=$((failed + 1))
        continue
    fi
    problems=()

    # sealed secrets: every value came from the case's cache (else the
    # ciphertexts are new, random, and the case must be blessed again)
    ws_cache=$(golden_seal_cache "$out/ws")
    if [[ -f $ws_cache ]] && ! cmp -s "$(golden_seal_cache "$dir/workspace")" "$ws_cache"; then
        problems+=("the export sealed values that workspace/.glyphoxa-deploy/sealed-cache does not hold (re-bless on purpose with scripts/bless-golden.sh $name)")
    fi

    if [[ ! -d $dir/expected ]]; then
        problems+=("not blessed yet (run scripts/bless-golden.sh $name)")
    elif ! diff -r "$dir/expected" "$out/tree" >"$out/golden.diff" ||
        ! diff "$dir/modes.txt" "$out/modes.txt" >>"$out/golden.diff" 2>&1; then
        problems+=("output differs from expected/ (re-bless on purpose with scripts/bless-golden.sh $name):
$(sed 's/^/    /' "$out/golden.diff")")
    fi

    # the conformance checker installs the yaml package requirements.mjs uses
    if ! "$conformance" "$out/tree/generated" >"$out/conformance.log" 2>&1; then
        problems+=("Kubernetes schema conformance:
$(grep -v '^ok ' "$out/conformance.log" | sed 's/^/    /')")
    fi

    req=()
    if golden_export_args "$dir" | grep -qx -- '--no-secrets'; then
        req+=(--no-secrets)
    fi
    if ! node "$here/requirements.mjs" "${req[@]}" "$dir/values.yaml" "$out/tree/generated" \
        >"$out/requirements.log" 2>&1; then
        problems+=("pod requirements:
$(sed 's/^/    /' "$out/requirements.log")")
    fi

    if ((${#problems[@]} == 0)); then
        echo "ok   $name"
    else
        failed=$((failed + 1))
        for p in "${problems[@]}"; do
            echo "FAIL $name: $p"
        done
    fi
done

echo "$((${#cases[@]} - failed)) passed, $failed failed"
((failed == 0))
