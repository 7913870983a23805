#!/usr/bin/env bash
# Hostile-input suite: runs every case of cases.txt (next to this script) against
# the glyphoxa-deploy binary given as $1, each in a fresh temporary workspace.
#
# Each case asserts: the binary neither crashed (no signal) nor hung (killed
# after $GX_HOSTILE_TIMEOUT s, default 10), its exit status, a fragment of its
# output (stdout + stderr) that names the place of the problem, output below
# 1 MiB, and that no file of the workspace changed (every entry's type and mode,
# and the SHA-256 of every regular file, before and after). The workspace lock
# (.glyphoxa-deploy/ and its lock file) is tool state created on first use and
# is left out of the comparison; files a case names in `writes:` may change.
#
# The case format is described at the top of cases.txt. Big inputs (10 MB
# file, deep nesting, alias bomb, ...) are generated at run time by gen_* below.
#
# Read-only workspace and full disk: as root, chmod stops nothing, so the
# runner re-executes itself in a private mount namespace (unshare -m) and uses a
# read-only bind mount of the workspace and a small full tmpfs. Where mounts are
# not possible it falls back to chattr +i (read-only) and RLIMIT_FSIZE (full
# disk), and says so on the case's line.
#
# GX_HOSTILE_NO_MOUNT=1 skips the mounts (to exercise the fallbacks);
# GX_HOSTILE_CASES=FILE runs another case file; GX_HOSTILE_TIMEOUT=S per case.
#
# Prints one line per case and a last line "N passed, M failed"; exits 1 on any
# failure (and 2 on a usage error of this script).
set -uo pipefail

