#!/usr/bin/env bash
# Seals hostile values with gx_seal (through seal_tool) for a fresh 4096-bit key
# and self-signed certificate made by openssl, as the Sealed Secrets controller
# has, and decrypts them with Node's WebCrypto (check.mjs); the same code opens a
# value sealed by @linode/kubeseal-encrypt, and (given the binary) every
# SealedSecret a whole export of glyphoxa-deploy wrote.
# usage: tests/seal/check.sh SEAL_TOOL [GLYPHOXA_DEPLOY]
# Installs the locked npm dependencies on first use or when package-lock.json is
# newer than the install; after that it runs offline.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 1 || $# -gt 2 || ! -x $1 || ($# -eq 2 && ! -x ${2:-}) ]]; then
	echo "usage: $0 SEAL_TOOL [GLYPHOXA_DEPLOY] (the seal_tool built with the tests, the tool)" >&2
	exit 2
fi
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
binary=
if [[ $# -eq 2 ]]; then
	binary=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
fi
for cmd in node npm openssl; do
	if ! command -v "$cmd" >/dev/null 2>&1; then
		echo "check.sh: $cmd is required" >&2
		exit 2
	fi
done

# shellcheck source=tests/lib/npm.sh
source "$here/../lib/npm.sh"
gx_npm_ci "$here" check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$tmp/key.pem" 2>/dev/null
openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem"
openssl req -x509 -new -key "$tmp/key.pem" -sha256 -days 3650 \
	-subj "/O=sealed-secret/CN=sealed-secret" -out "$tmp/cert.pem"

node "$here/check.mjs" "$tool" "$tmp" ${binary:+"$binary"}
