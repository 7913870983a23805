#!/usr/bin/env bash
# Golden renders: exports every case under tests/golden/<case>/ (its values.yaml
# in a temporary workspace) and compares generated/ and scripts/ byte for byte
# with <case>/expected/, and the file modes with <case>/modes.txt.
#
#   tests/golden/check.sh [CASE...]      all cases when none is named
#
# The binary is $GLYPHOXA_DEPLOY, or build/glyphoxa-deploy. Exits 1 on any
# difference, a failed export or a case that was never blessed (see
# scripts/bless-golden.sh), 2 on usage errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${GLYPHOXA_DEPLOY:-$root/build/glyphoxa-deploy}

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
    if [[ ! -d $dir/expected ]]; then
        echo "FAIL $name: not blessed yet (run scripts/bless-golden.sh $name)"
        failed=$((failed + 1))
        continue
    fi
    out=$tmp/$name
    if ! golden_render "$bin" "$dir/values.yaml" "$out" 2>"$tmp/$name.err"; then
        echo "FAIL $name: export failed:"
        sed 's/^/    /' "$tmp/$name.err"
        failed=$((failed + 1))
        continue
    fi
    ok=1
    if ! diff -r "$dir/expected" "$out/tree" >"$tmp/$name.diff"; then
        ok=0
    fi
    if ! diff "$dir/modes.txt" "$out/modes.txt" >>"$tmp/$name.diff" 2>&1; then
        ok=0
    fi
    if ((ok)); then
        echo "ok   $name"
    else
        echo "FAIL $name: output differs from expected/ (re-bless on purpose with scripts/bless-golden.sh $name):"
        sed 's/^/    /' "$tmp/$name.diff"
        failed=$((failed + 1))
    fi
done

echo "$((${#cases[@]} - failed)) passed, $failed failed"
((failed == 0))
