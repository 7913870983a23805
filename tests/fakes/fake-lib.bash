# shellcheck shell=bash
# Shared body of the recording fakes `kubectl` and `helm` (see README.md here).
# Sourced by them; defines gx_fake_main and helpers, runs nothing itself.

# Sets REPLY to $1 with backslash, tab, newline and carriage return escaped
# as \\ \t \n \r, so that one record stays one line of tab-separated fields.
gx_fake_escape() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    s=${s//$'\r'/\\r}
    REPLY=$s
}

# Succeeds when the call number $1 is in the comma-separated list $2 of
# "n" or "n:status" entries; sets REPLY to the status part ("" when none).
gx_fake_listed() {
    local n=$1 entry entries=()
    REPLY=
    IFS=, read -r -a entries <<<"$2"
    for entry in ${entries[@]+"${entries[@]}"}; do
        if [[ ${entry%%:*} == "$n" ]]; then
            [[ $entry == *:* ]] && REPLY=${entry#*:}
            return 0
        fi
    done
    return 1
}

# Sets REPLY to the verb of the command line: its first word that is neither
# a flag nor the value of a common flag given as a separate word.
gx_fake_verb() {
    local arg skip=0
    REPLY=
    for arg in "$@"; do
        if ((skip)); then
            skip=0
            continue
        fi
        case $arg in
        -n | --namespace | --context | --kube-context | --kubeconfig | -o | --output | \
            -l | --selector | -f | --filename | --values) skip=1 ;;
        -*) ;;
        *)
            REPLY=$arg
            return 0
            ;;
        esac
    done
}

# gx_fake_main TOOL ARG... — records the call, then fails, hangs, or prints
# canned output and succeeds, as the GX_FAKE_* variables say.
gx_fake_main() {
    local tool=$1
    shift
    if [[ -z ${GX_FAKE_LOG:-} ]]; then
        printf 'fake %s: GX_FAKE_LOG is not set\n' "$tool" >&2
        exit 97
    fi
    local log=$GX_FAKE_LOG arg n=0 stdin_field=- reads_stdin=0 record cwd

    # stdin is read only when the command line says so (like the real tools),
    # and before taking the lock: the writer of a pipe may be another fake.
    for arg in "$@"; do
        case $arg in
        - | -f- | *=- | /dev/stdin | *=/dev/stdin) reads_stdin=1 ;;
        esac
    done
    if ((reads_stdin)) && [[ ! -t 0 ]]; then
        cat >"$log.stdin.tmp.$$"
    fi

    exec 9>>"$log.lock"
    flock 9
    if [[ -s $log.count ]]; then
        read -r n <"$log.count"
    fi
    n=$((n + 1))
    printf '%s\n' "$n" >"$log.count"
    if [[ -e $log.stdin.tmp.$$ ]]; then
        if [[ -s $log.stdin.tmp.$$ ]]; then
            mv -f -- "$log.stdin.tmp.$$" "$log.stdin.$n"
            stdin_field=stdin
        else
            rm -f -- "$log.stdin.tmp.$$"
        fi
    fi
    env -0 >"$log.env.$n"
    cwd=$(pwd -P)
    gx_fake_escape "$cwd"
    record="$n"$'\t'"$tool"$'\t'"$REPLY"$'\t'"$stdin_field"
    for arg in "$@"; do
        gx_fake_escape "$arg"
        record+=$'\t'"$REPLY"
    done
    printf '%s\n' "$record" >>"$log"
    exec 9>&- # release the lock before anything that may take long

    if gx_fake_listed "$n" "${GX_FAKE_HANG_ON:-}"; then
        printf 'fake %s: call %s hangs (GX_FAKE_HANG_ON)\n' "$tool" "$n" >&2
        # The sleep is a child process, so stopping the caller takes a group kill.
        (
            printf '%s %s\n' "$$" "$BASHPID" >"$log.hang.$n"
            exec sleep 1000
        )
        exit
    fi
    if gx_fake_listed "$n" "${GX_FAKE_PROMPT_ON:-}"; then
        # A credential plugin that prompts: asks on stderr, reads a line from
        # stdin, and records it with its process group and the terminal's
        # foreground group (both 0 without a terminal).
        local answer='' stat fields
        printf 'fake %s: enter the code: ' "$tool" >&2
        IFS= read -r answer || true
        stat=$(</proc/self/stat)
        read -r -a fields <<<"${stat##*) }"
        printf '%s\n%s %s\n' "$answer" "${fields[2]}" "${fields[5]}" >"$log.prompt.$n"
    fi
    if gx_fake_listed "$n" "${GX_FAKE_WAIT_ON:-}"; then
        # A wait that never succeeds: runs out its own --timeout=Ns, then fails
        # as kubectl rollout status and helm --wait do.
        local wait=0
        for arg in "$@"; do
            if [[ $arg =~ ^--timeout=([0-9]+)s$ ]]; then
                wait=${BASH_REMATCH[1]}
            fi
        done
        sleep "$wait"
        printf 'error: timed out waiting for the condition (fake %s, call %s, %ss)\n' \
            "$tool" "$n" "$wait" >&2
        exit 1
    fi
    if gx_fake_listed "$n" "${GX_FAKE_FAIL_ON:-}"; then
        printf 'fake %s: call %s fails with status %s (GX_FAKE_FAIL_ON)\n' \
            "$tool" "$n" "${REPLY:-1}" >&2
        exit "${REPLY:-1}"
    fi

    local call="GX_FAKE_STDOUT_CALL_$n"
    if [[ -n ${!call+set} ]]; then
        printf '%s\n' "${!call}"
        exit 0
    fi
    gx_fake_verb "$@"
    local name="GX_FAKE_STDOUT_${tool^^}_${REPLY^^}"
    name=${name//[^A-Za-z0-9_]/_}
    if [[ -n $REPLY && -n ${!name+set} ]]; then
        printf '%s\n' "${!name}"
    fi
    exit 0
}
