#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) into
# build-fuzz/, replays every saved regression input, then fuzzes each target for
# SECONDS (default 60) on a working copy of its seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: fuzz_values, fuzz_node, ...
#
# Environment: FUZZ_JOBS=N runs N targets at once (default 1); FUZZ_NO_BUILD=1
# skips the build.
# Layout: build-fuzz/corpus/TARGET (working corpus, grows across runs),
# build-fuzz/crashes/TARGET (crash, timeout and oom inputs), build-fuzz/logs/TARGET.log.
# Prints one summary line per target (runs, exec/s, coverage, features, corpus,
# crashes) and exits 1 when any target crashed or a regression input failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)

seconds=${1:-60}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
fi
jobs=${FUZZ_JOBS:-1}
build=$root/build-fuzz

targets=("$@")
if ((${#targets[@]} == 0)); then
    for src in tests/fuzz/fuzz_*.c; do
        [ -e "$src" ] || continue
        name=${src##*/}
        targets+=("${name%.c}")
    done
fi
for t in "${targets[@]}"; do
    if [ ! -f "tests/fuzz/$t.c" ]; then
        echo "fuzz.sh: no target $t (tests/fuzz/$t.c)" >&2
        exit 2
    fi
done

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    echo "=== building ${targets[*]} with clang into build-fuzz/"
    cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DGX_FUZZ=ON -DGX_TESTS=OFF -DGX_STATIC=OFF -DGX_WERROR=ON >/dev/null || exit 1
    cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >"$build/build.log" 2>&1 || {
        tail -n 40 "$build/build.log"
        echo "fuzz.sh: build failed (build-fuzz/build.log)" >&2
        exit 1
    }
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
mkdir -p "$build/logs"

# Replays tests/fuzz/regressions/TARGET/*; prints the failures.
replay() {
    local t=$1 dir=$root/tests/fuzz/regressions/$1
    local inputs=()
    [ -d "$dir" ] || return 0
    for f in "$dir"/*; do
        [ -f "$f" ] && inputs+=("$f")
    done
    ((${#inputs[@]})) || return 0
    if ! "$build/$t" -rss_limit_mb=2048 -timeout=10 "${inputs[@]}" >"$build/logs/$t.replay.log" 2>&1; then
        echo "$t: a regression input fails again (build-fuzz/logs/$t.replay.log):"
        grep -E 'Running:|ERROR|ORACLE|SUMMARY' "$build/logs/$t.replay.log" | tail -n 8
        return 1
    fi
    echo "$t: ${#inputs[@]} regression inputs pass"
}

# Fuzzes one target; its summary goes to build-fuzz/logs/TARGET.summary.
fuzz_one() {
    local t=$1
    local corpus=$build/corpus/$t crashes=$build/crashes/$t log=$build/logs/$t.log
    mkdir -p "$corpus" "$crashes"
    cp -n "$root/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
    if [ -d "$root/tests/fuzz/regressions/$t" ]; then
        cp -n "$root/tests/fuzz/regressions/$t"/* "$corpus"/ 2>/dev/null || true
    fi
    local before
    before=$(find "$crashes" -type f | wc -l)
    "$build/$t" "$corpus" -dict="$root/tests/fuzz/yaml.dict" -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=10 -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$crashes/" >"$log" 2>&1
    local rc=$?
    local after
    after=$(find "$crashes" -type f | wc -l)
    local found=$((after - before))
    if ((rc != 0 && found == 0)); then
        found=1 # died without writing an artifact: still a failure
    fi
    local last runs execs cov ft corp
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -E -n 's/^#([0-9]+).*/\1/p' <<<"$last")
    [ -n "$execs" ] || execs=$(sed -E -n 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
    cov=$(sed -E -n 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -E -n 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -E -n 's/.*corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
    printf '%-14s runs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-12s crashes %s\n' \
        "$t" "${runs:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$found" \
        >"$build/logs/$t.summary"
    if ((found)); then
        {
            grep -E 'ORACLE|ERROR: |SUMMARY|Test unit written' "$log" | head -n 6
            echo "  log: build-fuzz/logs/$t.log"
        } >>"$build/logs/$t.summary"
    fi
    return $((found > 0))
}

status=0
for t in "${targets[@]}"; do
    replay "$t" || status=1
done

echo "=== fuzzing ${targets[*]} for ${seconds}s each (${jobs} at a time)"
running=0
for t in "${targets[@]}"; do
    rm -f "$build/logs/$t.summary"
    fuzz_one "$t" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n
        running=$((running - 1))
    fi
done
wait

echo "=== summary"
for t in "${targets[@]}"; do
    if [ -f "$build/logs/$t.summary" ]; then
        cat "$build/logs/$t.summary"
        grep -q 'crashes 0$' "$build/logs/$t.summary" || status=1
    else
        echo "$t: no summary (see build-fuzz/logs/$t.log)"
        status=1
    fi
done
exit "$status"
