# shellcheck shell=bash
# Shared by transcripts.sh, e2e.sh and robust.sh: the fixed workspace and the
# search for secrets; with ../lib/common.sh (the binary argument, the fake
# tools). Sourced; defines variables and functions, runs nothing. Needs $bin
# (the binary) when make_workspace runs.

# shellcheck source=tests/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# The workspace's secrets: fixed, so that revisions and renders are the same
# every run, and looked for in everything the server writes.
admin_key=mcpTranscriptAdminKey0123456789ab
pg_password=mcpTranscriptPgPassword42

# make_workspace DIR: `init --environment dev`, then its files replaced by
# fixed values: environment dev, postgresql on, the secrets above (in
# secrets.yaml, or in values.yaml when init writes no secrets.yaml).
make_workspace() {
    : "${bin:?make_workspace needs \$bin}"
    "$bin" -C "$1" init --environment dev >/dev/null || return 1
    local values="# glyphoxa-deploy values: only what differs from the defaults.
core:
  environment: dev
"
    local secrets="gateway:
  admin-key: $admin_key
postgresql:
  postgres-password: $pg_password
"
    if [[ -e $1/secrets.yaml ]]; then
        printf '%scomponents:\n  postgresql: true\n' "$values" >"$1/values.yaml"
        printf '# glyphoxa-deploy secrets\n%s' "$secrets" >"$1/secrets.yaml"
        chmod 0600 "$1/secrets.yaml"
    else
        printf '%s%scomponents:\n  postgresql: true\n' "$values" "$secrets" >"$1/values.yaml"
        chmod 0600 "$1/values.yaml"
    fi
}

# no_secret_in FILE... [-- SECRET...]: fails when a secret (the workspace's
# and those given), or its base64 form, is in one of the files.
no_secret_in() {
    local files=() secrets=("$admin_key" "$pg_password") s b64
    while (($#)) && [[ $1 != -- ]]; do
        files+=("$1")
        shift
    done
    (($#)) && shift
    secrets+=("$@")
    for s in "${secrets[@]}"; do
        b64=$(printf '%s' "$s" | base64 -w0)
        if grep -qF -e "$s" -e "$b64" "${files[@]}"; then
            echo "a secret value reached $(grep -lF -e "$s" -e "$b64" "${files[@]}" | tr '\n' ' ')"
            return 1
        fi
    done
}
