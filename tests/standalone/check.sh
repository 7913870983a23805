#!/usr/bin/env bash
# The templates are compiled in: a copy of the binary alone in an empty directory
# renders exactly what the build-tree binary renders, and no run opens anything
# below templates/ or schema/ (strace). The web UI's files are compiled in too:
# the copy's `serve`, with no web/ anywhere near it, answers every file of
# web/ with its bytes.
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

# serve from the copy: log in, fetch every file of web/, compare bytes
(cd "$tmp/alone" && exec env -i PATH=/usr/bin:/bin ./glyphoxa-deploy -C ../ws serve \
    --listen 127.0.0.1:0 >"$tmp/serve.out" 2>&1) &
serve_pid=$!
for ((i = 0; i < 100; i++)); do
    url=$(grep -o 'http://[^ ]*/login?token=[0-9a-f]*' "$tmp/serve.out" 2>/dev/null) && break
    sleep 0.05
done
base=${url%%/login*}
curl -s -o /dev/null -c "$tmp/jar" "$url"
served=0
while IFS= read -r -d '' f; do
    rel=${f#"$root/web/"}
    curl -s -b "$tmp/jar" -o "$tmp/got" "$base/$rel"
    if ! cmp -s "$f" "$tmp/got"; then
        echo "FAIL: the copy's serve answers other bytes for web/$rel" >&2
        kill "$serve_pid"
        exit 1
    fi
    served=$((served + 1))
done < <(find "$root/web" -type f -print0)
curl -s -b "$tmp/jar" -o "$tmp/got" "$base/"
cmp -s "$root/web/index.html" "$tmp/got" || { echo "FAIL: / is not web/index.html" >&2; exit 1; }
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
echo "ok   the copy alone (no web/ beside it) serves the $served files of web/ byte for byte"
echo "3 passed, 0 failed"
