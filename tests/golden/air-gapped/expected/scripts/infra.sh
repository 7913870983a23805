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
namespace='offline'

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

steps=3
if [[ ${GX_FETCH_CERTIFICATE:-0} == 1 ]]; then
    steps=4
fi

step "1/$steps" "namespace $namespace"
ensure_namespace

step "2/$steps" "PostgreSQL (Helm release $release-postgresql)"
postgresql_chart='./charts/postgresql-16.4.11.tgz'
postgresql_args=()
postgresql_args+=(--version '16.4.11')
wait_budget 300
run "${helm_cmd[@]}" upgrade --install "$release-postgresql" "$postgresql_chart" \
    ${postgresql_args[@]+"${postgresql_args[@]}"} --namespace="$namespace" \
    --wait "--timeout=${REPLY}s" -f generated/infra/postgresql-values.yaml

step "3/$steps" "Sealed Secrets controller (Helm release sealed-secrets)"
sealed_secrets_chart='charts/sealed-secrets'
sealed_secrets_namespace='kube-system'
sealed_secrets_args=()
case $sealed_secrets_chart in
oci://* | */* | *.tgz | *.tar.gz) ;; # an OCI reference or a local chart: no --repo
*)
    sealed_secrets_args+=(--repo 'https://bitnami-labs.github.io/sealed-secrets')
    ;;
esac
sealed_secrets_args+=(--version '2.18.4')
# The controller serves the whole cluster: installed only when none is there yet
# (its CustomResourceDefinition is missing) or this workspace installed it
# (GX_SEALED_SECRETS_OWNED=1); one installed otherwise is left alone.
controller=("${kubectl_cmd[@]}" get customresourcedefinition sealedsecrets.bitnami.com
    --ignore-not-found --output=name)
echo_command "${controller[@]}"
install_controller=1
if [[ $dry_run == 1 ]]; then
    printf '(only when that prints nothing, or this workspace installed the controller:)\n'
elif [[ -n $("${controller[@]}") && ${GX_SEALED_SECRETS_OWNED:-0} != 1 ]]; then
    install_controller=0
fi
if ((install_controller)); then
    wait_budget 300
    run "${helm_cmd[@]}" upgrade --install sealed-secrets "$sealed_secrets_chart" \
        ${sealed_secrets_args[@]+"${sealed_secrets_args[@]}"} \
        --namespace="$sealed_secrets_namespace" --create-namespace \
        --wait "--timeout=${REPLY}s" -f generated/infra/sealed-secrets-values.yaml
    state_fact sealed-secrets-installed
else
    printf 'a Sealed Secrets controller is installed already, not by this workspace: left as it is\n'
fi

if ((steps == 4)); then
    step "4/$steps" "the controller's certificate (to seal secrets offline)"
    # As kubeseal --fetch-cert does: the controller serves its current certificate
    # at /v1/cert.pem, reached through the API server's proxy of its Service (by
    # the name of the Service's first port). The certificate is public.
    controller_name='sealed-secrets-controller'
    certificate_file=${GX_CERTIFICATE_FILE:-sealed-secrets-cert.pem}
    get_port=("${kubectl_cmd[@]}" get service "$controller_name"
        --namespace="$sealed_secrets_namespace" '--output=jsonpath={.spec.ports[0].name}')
    echo_command "${get_port[@]}"
    port=PORT
    if [[ $dry_run != 1 ]]; then
        port=$("${get_port[@]}")
    fi
    fetch=("${kubectl_cmd[@]}" get --raw
        "/api/v1/namespaces/$sealed_secrets_namespace/services/http:$controller_name:$port/proxy/v1/cert.pem")
    printf '+%s > %q\n' "$(printf ' %q' "${fetch[@]}")" "$certificate_file"
    if [[ $dry_run != 1 ]]; then
        # written whole or not at all: a failed fetch leaves the file as it was
        "${fetch[@]}" >"$certificate_file.tmp"
        mv -f -- "$certificate_file.tmp" "$certificate_file"
    fi
fi
