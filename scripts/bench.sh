#!/usr/bin/env bash
# The performance benchmarks, for the full manifest set (bench/values-full.yaml:
# every component on, providers of every kind, NPCs, MCP servers): builds a
# Release tree in build-bench/, then prints each figure next to its goal with
# "ok" or "MISSED":
#   - export, whole process, median over BENCH_RUNS runs (default 300) minus the
#     median of /bin/true timed the same way in the same run (bench_export): the
#     no-op export (its output equals the tree in place: nothing is written, and
#     bench_export checks that no file below generated/ and scripts/ changed),
#     and an export with one changed file (it is removed before each run);
#   - in-process renders per second on one core (bench_render);
#   - peak resident set of export (wait4 ru_maxrss; /usr/bin/time -v beside it);
#   - size of the stripped binary, with every front end and with the command
#     line alone (glyphoxa-deploy-cli), and what each front end adds (against
#     glyphoxa-deploy-nomcp, -noweb and -notui: the same link without it);
#   - the MCP server: validate round trips over stdio and RSS growth over
#     10,000 requests (bench_mcp);
#   - the web UI: median POST /api/validate on loopback and RSS growth over
#     10,000 requests (bench_web), and the size of its assets;
#   - the terminal UI: keystroke to redraw with fresh validation (bench_tui).
# Figures only: nothing here is a test, and it is not part of scripts/test.sh.
# Exits non-zero only when setting up, building or running a benchmark fails.
#
#   scripts/bench.sh            BENCH_RUNS=1000 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs=${BENCH_RUNS:-300}
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs < 200)); then
    echo "bench.sh: BENCH_RUNS must be a number >= 200" >&2
    exit 2
fi

./scripts/setup.sh
# No tests in this tree: the figures need only the tool and bench/*.
./scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release -DGX_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target glyphoxa-deploy-cli glyphoxa-deploy-nomcp \
    glyphoxa-deploy-noweb glyphoxa-deploy-notui >/dev/null

build=$root/build-bench
tool=$build/glyphoxa-deploy
values=$root/bench/values-full.yaml

work=$(mktemp -d "$build/bench.XXXXXX")
shm=""
cleanup() {
    rm -rf "$work"
    if [ -n "$shm" ]; then rm -rf "$shm"; fi
}
trap cleanup EXIT

# A workspace holding the benchmark values as an operator's would: the
# secrets in secrets.yaml (the first change moves them out of values.yaml; the
# change sets a value to what it is).
make_workspace() { # make_workspace DIR
    mkdir -p "$1"
    install -m 0600 "$values" "$1/values.yaml"
    "$tool" -C "$1" set "core/namespace=$("$tool" -C "$1" get core/namespace 2>/dev/null)" \
        >/dev/null 2>&1
    test -f "$1/secrets.yaml"
    "$tool" -C "$1" validate >/dev/null
    "$tool" -C "$1" export >/dev/null 2>&1 # the first export; the timed ones replace it
}

ws=$work/ws
make_workspace "$ws"

fstype() { findmnt -n -o FSTYPE,OPTIONS -T "$1" 2>/dev/null | head -n 1 || echo unknown; }

# value KEY FILE: the figure "KEY: VALUE" printed by a benchmark program
value() { sed -n "s/^ *$1: \([-0-9.]*\).*/\1/p" "$2" | head -n 1; }

# verdict FIGURE OP GOAL: "ok" when FIGURE OP GOAL holds (OP is <= or >=)
verdict() {
    if awk -v f="$1" -v g="$3" -v op="$2" 'BEGIN { exit !(op == "<=" ? f <= g : f >= g) }'; then
        echo ok
    else
        echo MISSED
    fi
}

row() { # row LABEL FIGURE UNIT OP GOAL
    printf '  %-44s %12s %-7s goal %s %-9s %s\n' "$1" "$2" "$3" "$4" "$5" "$(verdict "$2" "$4" "$5")"
}

