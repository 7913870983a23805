#!/usr/bin/env bash
# Golden transcripts of `glyphoxa-deploy mcp`: each tests/mcp/transcripts/NAME.in
# holds requests (one JSON-RPC message per line) and directives; the server
# runs in a fresh workspace, and everything it writes to stdout, with the
# case's directory replaced by CASE and the time limits of kubectl/helm waits
# (--timeout=Ns: what remains of the target's budget) by N and the times of
# the history's revisions (UTC, ISO 8601) by TIME, must equal NAME.out byte
# for byte.
#
#   tests/mcp/transcripts.sh BINARY [--bless] [NAME...]
#
# --bless writes NAME.out from this run instead of comparing (review the diff).
#
# The workspace (CASE/ws, the server's working directory, no -C): made with
# `init --environment dev`, then its files replaced by fixed values (fixed
# secrets in secrets.yaml, or in values.yaml when init writes no secrets.yaml;
# postgresql on), so revisions and renders are the same every run.
# CASE/bin holds kubectl and helm wrappers that run the recording fakes of
# tests/fakes with GX_FAKE_LOG=CASE/fake/log; CASE/bin is first on PATH.
#
# In NAME.in, @META stands for the 2026-07-28 request _meta member
# ("_meta": {protocolVersion, clientCapabilities}), @REV for the workspace
# revision in the last line a #wait read that holds one ("revision": ...);
# lines starting with '#' are directives, blank lines are skipped:
#   #args ARG...     more arguments for `mcp` (--read-only), before any request
#   #env NAME=VALUE  in the server's environment (e.g. GX_FAKE_HANG_ON=1)
#   #no-workspace    no workspace: the server runs in an empty directory
#   #secret VALUE    a secret the case sets: it must never reach stdout or stderr
#   #wait REGEX      send the requests so far (one write), then read stdout
#                    until a line matches the extended REGEX (20 s at most)
#   #shell CMD       send the requests so far, then run CMD (bash, in CASE/ws;
#                    $CASE, $FAKE_LOG and $BIN (the binary) set); a failure fails it
#   #big BYTES       send one line of BYTES bytes (a request padded with 'a')
#   #after CMD       run CMD once the server has exited (as #shell)
#   # TEXT           a comment
# Requests between directives go out in one write, so the server reads them
# together: a target started by one of them has not been followed yet when
# the next ones are answered, and the transcript's order is fixed.
#
# Every case also checks: the server exits 0 once stdin is closed and its
# targets ended; every stdout line is a JSON-RPC 2.0 message (jsonrpc-lines.mjs,
# needs node); no secret of the workspace, nor one named by #secret (nor its
# base64 form), appears on stdout or stderr.
# Prints one line per case and "N passed, M failed"; exits 1 on a failure.
set -uo pipefail

