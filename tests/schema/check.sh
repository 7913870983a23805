#!/usr/bin/env bash
# The JSON Schema of `glyphoxa-deploy schema --json-schema`, checked with Ajv
# (pinned in package-lock.json) and used on the golden values files and a
# fresh workspace; see check.mjs. usage: tests/schema/check.sh BINARY
# Installs the locked npm dependencies on first use or when package-lock.json
# is newer than the install; after that it runs offline.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if (($# != 1)); then
    echo "usage: $0 BINARY" >&2
    exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if ! command -v node >/dev/null 2>&1; then
    echo "check.sh: node (Node.js >= 20) is required" >&2
    exit 2
fi
stamp="$here/node_modules/.package-lock.json"
if [[ ! -f $stamp || $here/package-lock.json -nt $stamp ]]; then
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        echo "check.sh: npm ci failed in $here" >&2
        exit 2
    fi
    touch "$stamp"
fi
exec node "$here/check.mjs" "$bin" "$(cd "$here/../.." && pwd)"
