#!/usr/bin/env bash
# Runs the command line under valgrind (memcheck, full leak check): every command
# on a good workspace, the error paths of the loader, export in every form, and
# dry-run targets. Any memory error or leak fails the run.
#   tests/valgrind/cli.sh BINARY      (a dynamically linked build: valgrind cannot
#                                      see malloc inside a static binary)
set -uo pipefail
bin=${1:?usage: cli.sh BINARY}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
# vg EXPECTED_STATUS ARGS...: runs the binary under valgrind in the workspace.
vg() {
    local want=$1
    shift
    local status
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --log-file="$tmp/vg.log" \
        "$bin" -C "$tmp/ws" "$@" >"$tmp/out" 2>&1 </dev/null
    status=$?
    # "--PID--" lines are valgrind's own notices, not errors: valgrind 3.19 does
    # not know pidfd_open (syscall 434), which the process layer then does without
    grep -v '^--[0-9]*-- ' "$tmp/vg.log" >"$tmp/vg.err"
    if [[ $status -eq $want && ! -s $tmp/vg.err ]]; then
        passed=$((passed + 1))
        echo "ok   $* (exit $status)"
    else
        failed=$((failed + 1))
        echo "FAIL $* (exit $status, wanted $want)"
        sed 's/^/    /' "$tmp/vg.err" "$tmp/out" | head -40
    fi
}

vg 0 init --topology dedicated --with-postgresql
vg 0 validate
vg 0 validate --json
vg 0 list paths
vg 0 list paths --json
vg 0 list components --json
vg 0 list targets
vg 0 describe worker/resource-profile
vg 0 get gateway/replica-count --explain
vg 0 get gateway/admin-key --json
vg 0 set gateway/replica-count=2 'gateway/node-selector={disktype: ssd}' \
    'config/npcs=[{name: bob, engine: s2s, voice: {speed_factor: 1.5}}]' \
    config/providers/s2s/name=openai-realtime config/providers/s2s/api-key=sk-test
vg 0 component enable autoscaling mcp-gateway sealed-secrets
vg 2 component disable gateway
vg 0 unset gateway/replica-count
vg 0 -f "$root/bench/values-full.yaml" validate
vg 0 export
vg 0 export --stdout
vg 0 export --no-secrets --out "$tmp/out-dir"
vg 0 apply --dry-run
vg 0 apply status --dry-run
vg 0 --set core/namespace=other get core/namespace --explain
vg 0 schema --json-schema
vg 2 get gateway.replicaCount
vg 2 component enable sealedsecrets
vg 0 import helm -f "$root/tests/import/every-key.yaml" -f "$root/tests/import/unknown-keys.yaml" \
    --set gateway.ports.admin=28081,worker.tolerations[0].key=gpu --release voice \
    --namespace voice --dry-run
vg 2 import helm -f "$root/tests/import/every-key.yaml" --set 'gateway.replicaCount' \
    --release voice --namespace voice --dry-run
# error paths: the loader and the command line
printf 'gateway:\n  replicas: 2\ncore:\n  topology: both\n' >"$tmp/bad.yaml"
vg 1 -f "$tmp/bad.yaml" validate
printf 'a: &x [1]\nb: *x\n' >"$tmp/alias.yaml"
vg 1 -f "$tmp/alias.yaml" validate
vg 2 set gateway/replica-count=many
vg 2 get no/such/path
vg 2 set
vg 2 frobnicate
vg 1 --set core/image-tag=latest --set gateway/admin-key= validate

echo "valgrind: $passed passed, $failed failed"
((failed == 0))
