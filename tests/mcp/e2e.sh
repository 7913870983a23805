#!/usr/bin/env bash
# End-to-end test of `glyphoxa-deploy mcp` with the official TypeScript SDK
# client (e2e.mjs): two fresh workspaces with fixed values (lib.sh), the
# recording fakes as kubectl and helm, then checks that everything the
# servers wrote to stdout is JSON-RPC (jsonrpc-lines.mjs) and that no secret
# value reached their stdout or stderr.
#
#   tests/mcp/e2e.sh BINARY
#
# Installs the locked npm dependencies (package-lock.json) on first use or when
# the lock file is newer than the install; after that it runs offline.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/mcp/lib.sh
source "$here/lib.sh"
gx_binary_arg BINARY 1 1 "$@"
if ! command -v node >/dev/null 2>&1; then
    echo "e2e.sh: node (Node.js >= 20) is required" >&2
    exit 2
fi
# shellcheck source=tests/lib/npm.sh
source "$here/../lib/npm.sh"
gx_npm_ci "$here" e2e.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/gx-mcp-e2e-XXXXXX")
trap 'rm -rf "$work"' EXIT; [[ -n ${GX_KEEP:-} ]] && trap - EXIT && echo "work: $work"
make_workspace "$work/ws"
make_workspace "$work/ws-hang"
gx_fake_wrappers "$work/bin"
mkdir -p "$work/fake" "$work/fake-hang"
new_secret=e2eNewAdminKeyValue0123456789xyz
: >"$work/stdout"
: >"$work/stderr"

GX_BIN=$bin GX_WS=$work/ws GX_WS_HANG=$work/ws-hang GX_BIN_DIR=$work/bin \
    GX_OUT=$work/stdout GX_ERR=$work/stderr GX_FAKE_LOG=$work/fake/log \
    GX_FAKE_LOG_HANG=$work/fake-hang/log GX_NEW_SECRET=$new_secret \
    node "$here/e2e.mjs"

node "$here/jsonrpc-lines.mjs" "$work/stdout"
no_secret_in "$work/stdout" "$work/stderr" -- "$new_secret"
echo "e2e: stdout held only JSON-RPC messages; no secret on stdout or stderr"
