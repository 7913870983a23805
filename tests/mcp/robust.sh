#!/usr/bin/env bash
# Hostile traffic for `glyphoxa-deploy mcp`, each case in a fresh workspace
# (lib.sh): the server must neither crash nor hang, exit 0, keep stdout to
# JSON-RPC messages (jsonrpc-lines.mjs) and write no secret.
#   - a burst of 10,000 requests written at once (tools, lists, notifications,
#     bad lines mixed in): exactly one answer per request, ids in order;
#   - bytes that are not JSON (NUL bytes, invalid UTF-8, deep nesting, a last
#     line without its newline): an error each, then the server goes on;
#   - a closed stdout: the server stops at once, cancelling a running target
#     (its process group is gone afterwards), and says so on stderr; the same
#     with a rollback running (and no revision is kept for it).
#
#   tests/mcp/robust.sh BINARY
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/mcp/lib.sh
source "$here/lib.sh"
gx_binary_arg BINARY 1 1 "$@"
work=$(mktemp -d "${TMPDIR:-/tmp}/gx-mcp-robust-XXXXXX")
trap 'rm -rf "$work"' EXIT
meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
passed=0
failed=0
ok() {
    echo "ok   $1"
    passed=$((passed + 1))
}
bad() {
    echo "FAIL $1"
    failed=$((failed + 1))
}

# ---- a burst of 10,000 requests ------------------------------------------------------
make_workspace "$work/burst"
for ((i = 1; i <= 10000; i++)); do
    case $((i % 8)) in
    0) printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"validate",%s}}\n' "$i" "$meta" ;;
    1) printf '{"jsonrpc":"2.0","id":%d,"method":"tools/list","params":{%s}}\n' "$i" "$meta" ;;
    2) printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_values","arguments":{"paths":["core"]},%s}}\n' "$i" "$meta" ;;
    3) if ((i % 16 == 3)); then uri=glyphoxa://validation; else uri=glyphoxa://history; fi
        printf '{"jsonrpc":"2.0","id":%d,"method":"resources/read","params":{"uri":"%s",%s}}\n' "$i" "$uri" "$meta" ;;
    4) printf '{"jsonrpc":"2.0","id":%d,"method":"prompts/get","params":{"name":"plan-apply","arguments":{"target":"status"},%s}}\n' "$i" "$meta" ;;
    5) printf '{"jsonrpc":"2.0","id":%d,"method":"nope"}\n' "$i" ;;
    6) if ((i % 16 == 6)); then
        printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"describe_path","arguments":{"path":"core/namespace"},%s}}\n' "$i" "$meta"
    else
        printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"history",%s}}\n' "$i" "$meta"
    fi ;;
    7) printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_components",%s}}\n{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":%d}}\n' "$i" "$meta" "$i" ;;
    esac
done >"$work/burst.in"
start=$SECONDS
(cd "$work/burst" && timeout 300 "$bin" mcp <"$work/burst.in" >"$work/burst.out" 2>"$work/burst.err")
status=$?
took=$((SECONDS - start))
answers=$(grep -c '"id":' "$work/burst.out")
ids_in_order=$(cut -c1-40 "$work/burst.out" | sed -n 's/^{"jsonrpc":"2.0","id":\([0-9]*\),.*/\1/p' |
    awk '$1 != NR { bad = 1 } END { print bad ? "no" : "yes" }')
if ((status == 0)) && [[ $answers == 10000 && $ids_in_order == yes ]] &&
    node "$here/jsonrpc-lines.mjs" "$work/burst.out" >/dev/null &&
    no_secret_in "$work/burst.out" "$work/burst.err" >/dev/null; then
    ok "a burst of 10,000 requests: 10,000 answers in order in $took s"
else
    bad "a burst of 10,000 requests: status $status, $answers answers, in order: $ids_in_order"
fi