echo "=== machine"
echo "cpus:    $(nproc)"
echo "cpu:     $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "kernel:  $(uname -sr)"
echo "load:    $(cut -d ' ' -f 1-3 /proc/loadavg) (1, 5, 15 min)"
echo "fs:      $(fstype "$ws") (workspace $ws)"
echo "binary:  $(file -b "$tool" | grep -o 'statically linked' || echo 'not statically linked')"

echo
echo "=== in-process render (bench/bench_render.c)"
"$build/bench_render" "$values" >"$work/render.txt"
cat "$work/render.txt"

echo
echo "=== no-op export (nothing changed), whole process, workspace on $(fstype "$ws" | cut -d ' ' -f 1) (bench/bench_export.c)"
"$build/bench_export" -n "$runs" -s "$ws/generated" -s "$ws/scripts" -- "$tool" -C "$ws" export \
    >"$work/export.txt"
cat "$work/export.txt"
echo
echo "=== export with one file changed, whole process"
"$build/bench_export" -n "$runs" -u "$ws/generated/gateway.yaml" -- "$tool" -C "$ws" export \
    >"$work/export-changed.txt"
cat "$work/export-changed.txt"

# The same on tmpfs and without files (--stdout), to show what the file system costs.
if [ -d /dev/shm ] && [ "$(findmnt -n -o FSTYPE -T /dev/shm 2>/dev/null | head -n 1)" = tmpfs ]; then
    shm=$(mktemp -d /dev/shm/glyphoxa-bench.XXXXXX)
    make_workspace "$shm/ws"
    echo
    echo "=== no-op export, whole process, workspace on tmpfs"
    "$build/bench_export" -n "$runs" -s "$shm/ws/generated" -s "$shm/ws/scripts" -- \
        "$tool" -C "$shm/ws" export >"$work/export-tmpfs.txt"
    cat "$work/export-tmpfs.txt"
    echo
    echo "=== export with one file changed, whole process, workspace on tmpfs"
    "$build/bench_export" -n "$runs" -u "$shm/ws/generated/gateway.yaml" -- \
        "$tool" -C "$shm/ws" export >"$work/export-tmpfs-changed.txt"
    cat "$work/export-tmpfs-changed.txt"
fi
echo
echo "=== export --stdout (render and stream only, no files), whole process"
"$build/bench_export" -n "$runs" -- "$tool" -C "$ws" export --stdout >"$work/export-stdout.txt"
cat "$work/export-stdout.txt"

echo
echo "=== MCP server over stdio: validate round trips, RSS over 10,000 requests (bench/bench_mcp.c)"
"$build/bench_mcp" -r 1000 -n 10000 "$tool" "$ws" >"$work/mcp.txt"
cat "$work/mcp.txt"

