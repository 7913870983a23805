#!/usr/bin/env bash
# Sets up, builds and runs every test of glyphoxa-deploy:
#   1. the cmocka suites (ctest) of a -Werror build, and the static-binary check;
#   2. golden renders compared byte for byte, Kubernetes schema conformance of every
#      rendered manifest (kubernetes-models, @kubernetes-models/sealed-secrets), sealed
#      secrets decrypted independently, kubectl kustomize of generated/, shellcheck of
#      every rendered script;
#   3. the CLI and hostile-input suites, and the command line under valgrind;
#   4. the whole cmocka suite again under AddressSanitizer + UBSan, and the CLI tests
#      under valgrind.
# Exits non-zero on any failure; the last line reads "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)

./scripts/setup.sh || exit 1

passed=0
failed=0
failures=()
step() { # step NAME COMMAND...
    local name=$1
    shift
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "--- ok: $name"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- FAILED: $name"
    fi
}

step "build (warnings as errors)" ./scripts/build.sh build
step "static binary" bash -c 'file build/glyphoxa-deploy | grep -q "statically linked"'
step "cmocka suites" ctest --test-dir build --output-on-failure -j "$(nproc)"
step "hostile inputs" tests/hostile/run.sh build/glyphoxa-deploy
step "MCP server: the TypeScript SDK client end to end" tests/mcp/e2e.sh build/glyphoxa-deploy
step "web UI: the JSON API and its security rules (curl)" tests/web/api.sh build/glyphoxa-deploy
step "web UI: the page in headless Chromium (puppeteer-core)" tests/web/browser.sh build/glyphoxa-deploy
step "terminal UI: the real binary in tmux (tests/tui/e2e.sh)" tests/tui/e2e.sh build/glyphoxa-deploy
step "conformance checker self-test" tests/conformance/selftest.sh
step "golden renders, pod requirements, Kubernetes conformance" \
    env GLYPHOXA_DEPLOY="$root/build/glyphoxa-deploy" tests/golden/check.sh
step "sealed secrets: decrypted by an independent implementation (seal_tool and a whole export)" \
    tests/seal/check.sh build/seal_tool build/glyphoxa-deploy
step "GitOps: kubectl kustomize generated/ builds the objects of the files" \
    env GLYPHOXA_DEPLOY="$root/build/glyphoxa-deploy" tests/golden/kustomize.sh
step "JSON Schema of the values (Ajv 2020-12), golden values files and init checked against it" \
    tests/schema/check.sh build/glyphoxa-deploy
step "templates compiled in: a lone copy of the binary renders the same" \
    tests/standalone/check.sh build/glyphoxa-deploy
step "shellcheck: rendered target scripts and the project's own" \
    shellcheck -x tests/golden/*/expected/scripts/*.sh scripts/*.sh .ci/run \
    tests/*/*.sh tests/fakes/kubectl tests/fakes/helm
step "valgrind build (dynamic)" ./scripts/build.sh build-valgrind -DGX_STATIC=OFF -DGX_TESTS=OFF
step "command line under valgrind" tests/valgrind/cli.sh build-valgrind/glyphoxa-deploy
step "sanitizer build" ./scripts/build.sh build-asan -DGX_SANITIZE=ON
step "cmocka suites under ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
if [ -n "${CI:-}" ] || [ -n "${FUZZ_SECONDS:-}" ]; then
    step "fuzz targets (${FUZZ_SECONDS:-60} s each)" ./scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
fi

echo
if ((failed)); then
    printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
((failed == 0))
