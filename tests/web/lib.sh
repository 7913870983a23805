# shellcheck shell=bash
# Shared by api.sh, browser.sh and scripts/bench.sh: a workspace with known
# secrets, the recording fakes as kubectl and helm, and a running
# `glyphoxa-deploy serve`; with ../lib/common.sh (the binary argument, the
# fake tools). Sourced; defines variables and functions only.

# shellcheck source=tests/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# The workspace's secrets: looked for in every response.
web_admin_key=webTestAdminKey0123456789abcdef
web_pg_password=webTestPgPassword4242

# web_workspace BIN DIR: `init --environment dev`, then values.yaml with a
# comment of the operator's, secrets.yaml with the secrets above.
web_workspace() {
    "$1" -C "$2" init --environment dev >/dev/null || return 1
    cat >"$2/values.yaml" <<'EOF'
# The operator's own comment: it must survive every write from the page.
core:
  environment: dev # inline comment kept too
components:
  postgresql: true
EOF
    printf 'gateway:\n  admin-key: %s\npostgresql:\n  postgres-password: %s\n' \
        "$web_admin_key" "$web_pg_password" >"$2/secrets.yaml"
    chmod 0600 "$2/secrets.yaml"
}

# web_start BIN WS OUT [ENV=VALUE...]: starts `serve --listen 127.0.0.1:0` in
# the background with the fakes' environment; sets web_pid, web_url (the
# login URL), web_base (http://127.0.0.1:PORT), web_host (127.0.0.1:PORT).
# OUT: its stdout (OUT.err: stderr).
web_start() {
    local bin=$1 ws=$2 out=$3
    shift 3
    env "$@" "$bin" -C "$ws" serve --listen 127.0.0.1:0 >"$out" 2>"$out.err" &
    web_pid=$!
    local i
    for ((i = 0; i < 100; i++)); do
        web_url=$(grep -o 'http://[^ ]*/login?token=[0-9a-f]*' "$out" 2>/dev/null) && break
        sleep 0.05
    done
    if [[ -z $web_url ]]; then
        echo "serve did not print its URL:" >&2
        cat "$out" "$out.err" >&2
        return 1
    fi
    web_base=${web_url%%/login*}
    # shellcheck disable=SC2034 # for the scripts that source this
    web_host=${web_base#http://}
}

# web_stop: ends the server started by web_start (SIGTERM) and waits for it.
web_stop() {
    [[ -n ${web_pid:-} ]] || return 0
    kill -TERM "$web_pid" 2>/dev/null
    wait "$web_pid" 2>/dev/null
    web_pid=
}