echo
echo "=== web UI: POST /api/validate round trips on loopback, RSS over 10,000 requests (bench/bench_web.c)"
"$build/bench_web" -r 1000 -n 10000 "$tool" "$ws" >"$work/web.txt" 2>/dev/null
cat "$work/web.txt"
web_assets=$(find "$root/web" -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
echo "assets compiled in (web/): $web_assets bytes in $(find "$root/web" -type f | wc -l) files"

echo
echo "=== terminal UI: a keystroke that changes a value, to the redraw with fresh validation (bench/bench_tui.c)"
tui_ws=$work/tui-ws
make_workspace "$tui_ws"
"$build/bench_tui" "$tui_ws" 1000 >"$work/tui.txt"
cat "$work/tui.txt"

echo
echo "=== cross-checks"
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$tool" -C "$ws" export >/dev/null 2>"$work/time.txt"
    echo "/usr/bin/time -v: $(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): /max RSS /p' "$work/time.txt") KiB"
else
    echo "/usr/bin/time not installed: no second RSS figure"
fi
if command -v strace >/dev/null 2>&1; then
    strace -f -qq -e trace=fsync,fdatasync,sync,syncfs,sync_file_range -o "$work/sync.txt" \
        "$tool" -C "$ws" export >/dev/null
    echo "sync calls during export (strace): $(grep -c -E 'sync' "$work/sync.txt" || true)"
else
    echo "strace not installed: sync calls not counted"
fi

echo
echo "=== binary sizes (stripped)"
stripped_size() { strip -o "$work/stripped" "$1" && stat -c %s "$work/stripped"; }
stripped=$(stripped_size "$tool")
cli_only=$(stripped_size "$build/glyphoxa-deploy-cli")
echo "binary: $(stat -c %s "$tool") bytes, stripped $stripped bytes"
echo "the command line alone (glyphoxa-deploy-cli): stripped $cli_only bytes"
# front end, the link without it, the objects of its folder
for fe in "MCP server:nomcp:mcp" "web UI:noweb:web" "terminal UI:notui:tui"; do
    IFS=: read -r label variant dir <<<"$fe"
    without=$(stripped_size "$build/glyphoxa-deploy-$variant")
    objs=$(size "$build"/CMakeFiles/gx_"$dir".dir/src/"$dir"/*.o |
        awk 'NR > 1 { n += $1 + $2 } END { print n }')
    echo "the $label adds $((stripped - without)) bytes (src/$dir objects, text + data: $objs bytes; the rest is its libraries)"
done

rps=$(value renders_per_second_median "$work/render.txt")
rps_cpu=$(value renders_per_cpu_second_median "$work/render.txt")
diff_us=$(value median_difference_us "$work/export.txt")
rss=$(value command_maxrss_kib_max "$work/export.txt")
stdout_diff=$(value median_difference_us "$work/export-stdout.txt")

echo
echo "=== figures against the goals ($runs runs each; machine above)"
row "export --stdout median - /bin/true median" "$stdout_diff" us "<=" 500
row "  the same in CPU time (user + system)" "$(value cpu_median_difference_us "$work/export-stdout.txt")" us "<=" 500
row "no-op export median - /bin/true median" "$diff_us" us "<=" 500
row "  files a no-op export changed" "$(value files_changed_below_dirs "$work/export.txt")" files "<=" 0
row "  the same in CPU time (user + system)" "$(value cpu_median_difference_us "$work/export.txt")" us "<=" 500
if [ -f "$work/export-tmpfs.txt" ]; then
    row "  workspace on tmpfs" "$(value median_difference_us "$work/export-tmpfs.txt")" us "<=" 500
    row "export with one file changed, on tmpfs" "$(value median_difference_us "$work/export-tmpfs-changed.txt")" us "<=" 1500
fi
printf '  %-44s %12s %-7s (no goal: the cost of the file system)\n' \
    "  the same on $(fstype "$ws" | cut -d ' ' -f 1)" "$(value median_difference_us "$work/export-changed.txt")" us
row "renders per second, one core (wall clock)" "$rps" "/s" ">=" 20000
row "  the same, per second of thread CPU time" "$rps_cpu" "/s" ">=" 20000
row "peak RSS of export (ru_maxrss)" "$rss" KiB "<=" 4096
row "stripped binary, the command line alone" "$cli_only" bytes "<=" 2097152
row "stripped binary, every front end" "$stripped" bytes "<=" 3145728
row "MCP: tools/call validate round trip (median)" "$(value validate_round_trip_median_us "$work/mcp.txt")" us "<=" 1000
row "MCP: RSS growth over 10,000 requests" "$(value rss_growth_kib "$work/mcp.txt")" KiB "<=" 1023
row "web: POST /api/validate round trip (median)" "$(value validate_round_trip_median_us "$work/web.txt")" us "<=" 2000
row "web: RSS growth over 10,000 requests" "$(value rss_growth_kib "$work/web.txt")" KiB "<=" 1023
row "TUI: keystroke to redraw, validated (median)" "$(value keystroke_to_redraw_median_us "$work/tui.txt")" us "<=" 16000
row "  99th percentile" "$(value keystroke_to_redraw_p99_us "$work/tui.txt")" us "<=" 16000
row "  an edit kept (Enter) to redraw (median)" "$(value edit_to_redraw_median_us "$work/tui.txt")" us "<=" 16000
