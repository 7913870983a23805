#!/usr/bin/env bash
# Validate rendered Kubernetes manifests against the pinned kubernetes-models
# schemas (see README.md). usage: tests/conformance/check.sh FILE_OR_DIR...
# Installs the locked npm dependencies on first use or when package-lock.json
# is newer than the install; after that it runs offline.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v node >/dev/null 2>&1; then
	echo "check.sh: node (Node.js >= 20) is required" >&2
	exit 2
fi

# shellcheck source=tests/lib/npm.sh
source "$here/../lib/npm.sh"
gx_npm_ci "$here" check.sh

exec node "$here/validate.mjs" "$@"