if (($# != 1)); then
    echo "usage: $0 BINARY" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [[ ! -x $bin ]]; then
    echo "$0: $1 is not an executable" >&2
    exit 2
fi
cases_file=${GX_HOSTILE_CASES:-$here/cases.txt}
timeout_s=${GX_HOSTILE_TIMEOUT:-10}

# A private mount namespace: mounts made here vanish with this process.
if [[ -z ${GX_HOSTILE_IN_NS:-} && -z ${GX_HOSTILE_NO_MOUNT:-} ]] && ((EUID == 0)) && unshare -m --propagation private true 2>/dev/null; then
    GX_HOSTILE_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

export NO_COLOR=1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/gx-hostile-XXXXXX")
cleanup() {
    # unmount anything left below scratch (deepest first), then remove it
    if [[ -n ${GX_HOSTILE_IN_NS:-} ]]; then
        local m
        while read -r m; do
            umount -l "$m" 2>/dev/null
        done < <(awk -v p="$scratch/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
    fi
    chattr -R -i "$scratch" 2>/dev/null
    chmod -R u+w "$scratch" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT

# ---- what this machine allows ---------------------------------------------------------

probe=$scratch/probe
mkdir -p "$probe"
can_mount=false
if [[ -n ${GX_HOSTILE_IN_NS:-} ]] && mount -t tmpfs -o size=64k tmpfs "$probe" 2>/dev/null; then
    umount "$probe" && can_mount=true
fi
can_chattr=false
if chattr +i "$probe" 2>/dev/null; then
    touch "$probe/x" 2>/dev/null || can_chattr=true
    chattr -i "$probe"
fi
readonly_how="RLIMIT_FSIZE=0 (no read-only mount, chmod or chattr that works here)"
fulldisk_how="RLIMIT_FSIZE=0 (no tmpfs here)"
if $can_mount; then
    readonly_how="read-only bind mount"
    fulldisk_how="full 256 KiB tmpfs"
elif ((EUID != 0)); then
    readonly_how="chmod a-w, not root"
elif $can_chattr; then
    readonly_how="chattr +i on the workspace"
fi

# Workspaces live on a tmpfs when mounts work: no disk, no fsync cost.
work=$scratch
if $can_mount; then
    mkdir -p "$scratch/work" && mount -t tmpfs -o size=512m,mode=0700 tmpfs "$scratch/work" &&
        work=$scratch/work
fi

# ---- generators (output on stdout) -----------------------------------------------------

repeat() { # repeat COUNT TEXT
    local pad
    printf -v pad '%*s' "$1" ''
    printf '%s' "${pad// /"$2"}"
}
gen_big() { # a 'core/namespace' value of N bytes
    printf 'core:\n  namespace: '
    head -c "$1" /dev/zero | tr '\0' a
    printf '\n'
}
gen_padded() { # a valid file of about N bytes: one value, then comment lines
    printf 'core:\n  namespace: padded\n'
    yes '# padding padding padding padding padding padding padding padding padding padding' |
        head -c "$1"
    printf '\n'
}
gen_flow_nest() { # N nested flow sequences under config/npcs
    printf 'config:\n  npcs: '
    repeat "$1" '['
    repeat "$1" ']'
    printf '\n'
}
gen_flow_map_nest() { # N nested flow maps under core
    printf 'core: '
    repeat "$1" '{a: '
    printf 'x'
    repeat "$1" '}'
    printf '\n'
}
gen_block_nest() { # N nested block sequences on one line under config/npcs
    printf 'config:\n  npcs:\n    '
    repeat "$1" '- '
    printf 'x\n'
}
gen_alias_bomb() { # billion laughs: 9^9 "lol"s once expanded
    local prev=a cur i
    printf 'config:\n  npcs:\n    - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for cur in b c d e f g h i; do
        printf '    - &%s [' "$cur"
        for ((i = 0; i < 9; i++)); do
            printf '%s*%s' "$([[ $i -gt 0 ]] && printf ,)" "$prev"
        done
        printf ']\n'
        prev=$cur
    done
}
gen_many_unknown() { # N unknown keys under core
    awk -v n="$1" 'BEGIN { print "core:"; for (i = 0; i < n; i++) printf "  unknown-%d: x\n", i }'
}
gen_many_dups() { # the same key N times
    awk -v n="$1" 'BEGIN { print "core:"; for (i = 0; i < n; i++) printf "  namespace: n%d\n", i }'
}
gen_long_key() { # an unknown key of N characters
    printf 'core:\n  '
    head -c "$1" /dev/zero | tr '\0' k
    printf ': x\n'
}
gen_all_bytes() { # every byte value 0..255, four times
    local i hex esc=""
    for ((i = 0; i < 256; i++)); do
        printf -v hex '\\x%02x' "$i"
        esc+=$hex
    done
    printf '%b%b%b%b' "$esc" "$esc" "$esc" "$esc"
}
gen_deep_path() { # a map N levels deep under gateway/ports
    local i
    printf 'gateway:\n  ports:\n'
    for ((i = 0; i < $1; i++)); do
        repeat $((2 * i + 4)) ' '
        printf 'k%d:\n' "$i"
    done
}

# ---- one case ---------------------------------------------------------------------------

passed=0
failed=0
declare -A hdr
declare -a file_names file_kinds file_data
string_paths=()

snapshot() { # snapshot DIR [EXCLUDED-FILE...]: every entry's type and mode, every file's hash
    local dir=$1
    shift
    local -a skip=(! -path "$dir/.glyphoxa-deploy" ! -path "$dir/.glyphoxa-deploy/lock")
    local f
    for f in "$@"; do skip+=(! -path "$dir/$f"); done
    find "$dir" -mindepth 1 "${skip[@]}" -printf '%y %m %P\n' \( -type f -exec sha256sum {} + \) |
        LC_ALL=C sort
}

split_args() { # split_args TEXT: words split at spaces; '...' and "..." quote literally
    args=()
    local s=$1 word="" quote="" inword=false c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ -n $quote ]]; then
            if [[ $c == "$quote" ]]; then quote=""; else word+=$c; fi
        elif [[ $c == "'" || $c == '"' ]]; then
            quote=$c
            inword=true
        elif [[ $c == " " ]]; then
            if $inword; then args+=("$word"); fi
            word=""
            inword=false
        else
            word+=$c
            inword=true
        fi
    done
    if $inword; then args+=("$word"); fi
    if [[ ${hdr[escapes]:-} == yes ]]; then
        for i in "${!args[@]}"; do
            printf -v 'args[i]' '%b' "${args[i]}"
        done
    fi
    [[ -z $quote ]]
}

write_content() { # write_content DIR INDEX
    local target=$1/${file_names[$2]} data=${file_data[$2]}
    case ${file_kinds[$2]} in
    text) printf '%s' "$data" >"$target" ;;
    escaped) printf '%b' "$data" >"$target" ;;
    gen)
        local -a g
        read -r -a g <<<"$data"
        "gen_${g[0]//-/_}" "${g[@]:1}" >"$target"
        ;;
    esac
}

