# shellcheck shell=bash
# Sourced by the test scripts that run Node.js checks (bash).
#
# gx_npm_ci DIR NAME: installs the npm packages pinned in DIR/package-lock.json
# into DIR/node_modules with `npm ci`, on first use or when the lockfile is
# newer than the install; after that it does nothing (and the check runs
# offline). PUPPETEER_SKIP_DOWNLOAD=1 is set: no package may fetch a browser.
# On failure it prints npm's output and "NAME: npm ci failed in DIR" on stderr
# and exits the script with status 2.
gx_npm_ci() {
    local dir=$1 name=$2
    local stamp=$dir/node_modules/.package-lock.json
    if [[ -f $stamp && ! $dir/package-lock.json -nt $stamp ]]; then
        return 0
    fi
    local log
    log=$(mktemp)
    if ! (cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) \
        >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "$name: npm ci failed in $dir" >&2
        exit 2
    fi
    rm -f "$log"
    # npm ci keeps the lockfile's mtime: mark the install as current
    touch "$stamp"
}
