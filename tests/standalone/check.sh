#!/usr/bin/env bash
# The templates are compiled in: a copy of the binary alone in an empty directory
# renders exactly what the build-tree binary renders, and no run opens anything
# below templates/ or schema/ (strace).
#   tests/standalone/check.sh BINARY
set -euo pipefail
bin=$(cd "$(dirname "${1:?usage: check.sh BINARY}")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/alone" "$tmp/ws"
cp "$bin" "$tmp/alone/glyphoxa-deploy"
cp "$root/bench/values-full.yaml" "$tmp/ws/values.yaml"

(cd "$root" && "$bin" -C "$tmp/ws" export --stdout) >"$tmp/from-build.yaml"
(cd "$tmp/alone" && env -i PATH=/usr/bin:/bin ./glyphoxa-deploy -C ../ws export --stdout) \
    >"$tmp/from-copy.yaml"
if ! cmp -s "$tmp/from-build.yaml" "$tmp/from-copy.yaml"; then
    echo "FAIL: the copied binary renders other bytes" >&2
    diff "$tmp/from-build.yaml" "$tmp/from-copy.yaml" | head -20 >&2
    exit 1
fi
echo "ok   a copy alone in an empty directory renders the same $(wc -c <"$tmp/from-copy.yaml") bytes"

(cd "$tmp/alone" && strace -f -qq -e trace=open,openat,stat,newfstatat,access -o "$tmp/trace" \
    ./glyphoxa-deploy -C ../ws export >/dev/null)
if grep -E '(templates|schema)/' "$tmp/trace"; then
    echo "FAIL: export looked for template or schema files at run time" >&2
    exit 1
fi
echo "ok   export opens nothing below templates/ or schema/ ($(wc -l <"$tmp/trace") file calls traced)"
echo "2 passed, 0 failed"
