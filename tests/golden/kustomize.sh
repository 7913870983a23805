#!/usr/bin/env bash
# GitOps: exports every golden case (as check.sh does) and checks that
# `kubectl kustomize generated/` builds exactly the objects of the manifest files
# (kustomize.mjs): generated/ can be handed to kubectl apply -k, Argo CD or Flux
# as it is.
#
#   tests/golden/kustomize.sh [CASE...]      all cases when none is named
#
# The binary is $GLYPHOXA_DEPLOY, or build/glyphoxa-deploy; kubectl (1.14 or
# later: kustomize built in) comes from PATH or $KUBECTL. Exits 1 on any
# difference, 2 on usage errors or without kubectl.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${GLYPHOXA_DEPLOY:-$root/build/glyphoxa-deploy}

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

if [[ ! -x $bin ]]; then
    echo "kustomize.sh: $bin is not an executable (build first, or set GLYPHOXA_DEPLOY)" >&2
    exit 2
fi
if ! command -v "${KUBECTL:-kubectl}" >/dev/null 2>&1; then
    echo "kustomize.sh: kubectl is required (its built-in kustomize builds generated/)" >&2
    exit 2
fi
# the yaml package of tests/conformance (its check.sh installs it)
"$root/tests/conformance/check.sh" "$root/tests/conformance/selftest/gateway.yaml" >/dev/null

cases=("$@")
if ((${#cases[@]} == 0)); then
    mapfile -t cases < <(golden_cases "$here")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=0
for name in "${cases[@]}"; do
    out=$tmp/$name
    if ! golden_render "$bin" "$here/$name" "$out" 2>"$tmp/$name.err"; then
        echo "FAIL $name: export failed:"
        sed 's/^/    /' "$tmp/$name.err"
        failed=$((failed + 1))
        continue
    fi
    if node "$here/kustomize.mjs" "$out/ws/generated" >"$out/kustomize.log" 2>&1; then
        echo "ok   $name ($(sed -n 's/^ok [^:]*: //p' "$out/kustomize.log"))"
    else
        failed=$((failed + 1))
        sed "s|$out/ws/||" "$out/kustomize.log"
    fi
done

echo "$((${#cases[@]} - failed)) passed, $failed failed"
((failed == 0))
