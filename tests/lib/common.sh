# shellcheck shell=bash
# Shared by the scripts of tests/mcp and tests/web (through their lib.sh):
# taking the binary argument and the recording fakes as kubectl and helm.
# (The npm install of the Node.js clients is tests/lib/npm.sh.)
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
