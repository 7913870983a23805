#!/usr/bin/env bash
# Every value below is single-quoted on purpose, so that nothing in it expands.
# shellcheck disable=SC2016
# glyphoxa-deploy target "infrastructure": installs or upgrades the bundled Helm
# releases that are switched on — PostgreSQL (postgresql) and the Sealed Secrets
# controller (sealed-secrets) — with values from the files in generated/infra/.
# With GX_FETCH_CERTIFICATE=1 (`glyphoxa-deploy apply infrastructure
# --fetch-certificate`) it then fetches the controller's certificate into
# $GX_CERTIFICATE_FILE (by hand: sealed-secrets-cert.pem).
# Rendered by `glyphoxa-deploy export` (the next export replaces it). Run through
# `glyphoxa-deploy apply infrastructure`, or by hand: bash scripts/infra.sh
set -euo pipefail

release='glyphoxa'
namespace='glyphoxa'

# ---- prelude: the same in every target script -------------------------------------
# kubectl and helm: $GX_KUBECTL / $GX_HELM (glyphoxa-deploy passes the resolved
# executables), else kubectl / helm from PATH; --kubeconfig / --context from
# $GX_KUBECONFIG / $GX_CONTEXT when set. Commands are echoed as "+ WORD..." (each
# word shell-quoted) before they run; with GX_DRY_RUN=1 they are only echoed.
# GX_TIMEOUT is the target's budget in seconds (glyphoxa-deploy stops the target
# when it runs out); each kubectl/helm wait gets what remains of it (wait_budget).
kubectl_cmd=("${GX_KUBECTL:-kubectl}")
# shellcheck disable=SC2034 # not every target uses helm
helm_cmd=("${GX_HELM:-helm}")
if [[ -n ${GX_KUBECONFIG:-} ]]; then
    kubectl_cmd+=("--kubeconfig=$GX_KUBECONFIG")
    helm_cmd+=("--kubeconfig=$GX_KUBECONFIG")
fi
if [[ -n ${GX_CONTEXT:-} ]]; then
    kubectl_cmd+=("--context=$GX_CONTEXT")
    helm_cmd+=("--kube-context=$GX_CONTEXT")
fi
dry_run=${GX_DRY_RUN:-0}

# echo_command COMMAND [ARG...]: prints "+ COMMAND ARG..." with each word shell-quoted.
echo_command() {
    local words
    printf -v words ' %q' "$@"
    printf '+%s\n' "$words"
}

# run COMMAND [ARG...]: echoes the command, then runs it (not with GX_DRY_RUN=1).
run() {
    echo_command "$@"
    if [[ $dry_run == 1 ]]; then
        return 0
    fi
    "$@"
}

# wait_budget DEFAULT: sets REPLY to the seconds the next wait (--timeout of
# `kubectl rollout status`, `helm --wait`, ...) may take: what remains of the
# budget (GX_TIMEOUT, else DEFAULT, counted from the script's start) minus a
# margin of a tenth of it (2 to 15 s), at least 1. So the wait's own timeout fires
# before the budget runs out, and its error is what you see.
# shellcheck disable=SC2317 # not every target waits
wait_budget() {
    local budget=${GX_TIMEOUT:-$1} margin
    margin=$((budget / 10))
    if ((margin < 2)); then
        margin=2
    elif ((margin > 15)); then
        margin=15
    fi
    REPLY=$((budget - SECONDS - margin))
    if ((REPLY < 1)); then
        REPLY=1
    fi
}

# state_fact FACT: tells glyphoxa-deploy a fact for its record of the deployed
# release (namespace-created, sealed-secrets-installed), through the file
# GX_STATE_FILE; nothing when run by hand or in a dry run.
# shellcheck disable=SC2317 # not every target reports facts
state_fact() {
    if [[ -n ${GX_STATE_FILE:-} && $dry_run != 1 ]]; then
        printf '%s\n' "$1" >>"$GX_STATE_FILE"
    fi
}

# ensure_namespace: applies generated/namespace.yaml only when the namespace does
# not exist yet (then it is recorded as created by this workspace) or this
# workspace created it (GX_NAMESPACE_OWNED=1); a namespace that exists otherwise
# is shared with others and left as it is: not labelled, not changed.
# shellcheck disable=SC2317 # not every target creates the namespace
ensure_namespace() {
    local existing get_namespace=("${kubectl_cmd[@]}" get namespace "$namespace"
        --ignore-not-found --output=name)
    local apply_namespace=("${kubectl_cmd[@]}" apply --server-side
        --field-manager=glyphoxa-deploy --force-conflicts -f generated/namespace.yaml)
    echo_command "${get_namespace[@]}"
    if [[ $dry_run == 1 ]]; then
        printf '(only when that prints nothing, or this workspace created the namespace:)\n'
        echo_command "${apply_namespace[@]}"
        return 0
    fi
    existing=$("${get_namespace[@]}")
    if [[ -z $existing ]]; then
        run "${apply_namespace[@]}"
        state_fact namespace-created
    elif [[ ${GX_NAMESPACE_OWNED:-0} == 1 ]]; then
        run "${apply_namespace[@]}"
    else
        printf 'namespace %s exists and was not created by this workspace: left as it is\n' \
            "$namespace"
    fi
}

# step N/M TEXT: announces step N of M.
step() {
    printf '[step %s] %s\n' "$1" "$2"
}

# The scripts use paths relative to the workspace (generated/...), the parent of
# scripts/ (found without external commands).
case ${BASH_SOURCE[0]} in
*/*) cd -- "${BASH_SOURCE[0]%/*}/.." ;;
*) cd .. ;;
esac
# ---- end of prelude ------------------------------------------------------------------

printf 'infrastructure: postgresql and sealed-secrets are both off for release %s (namespace %s); nothing to install\n' \
    "$release" "$namespace"
