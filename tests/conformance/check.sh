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

stamp="$here/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$here/package-lock.json" -nt "$stamp" ]]; then
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
		cat "$log" >&2
		echo "check.sh: npm ci failed in $here" >&2
		exit 2
	fi
	# npm ci keeps the lockfile's mtime; mark the install as current.
	touch "$stamp"
fi

exec node "$here/validate.mjs" "$@"
