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
# shellcheck source=tests/lib/npm.sh
source "$here/../lib/npm.sh"
gx_npm_ci "$here" check.sh
exec node "$here/check.mjs" "$bin" "$(cd "$here/../.." && pwd)"