run_case() { # run_case NAME: runs the case held in hdr/file_*
    local name=$1
    local ws=$work/ws.$((passed + failed))
    local out=$ws.out
    mkdir -p "$ws"
    local how=""
    local -a setup=()
    read -r -a setup <<<"${hdr[setup]:-}"
    local -a limit=()
    local step i

    if [[ " ${setup[*]} " == *" full-disk "* ]] && $can_mount; then
        mount -t tmpfs -o size=256k,mode=0700 tmpfs "$ws" # init writes ~90 KiB (values.schema.json)
    fi
    for step in "${setup[@]}"; do
        case $step in
        init) (cd "$ws" && "$bin" init >/dev/null 2>&1) || { fail "$name" "setup: init failed"; return; } ;;
        init-dsn) (cd "$ws" && "$bin" init --dsn 'postgres://u:p@db/g' >/dev/null 2>&1) || { fail "$name" "setup: init failed"; return; } ;;
        esac
    done
    for i in "${!file_names[@]}"; do
        write_content "$ws" "$i"
    done
    for step in "${setup[@]}"; do
        case $step in
        init | init-dsn) ;;
        values-dir) mkdir -p "$ws/values.yaml" && touch "$ws/values.yaml/keep" ;;
        values-fifo) rm -f "$ws/values.yaml" && mkfifo "$ws/values.yaml" ;;
        values-devzero) rm -f "$ws/values.yaml" && ln -s /dev/zero "$ws/values.yaml" ;;
        values-dangling) rm -f "$ws/values.yaml" && ln -s missing-target "$ws/values.yaml" ;;
        state-is-file) rm -rf "$ws/.glyphoxa-deploy" && printf 'x' >"$ws/.glyphoxa-deploy" ;;
        readonly)
            how=" ($readonly_how)"
            case $readonly_how in
            *mount*) mount --bind "$ws" "$ws" && mount -o remount,bind,ro "$ws" ;;
            *chmod*) chmod a-w "$ws" ;;
            *chattr*) chattr +i "$ws" ;;
            *) limit=(ulimit -f 0) ;;
            esac
            ;;
        full-disk)
            how=" ($fulldisk_how)"
            if $can_mount; then
                # fill the tmpfs: a file grows until the device is full
                head -c 1048576 /dev/zero >"$ws/.filler" 2>/dev/null
            else
                limit=(ulimit -f 0)
            fi
            ;;
        fsize=*) limit=(ulimit -f "$(((${step#fsize=} + 1023) / 1024))") ;;
        *) fail "$name" "unknown setup step '$step'"; return ;;
        esac
    done

    local -a writes=()
    read -r -a writes <<<"${hdr[writes]:-}"
    local before after
    before=$(snapshot "$ws" "${writes[@]}")

    if ! split_args "${hdr[cmd]}"; then
        fail "$name" "cases.txt: unbalanced quote in cmd"
        return
    fi
    local status
    (
        cd "$ws" || exit 125
        if ((${#limit[@]})); then "${limit[@]}" || exit 125; fi
        exec timeout -k 2 "$timeout_s" "$bin" "${args[@]}"
    ) 2>&1 </dev/null | head -c 1048577 >"$out"
    status=${PIPESTATUS[0]}

    after=$(snapshot "$ws" "${writes[@]}")
    local problem=""
    if ((status == 124)); then
        problem="hang: killed after ${timeout_s}s"
    elif ((status > 128)); then
        problem="crash: killed by signal $((status - 128))"
    elif ((status == 125)); then
        problem="could not start the command"
    elif [[ $status != "${hdr[exit]}" ]]; then
        problem="exit status $status, expected ${hdr[exit]}"
    elif ! output_has "$out" "${hdr[expect]}"; then
        problem="output lacks \"${hdr[expect]}\""
    elif (($(stat -c %s "$out") > 1048576)); then
        problem="more than 1 MiB of output"
    elif [[ $before != "$after" ]]; then
        problem="the workspace changed: $(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep '^[<>]' | head -3 | tr '\n' ' ')"
    elif [[ ${hdr[roundtrip]:-} == yes ]]; then
        # set PATH=VALUE gave exit 0: get must give VALUE back, byte for byte
        local assignment=${args[1]} got
        got=$(cd "$ws" && "$bin" get "${assignment%%=*}" --show-secrets 2>&1; printf x)
        if [[ ${got%x} != "${assignment#*=}"$'\n' ]]; then
            problem="get ${assignment%%=*} gave back \"${got%$'\n'x}\""
        fi
    fi

    case $how in
    *mount* | *tmpfs*) while mountpoint -q "$ws" 2>/dev/null; do umount "$ws" || break; done ;;
    *chmod*) chmod u+w "$ws" ;;
    *chattr*) chattr -i "$ws" ;;
    esac
    if [[ -n $problem ]]; then
        fail "$name$how" "$problem"
        printf '       output: %s\n' "$(head -c 300 "$out" | tr '\n' '|')"
    else
        passed=$((passed + 1))
        printf 'ok   %s%s\n' "$name" "$how"
    fi
    rm -rf "$ws" "$out"
}

