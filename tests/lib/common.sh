# shellcheck shell=bash
# Shared by the scripts of tests/mcp and tests/web (through their lib.sh):
# taking the binary argument, the recording fakes as kubectl and helm, and
# the locked npm packages of the Node.js clients.
# Sourced; defines functions only.

# gx_binary_arg USAGE MIN MAX ARG...: exits 2 with "usage: $0 USAGE" unless
# MIN to MAX arguments were given; sets bin to the first one as an absolute
# path.
gx_binary_arg() {
    local usage=$1 min=$2 max=$3
    shift 3
    if (($# < min || $# > max)); then
        echo "usage: $0 $usage" >&2
        exit 2
    fi
    # shellcheck disable=SC2034 # for the script that sources this
    bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
}

# gx_fake_wrappers DIR: DIR/kubectl and DIR/helm run the recording fakes of
# tests/fakes (they take GX_FAKE_LOG and their controls from the environment).
gx_fake_wrappers() {
    local tool fakes
    fakes=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fakes" && pwd)
    mkdir -p "$1"
    for tool in kubectl helm; do
        printf '#!/bin/sh\nexec %q "$@"\n' "$fakes/$tool" >"$1/$tool"
        chmod 0755 "$1/$tool"
    done
}

# gx_npm_ci DIR [ENV=VALUE...]: installs the locked npm packages of DIR
# (package-lock.json) with npm ci, in the environment given, on first use or
# when the lock file is newer than the install; after that it runs offline.
# Exits 2, with npm's output, when npm ci fails.
gx_npm_ci() {
    local dir=$1 log
    shift
    local stamp="$dir/node_modules/.package-lock.json"
    [[ ! -f $stamp || $dir/package-lock.json -nt $stamp ]] || return 0
    log=$(mktemp)
    if ! (cd "$dir" && env "$@" npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "$(basename "$0"): npm ci failed in $dir" >&2
        exit 2
    fi
    rm -f "$log"
    touch "$stamp" # npm ci keeps the lock file's mtime; mark the install as current
}
