#!/usr/bin/env bash
# End-to-end tests of `glyphoxa-deploy edit`: the real binary in a tmux pane
# (send-keys types, capture-pane -p reads the screen), asserting on what the
# screen shows and on the workspace's files. The tmux server is private
# (-L tui-e2e-PID) and killed at the end.
#
#   tests/tui/e2e.sh BINARY
#
# Covered: opening; walking to gateway/replica-count; an invalid value and its
# inline error, fixed; saving (the new value in values.yaml, the operator's
# comment kept); searching for a description word and jumping there; switching
# a component and undoing it; an apply dry run streaming its commands (through
# the recording fakes of tests/fakes, which must record no call); quitting with
# unsaved edits (Esc keeps editing, Ctrl-C asks again, d discards); resizing to
# 60x20 (the message) and back; a CJK value shown, edited and saved; colours,
# none with NO_COLOR; no terminal, TERM=dumb (exit 2 with a pointer to the
# command line).
set -euo pipefail

bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/tui-e2e.XXXXXX)
sock=tui-e2e-$$
ws=$work/ws
values=$ws/values.yaml
comment='# two gateways for the demo (operator note)'

T() { tmux -u -L "$sock" "$@"; }
cleanup() {
    T kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
ok() {
    passed=$((passed + 1))
    echo "ok $passed - $*"
}
screen() { T capture-pane -p -t e2e 2>/dev/null || true; }
fail() {
    echo "not ok - $*"
    echo "--- the screen:"
    screen
    echo "--- values.yaml:"
    cat "$values" 2>/dev/null || true
    exit 1
}
# wait_for TEXT: until the screen shows TEXT (5 s at most)
wait_for() {
    local i
    for ((i = 0; i < 100; i++)); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.05
    done
    fail "the screen does not show '$1'"
}
# wait_gone TEXT: until the screen no longer shows TEXT
wait_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        if ! screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.05
    done
    fail "the screen still shows '$1'"
}
keys() { T send-keys -t e2e "$@"; }
text() { T send-keys -t e2e -l -- "$1"; }
# start: the editor in a fresh 80x24 pane; after it exits the pane shows EXIT:status
# session COMMAND: a fresh 80x24 tmux session running COMMAND (a server that is
# still going away right after kill-server can refuse it: tried again)
session() {
    T kill-server 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
        if T new-session -d -s e2e -x 80 -y 24 "$1" 2>/dev/null; then
            T set-option -t e2e status off >/dev/null
            return 0
        fi
        sleep 0.1
    done
    fail "tmux would not start a session"
}
start() { # start [NAME=VALUE...]: extra environment
    session "env PATH='$root/tests/fakes:$PATH' GX_FAKE_LOG='$work/fake.log' LANG=C.UTF-8 $* \
         '$bin' -C '$ws' edit; echo EXIT:\$?; sleep 60"
    wait_for "glyphoxa-deploy edit · values"
}

mkdir -p "$ws"
"$bin" -C "$ws" init --environment dev >/dev/null
printf 'gateway:\n  %s\n  replica-count: 2\n' "$comment" >>"$values"
"$bin" -C "$ws" validate >/dev/null

# ---- open, walk to gateway/replica-count ------------------------------------------
start
wait_for "[+] gateway/ [mandatory]"
wait_for "0 blocking"
keys Down Enter Down
wait_for "gateway/replica-count · Replicas · int, min 1 · from values.yaml:"
ok "open and walk to gateway/replica-count"

# ---- an invalid value, its inline error, fixed, saved -----------------------------------
keys Enter
wait_for "edit gateway/replica-count"
keys C-u
text "abc"
wait_for "error: gateway/replica-count: expected an integer, got 'abc'"
keys C-u
text "0"
wait_for "1 blocking"
keys BSpace
text "4"
wait_for "ok: valid"
keys Enter
wait_for "1 unsaved"
screen | grep -qE '^ +\*\+ replica-count +4 ' || fail "the tree does not show the edited value"
grep -q 'replica-count: 2' "$values" || fail "values.yaml changed before the save"
keys s
wait_for "saved 1 edit"
wait_for "| saved"
grep -q '^  replica-count: 4$' "$values" || fail "values.yaml lacks the new value"
grep -qF "$comment" "$values" || fail "the operator's comment is gone"
ok "invalid value shown inline, fixed, saved with the comment kept"

# ---- search for a description word and jump --------------------------------------
keys /
wait_for "search:"
text "omitted when"
wait_for "description"
keys Enter
wait_for "· values"
path=$(screen | sed -n 's/^ \([a-z0-9/-]*\) · .* · from .*/\1/p' | head -n 1)
[ -n "$path" ] || fail "no path in the details after the jump"
"$bin" describe "$path" | grep -q "omitted when" || fail "jumped to $path, whose description lacks the words"
ok "search a description ('omitted when') and jump to $path"