# ---- bytes that are not JSON ----------------------------------------------------------
make_workspace "$work/bytes"
{
    printf '\0\0\0\n'
    printf '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{%s},"x":"\xff\xfe"}\n' "$meta"
    printf '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_paths","arguments":{"text":"\\u0000\\ud800"},%s}}\n' "$meta"
    head -c 100000 /dev/zero | tr '\0' '['
    printf '\n'
    printf '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"set_values","arguments":{"values":[{"path":"core/namespace","value":"a\\u0000b"}]},%s}}\n' "$meta"
    printf '\r\n\n\t \n'
    printf '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"validate",%s}}' "$meta"
} >"$work/bytes.in"
(cd "$work/bytes" && timeout 60 "$bin" mcp <"$work/bytes.in" >"$work/bytes.out" 2>"$work/bytes.err")
status=$?
if ((status == 0)) && [[ $(wc -l <"$work/bytes.out") == 6 ]] &&
    grep -q '"id":4,"result"' "$work/bytes.out" &&
    node "$here/jsonrpc-lines.mjs" "$work/bytes.out" >/dev/null; then
    ok "bytes that are not JSON: one error each, and the last line without its newline is answered"
else
    bad "bytes that are not JSON: status $status, $(wc -l <"$work/bytes.out") lines"
    head -c 2000 "$work/bytes.out"
fi

# ---- a closed stdout, with a target running ------------------------------------------------
make_workspace "$work/closed"
gx_fake_wrappers "$work/bin"
mkdir -p "$work/fake"
{
    printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"apply","arguments":{"dry_run":false},%s}}\n' "$meta"
    # the answers to these fill the pipe the reader below stops reading
    for ((i = 2; i <= 400; i++)); do
        printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list_paths",%s}}\n' "$i" "$meta"
    done
} >"$work/closed.in"
(
    cd "$work/closed" &&
        PATH="$work/bin:$PATH" GX_FAKE_LOG="$work/fake/log" GX_FAKE_HANG_ON=1 \
            timeout 60 "$bin" mcp <"$work/closed.in" 2>"$work/closed.err" | head -c 1000 >/dev/null
    exit "${PIPESTATUS[0]}"
)
status=$?
sleep 1
alive=""
if [[ -s $work/fake/log.hang.1 ]]; then
    read -r -a pids <"$work/fake/log.hang.1"
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null && alive+=" $p"
    done
fi
if ((status == 0)) && grep -q "stdout is closed" "$work/closed.err" && [[ -z $alive ]]; then
    ok "a closed stdout: the server stopped (status 0), no process of its target is left"
else
    bad "a closed stdout: status $status, processes left:${alive:- none}"
    tail -n 5 "$work/closed.err"
fi

# ---- a closed stdout, with a rollback running ----------------------------------------------
# revision 1 comes from the command line's apply (its fakes log elsewhere), so that the
# rollback's first kubectl call is the first of this log and hangs
make_workspace "$work/closed-rb"
mkdir -p "$work/fake-rb"
(cd "$work/closed-rb" && PATH="$work/bin:$PATH" GX_FAKE_LOG="$work/fake-rb/setup" "$bin" apply \
    </dev/null >/dev/null 2>&1)
{
    printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rollback","arguments":{"revision":1,"dry_run":false},%s}}\n' "$meta"
    for ((i = 2; i <= 400; i++)); do
        printf '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"history",%s}}\n' "$i" "$meta"
    done
} >"$work/closed-rb.in"
(
    cd "$work/closed-rb" &&
        PATH="$work/bin:$PATH" GX_FAKE_LOG="$work/fake-rb/log" GX_FAKE_HANG_ON=1 \
            timeout 60 "$bin" mcp <"$work/closed-rb.in" 2>"$work/closed-rb.err" | {
            # stdout closes only once the rollback's kubectl hangs: closed earlier, the
            # server stops before the target ever ran (a race seen on a quiet machine)
            for ((w = 0; w < 600; w++)); do
                [[ -s $work/fake-rb/log.hang.1 ]] && break
                sleep 0.05
            done
            head -c 1000 >/dev/null
        }
    exit "${PIPESTATUS[0]}"
)
status=$?
sleep 1
alive=""
if [[ -s $work/fake-rb/log.hang.1 ]]; then
    read -r -a pids <"$work/fake-rb/log.hang.1"
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null && alive+=" $p"
    done
fi
if ((status == 0)) && [[ -s $work/fake-rb/log.hang.1 ]] && grep -q "stdout is closed" "$work/closed-rb.err" &&
    [[ -z $alive && ! -e $work/closed-rb/.glyphoxa-deploy/history/2 ]]; then
    ok "a closed stdout during a rollback: the server stopped, no process left, no revision kept"
else
    bad "a closed stdout during a rollback: status $status, processes left:${alive:- none}"
    tail -n 5 "$work/closed-rb.err"
fi

echo "$passed passed, $failed failed"
((failed == 0))
