#!/usr/bin/env bash
# Every value below is single-quoted on purpose, so that nothing in it expands.
# shellcheck disable=SC2016
# glyphoxa-deploy target "default": applies generated/ to the cluster.
# Rendered by `glyphoxa-deploy export` (the next export replaces it). Run through
# `glyphoxa-deploy apply` (validation, export, timeout, --dry-run), or by hand from
# anywhere: bash scripts/apply.sh
#   1. ensures the namespace
#   2. server-side applies every rendered manifest (field manager glyphoxa-deploy)
#   3. deletes the resources of switched-off parts, so they leave the cluster
#   4. waits for the rollout of the gateway (and MCP gateway)
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

# apply_file FILE: server-side apply as the field manager glyphoxa-deploy. Forcing
# conflicts makes the rendered values win over fields another manager changed
# (e.g. replicas after `stop`, or fields the old Helm chart owned).
apply_file() {
    run "${kubectl_cmd[@]}" apply --server-side --field-manager=glyphoxa-deploy \
        --force-conflicts -f "$1"
}

# delete_resources KIND/NAME...: deletes resources of this release that are not
# rendered (any more); missing ones are fine.
delete_resources() {
    run "${kubectl_cmd[@]}" delete --namespace="$namespace" --ignore-not-found "$@"
}

step 1/4 "namespace $namespace"
apply_file generated/namespace.yaml

step 2/4 "apply generated/ (server-side, field manager glyphoxa-deploy)"
apply_file generated/serviceaccount.yaml
apply_file generated/secrets.yaml
apply_file generated/config.yaml
apply_file generated/worker-job-template.yaml
apply_file generated/networkpolicy.yaml
apply_file generated/gateway.yaml
apply_file generated/gateway-pdb.yaml
apply_file generated/mcp-gateway.yaml

step 3/4 "delete what is not rendered any more"
# R-config is a ConfigMap now: the Secret form goes.
delete_resources "secret/$release-config"
# ServiceAccounts this tool created for the release, except the one the gateway
# is configured to use (gateway/service-account/name).
service_account='glyphoxa-gateway'
delete_resources serviceaccount \
    "--selector=app.kubernetes.io/instance=$release,app.kubernetes.io/managed-by=glyphoxa-deploy" \
    "--field-selector=metadata.name!=$service_account"
# autoscaling is off.
delete_resources "horizontalpodautoscaler/$release-gateway"

step 4/4 "wait for the rollout"
wait_budget 300
run "${kubectl_cmd[@]}" rollout status "deployment/$release-gateway" --namespace="$namespace" \
    "--timeout=${REPLY}s"
wait_budget 300
run "${kubectl_cmd[@]}" rollout status "deployment/$release-mcp-gateway" --namespace="$namespace" \
    "--timeout=${REPLY}s"