# ---- a component switched, and undone ----------------------------------------------
keys c
wait_for "· components"
for _ in $(seq 1 12); do
    if screen | grep -qF "autoscaling: off"; then break; fi
    keys Down
    sleep 0.05
done
wait_for "autoscaling: off"
keys Space
wait_for "autoscaling: on (not saved)"
wait_for "1 unsaved"
keys u
wait_for "undone: autoscaling"
wait_for "autoscaling: off"
wait_for "| saved"
ok "component autoscaling switched on, then undone"

# ---- apply: a dry run first, its commands streamed -----------------------------------
keys Escape
wait_for "· values"
keys a
wait_for "target:  default"
keys Enter
wait_for "dry run done (exit status 0)"
screen | grep -q "kubectl" || fail "no command of the dry run on the screen"
keys PPage
wait_for "[step 1/"
[ ! -e "$work/fake.log" ] || fail "the dry run ran kubectl or helm"
keys R
wait_for "for real, against the cluster?"
keys Escape
wait_gone "for real, against the cluster?"
keys Escape
wait_for "· values"
ok "apply dry run streams its commands; a real run asks first"

# ---- a CJK value: shown, edited, saved ---------------------------------------------
keys /
text "campaign/name"
wait_for "config/campaign/name"
keys Enter
wait_for "config/campaign/name · "
keys Enter
text "冒険の書"
wait_for "> 冒険の書"
keys Enter
wait_for "冒険の書"
screen | grep -qE '^ +\*\+ name +冒険の書 +string$' || fail "the CJK value is not aligned in its row"
keys Enter
keys BSpace
text "記"
wait_for "> 冒険の記"
keys Enter
keys s
wait_for "saved 1 edit"
grep -q 'name: 冒険の記' "$values" || fail "values.yaml lacks the edited CJK value"
ok "CJK value shown in its column, edited by character, saved"

# ---- resize to 60x20 and back ------------------------------------------------------
T resize-window -t e2e -x 60 -y 20
wait_for "needs at least 80x24"
wait_for "this terminal is 60x20"
T resize-window -t e2e -x 80 -y 24
wait_for "· values"
wait_for "name · Campaign"
ok "resized to 60x20 (message) and back (redrawn)"

# ---- quit with unsaved edits ----------------------------------------------------------
keys d
wait_for "1 unsaved"
before=$(cat "$values")
keys q
wait_for "Quit with 1 unsaved edit?"
keys Escape
wait_gone "Quit with 1 unsaved edit?"
wait_for "1 unsaved"
keys C-c
wait_for "Quit with 1 unsaved edit?"
keys d
wait_for "EXIT:0"
[ "$(cat "$values")" = "$before" ] || fail "discarding changed values.yaml"
ok "quit with unsaved edits: Esc keeps editing, Ctrl-C asks, d discards"

# ---- save and quit from the question ------------------------------------------------
start
keys /
text "replica-count"
wait_for "gateway/replica-count"
keys Enter Enter C-u
text "5"
keys Enter
wait_for "1 unsaved"
keys q
wait_for "Quit with 1 unsaved edit?"
keys s
wait_for "EXIT:0"
grep -q '^  replica-count: 5$' "$values" || fail "s in the question did not save"
grep -qF "$comment" "$values" || fail "the operator's comment is gone"
ok "quit with unsaved edits: s saves, then quits"

# ---- colours: on a colour terminal, none with NO_COLOR ---------------------------------
start
wait_for "0 blocking"
T capture-pane -p -e -t e2e | grep -q $'\e\\[3[0-7]m' || fail "no colour on a colour terminal"
start NO_COLOR=1
wait_for "0 blocking"
if T capture-pane -p -e -t e2e | grep -q $'\e\\[3[0-7]m'; then fail "colour with NO_COLOR"; fi
T capture-pane -p -e -t e2e | grep -q $'\e\\[7m' || fail "no reverse video (the cursor) with NO_COLOR"
ok "colours on a colour terminal, none with NO_COLOR (reverse video stays)"

# ---- no terminal, a dumb terminal --------------------------------------------------
set +e
out=$("$bin" -C "$ws" edit </dev/null 2>&1)
st=$?
set -e
[ "$st" -eq 2 ] || fail "without a terminal: exit $st, not 2"
grep -q "use the command line" <<<"$out" || fail "without a terminal: no pointer to the command line"
session "env TERM=dumb '$bin' -C '$ws' edit; echo EXIT:\$?; sleep 60"
wait_for "EXIT:2"
wait_for "TERM=dumb"
ok "no terminal and TERM=dumb: exit 2, pointing to the command line"

echo "$passed passed, 0 failed"