output_has() { # output_has FILE "A || B": true when any alternative occurs in FILE
    local rest=$2 alt
    while :; do
        alt=${rest%% || *}
        grep -qaF -- "$alt" "$1" && return 0
        [[ $rest == *" || "* ]] || return 1
        rest=${rest#* || }
    done
}

fail() { # fail NAME REASON
    failed=$((failed + 1))
    printf 'FAIL %s: %s\n' "$1" "$2"
}

flush_case() { # runs the collected case (once per path for "for-each: string-paths")
    [[ -n ${case_name:-} ]] || return 0
    local missing=""
    [[ -n ${hdr[cmd]:-} ]] || missing="cmd"
    [[ -n ${hdr[exit]:-} ]] || missing+=" exit"
    [[ -n ${hdr[expect]:-} ]] || missing+=" expect"
    if [[ -n $missing ]]; then
        fail "$case_name" "cases.txt: missing $missing"
    elif [[ ${hdr[for-each]:-} == string-paths ]]; then
        local template=${hdr[cmd]} expect=${hdr[expect]:-} p
        for p in "${string_paths[@]}"; do
            hdr[cmd]=${template//\{path\}/$p}
            hdr[expect]=${expect//\{path\}/$p}
            run_case "$case_name $p"
        done
    else
        run_case "$case_name"
    fi
    case_name=""
    hdr=()
    file_names=()
    file_kinds=()
    file_data=()
}

# the string paths, for "for-each: string-paths"
while read -r p t _; do
    [[ $t == string ]] && string_paths+=("$p")
done < <("$bin" list paths)
if ((${#string_paths[@]} < 10)); then
    echo "$0: 'list paths' named only ${#string_paths[@]} string paths" >&2
    exit 1
fi

# ---- the case file ---------------------------------------------------------------------------

case_name=""
block=-1
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    if [[ $line == "=== "* ]]; then
        flush_case
        case_name=${line#=== }
        block=-1
        continue
    fi
    if ((block >= 0)); then
        if [[ $line == "--- "* ]]; then
            block=-1
        else
            file_data[block]+=$line$'\n'
            continue
        fi
    fi
    if [[ $line == "--- "* ]]; then
        block=${#file_names[@]}
        file_names+=("${line#--- }")
        file_kinds+=(text)
        file_data+=("")
        continue
    fi
    [[ -z $line || $line == "#"* ]] && continue
    if [[ -z $case_name ]]; then
        echo "$cases_file:$lineno: a header outside a case: $line" >&2
        exit 2
    fi
    key=${line%%:*}
    value=${line#*: }
    [[ $value == "$line" ]] && value=""
    case $key in
    values)
        file_names+=(values.yaml)
        file_kinds+=(escaped)
        file_data+=("$value")
        ;;
    "file "*)
        file_names+=("${key#file }")
        file_kinds+=(escaped)
        file_data+=("$value")
        ;;
    "gen "*)
        file_names+=("${key#gen }")
        file_kinds+=(gen)
        file_data+=("$value")
        ;;
    cmd | exit | expect | setup | writes | roundtrip | escapes | for-each) hdr[$key]=$value ;;
    *)
        echo "$cases_file:$lineno: unknown header '$key'" >&2
        exit 2
        ;;
    esac
done <"$cases_file"
flush_case

echo "$passed passed, $failed failed"
((failed == 0))
