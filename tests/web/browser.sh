#!/usr/bin/env bash
# Browser tests of `glyphoxa-deploy serve` (browser.mjs) in Debian's headless
# Chromium (/usr/bin/chromium, --no-sandbox: CI runs as root) driven by
# puppeteer-core, pinned in package-lock.json: no browser is downloaded. Two
# servers on fresh workspaces, the recording fakes as kubectl and helm (the
# second server's hang on their first call). Screenshots go to SHOTS
# (default: web-screenshots/ beside the binary).
#
#   tests/web/browser.sh BINARY [SHOTS]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/web/lib.sh
source "$here/lib.sh"
gx_binary_arg 'BINARY [SHOTS]' 1 2 "$@"
shots=${2:-$(dirname "$bin")/web-screenshots}
for need in node /usr/bin/chromium; do
    if ! command -v "$need" >/dev/null 2>&1; then
        echo "browser.sh: $need is required (scripts/setup.sh installs it)" >&2
        exit 2
    fi
done
# shellcheck source=tests/lib/npm.sh
source "$here/../lib/npm.sh"
gx_npm_ci "$here" browser.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/gx-web-browser-XXXXXX")
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$shots" "$work/fake" "$work/fake-hang"
rm -f "$shots"/*.png
web_workspace "$bin" "$work/ws"
web_workspace "$bin" "$work/ws-hang"
gx_fake_wrappers "$work/bin"
# a last export, so that the preview has something to compare with
"$bin" -C "$work/ws" export >/dev/null

web_start "$bin" "$work/ws" "$work/serve.out" PATH="$work/bin:$PATH" GX_FAKE_LOG="$work/fake/log"
pids+=("$web_pid")
url=$web_url
web_start "$bin" "$work/ws-hang" "$work/hang.out" PATH="$work/bin:$PATH" \
    GX_FAKE_LOG="$work/fake-hang/log" GX_FAKE_HANG_ON=1
pids+=("$web_pid")

GX_BIN=$bin GX_WS=$work/ws GX_URL=$url GX_WS_HANG=$work/ws-hang GX_URL_HANG=$web_url \
    GX_FAKE_LOG=$work/fake/log GX_FAKE_LOG_HANG=$work/fake-hang/log GX_SHOTS=$shots \
    node "$here/browser.mjs"
echo "screenshots: $shots"