if (($# < 1)); then
    echo "usage: $0 BINARY [--bless] [NAME...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
if [[ ! -x $bin ]]; then
    echo "$0: $bin is not an executable" >&2
    exit 2
fi
bless=0
if [[ ${1:-} == --bless ]]; then
    bless=1
    shift
fi
if ! command -v node >/dev/null 2>&1; then
    echo "$0: node (Node.js >= 20) is required" >&2
    exit 2
fi
# shellcheck source=tests/mcp/lib.sh
source "$here/lib.sh"
names=("$@")
if ((${#names[@]} == 0)); then
    for f in "$here"/transcripts/*.in; do
        names+=("$(basename "$f" .in)")
    done
fi

meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'

scratch=$(mktemp -d "${TMPDIR:-/tmp}/gx-mcp-transcripts-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if [[ -n ${GX_KEEP:-} ]]; then
    trap - EXIT
    echo "cases in $scratch"
fi
export NO_COLOR=1

fail() { # fail MESSAGE: reports the case's failure
    echo "FAIL $name: $1"
    [[ -s $case/stderr ]] && sed 's/^/    stderr: /' "$case/stderr" | tail -n 5
    return 1
}

# The case's server runs in the background; SRV_IN/SRV_OUT are its stdin/stdout.
batch=""
flush_batch() {
    if [[ -n $batch ]]; then
        printf '%s' "$batch" >&"$SRV_IN" || return 1
        batch=""
    fi
}

# The first "revision" member of each line read is kept for @REV.
rev_re='"revision":"([0-9a-f]{64})"'
read_until() { # read_until REGEX: reads stdout lines into raw until one matches
    local line
    while IFS= read -r -t 20 -u "$SRV_OUT" line; do
        printf '%s\n' "$line" >>"$case/raw"
        if [[ $line =~ $rev_re ]]; then
            last_rev=${BASH_REMATCH[1]}
        fi
        if [[ $line =~ $1 ]]; then
            return 0
        fi
    done
    return 1
}

run_case() {
    local in=$here/transcripts/$name.in expected=$here/transcripts/$name.out
    case=$scratch/$name
    mkdir -p "$case/bin" "$case/fake" "$case/ws"
    [[ -f $in ]] || {
        fail "no $in"
        return 1
    }
    local args=() envs=() secrets=() afters=() line
    local no_ws=0
    while IFS= read -r line; do
        case $line in
        '#args '*) read -r -a more <<<"${line#'#args '}" && args+=("${more[@]}") ;;
        '#env '*) envs+=("${line#'#env '}") ;;
        '#secret '*) secrets+=("${line#'#secret '}") ;;
        '#no-workspace') no_ws=1 ;;
        esac
    done <"$in"
    if ((!no_ws)); then
        make_workspace "$case/ws" || {
            fail "init failed"
            return 1
        }
    fi
    gx_fake_wrappers "$case/bin"
    : >"$case/raw"
    export CASE=$case FAKE_LOG=$case/fake/log BIN=$bin
    # the server reads and writes through named pipes (a coprocess's pipes
    # would be closed by bash as soon as it exits, losing its last answers)
    mkfifo "$case/stdin" "$case/stdout"
    (
        cd "$case/ws" &&
            exec env PATH="$case/bin:$PATH" GX_FAKE_LOG="$case/fake/log" "${envs[@]}" \
                "$bin" mcp "${args[@]}" <"$case/stdin" >"$case/stdout" 2>"$case/stderr"
    ) &
    local srv_pid=$!
    exec {SRV_IN}>"$case/stdin" {SRV_OUT}<"$case/stdout"
    local ok=1
    batch=""
    last_rev=none
    while IFS= read -r line; do
        case $line in
        '' | '#args '* | '#env '* | '#secret '* | '#no-workspace' | '# '*) ;;
        '#wait '*)
            if ! { flush_batch && read_until "${line#'#wait '}"; }; then
                fail "no line matching '${line#'#wait '}' within 20 s"
                ok=0
                break
            fi
            ;;
        '#shell '*)
            if ! { flush_batch && (cd "$case/ws" && bash -c "${line#'#shell '}"); }; then
                fail "#shell failed: ${line#'#shell '}"
                ok=0
                break
            fi
            ;;
        '#after '*) afters+=("${line#'#after '}") ;;
        '#big '*)
            flush_batch
            local size=${line#'#big '}
            {
                printf '{"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":"'
                head -c "$((size - 60))" /dev/zero | tr '\0' a
                printf '"}}\n'
            } >&"$SRV_IN"
            ;;
        '#'*)
            fail "unknown directive: $line"
            ok=0
            break
            ;;
        *)
            line=${line//@META/$meta}
            batch+="${line//@REV/$last_rev}"$'\n'
            ;;
        esac
    done <"$in"
    if ((ok)); then
        flush_batch
    fi
    # end of input: the server answers what still runs, then exits
    exec {SRV_IN}>&-
    local rest
    while IFS= read -r -t 30 -u "$SRV_OUT" rest; do
        printf '%s\n' "$rest" >>"$case/raw"
    done
    exec {SRV_OUT}<&-
    wait "$srv_pid"
    local status=$?
    ((ok)) || return 1
    ((status == 0)) || {
        fail "the server exited with status $status"
        return 1
    }
    local cmd
    for cmd in "${afters[@]}"; do
        (cd "$case" && bash -c "$cmd") || {
            fail "#after failed: $cmd"
            return 1
        }
    done
    node "$here/jsonrpc-lines.mjs" "$case/raw" >"$case/check" 2>&1 || {
        fail "stdout holds something that is not a JSON-RPC message: $(head -c 300 "$case/check")"
        return 1
    }
    local why
    why=$(no_secret_in "$case/raw" "$case/stderr" -- "${secrets[@]}") || {
        fail "$why"
        return 1
    }
    # the case's directory, and the waits' time limits (what remains of the
    # target's budget when the command runs: it depends on how long it took)
    sed -E -e "s|$case|CASE|g" -e 's/(--timeout[= ])[0-9]+s/\1Ns/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$case/raw" >"$case/out"
    if ((bless)); then
        cp "$case/out" "$expected"
        echo "blessed $name"
        return 0
    fi
    if ! diff -u "$expected" "$case/out" >"$case/diff" 2>&1; then
        fail "the transcript differs from $name.out:"
        head -c 3000 "$case/diff" | sed 's/^/    /'
        return 1
    fi
    echo "ok   $name"
}

passed=0
failed=0
for name in "${names[@]}"; do
    if run_case; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
((failed == 0))
