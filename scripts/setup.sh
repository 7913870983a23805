#!/usr/bin/env bash
# Installs what building and testing glyphoxa-deploy needs on a Debian machine,
# only where it is missing. Used by run.sh and test.sh; safe to run again.
set -euo pipefail

packages=(build-essential cmake pkg-config libyaml-dev re2c libcmocka-dev libjansson-dev
          nettle-dev libgmp-dev openssl git shellcheck valgrind strace clang libclang-rt-14-dev file
          libevent-dev chromium libncurses-dev tmux)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
