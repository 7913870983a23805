#!/usr/bin/env bash
# Every value below is single-quoted on purpose, so that nothing in it expands.
# shellcheck disable=SC2016
# glyphoxa-deploy target "default": applies generated/ to the cluster.
# Rendered by `glyphoxa-deploy export` (the next export replaces it). Run through
# `glyphoxa-deploy apply` (validation, export, timeout, --dry-run), or by hand from
# anywhere: bash scripts/apply.sh
#   1. ensures the namespace (created and labelled only when it is new, or this
#      workspace created it)
#   2. server-side applies every rendered manifest (field manager glyphoxa-deploy),
#      unless one of them exists as an object of another release; sealed secrets
#      (SealedSecrets) need the Sealed Secrets controller, which unseals them
#   3. deletes the resources of switched-off parts, selected by the release's
#      labels, so they leave the cluster
#   4. waits for the rollout of the gateway (and MCP gateway)
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

# apply_file FILE: server-side apply as the field manager glyphoxa-deploy. Forcing
# conflicts makes the rendered values win over fields another manager changed
# (e.g. replicas after `stop`, or fields the old Helm chart owned).
apply_file() {
    run "${kubectl_cmd[@]}" apply --server-side --field-manager=glyphoxa-deploy \
        --force-conflicts -f "$1"
}

# delete_labelled KINDS COMPONENT [NAME]: deletes objects of KINDS (comma-separated)
# that carry this release's labels — app.kubernetes.io/instance R and managed-by
# glyphoxa-deploy, and component COMPONENT unless it is "-" — and, when NAME is
# given, that name. Never by bare names: an object of another release, or one
# that glyphoxa-deploy did not create, is never deleted. Missing ones are fine.
delete_labelled() {
    local selector="app.kubernetes.io/instance=$release,app.kubernetes.io/managed-by=glyphoxa-deploy"
    local args=()
    if [[ $2 != - ]]; then
        selector+=",app.kubernetes.io/component=$2"
    fi
    if [[ -n ${3:-} ]]; then
        args+=("--field-selector=metadata.name=$3")
    fi
    run "${kubectl_cmd[@]}" delete "$1" --namespace="$namespace" --ignore-not-found \
        "--selector=$selector" ${args[@]+"${args[@]}"}
}

step 1/4 "namespace $namespace"
ensure_namespace

step 2/4 "apply generated/ (server-side, field manager glyphoxa-deploy)"
files=(
    generated/serviceaccount.yaml
    generated/secrets.yaml
    generated/config.yaml
    generated/worker-job-template.yaml
    generated/networkpolicy.yaml
    generated/gateway.yaml
    generated/gateway-pdb.yaml
    generated/mcp-gateway.yaml
)
# The first apply after `glyphoxa-deploy import helm` (GX_HELM_RELEASE: the old
# chart's Helm release in this namespace) takes over that release's objects: one
# that is rendered here gets Helm's field ownership handed to glyphoxa-deploy, so
# that the apply below removes what only the chart set (and its
# helm.sh/meta.helm.sh labels and annotations); a Deployment whose selector
# changes (GX_HELM_RECREATE=1) is deleted and created again; one that is not
# rendered here is deleted. The release's own record (Secrets owner=helm) stays:
# drop it by hand (docs/migration.md), never with helm uninstall.
helm_release=${GX_HELM_RELEASE:-}
taken=()
deleted=()
recreated=()
if [[ -n $helm_release ]]; then
    rendered=" Secret/$release-secrets ConfigMap/$release-worker-job-template"
    rendered+=" Deployment/$release-gateway Service/$release-gateway"
    rendered+=" Secret/$release-config"
    adopt_account='glyphoxa-gateway'
    rendered+=" ServiceAccount/$adopt_account Role/$release-job-manager"
    rendered+=" RoleBinding/$release-job-manager"
    rendered+=" NetworkPolicy/$release-default-deny NetworkPolicy/$release-gateway"
    rendered+=" NetworkPolicy/$release-worker"
    rendered+=" NetworkPolicy/$release-mcp-gateway"
    rendered+=" PodDisruptionBudget/$release-gateway"
    rendered+=" Deployment/$release-mcp-gateway Service/$release-mcp-gateway"
    rendered+=" "
    chart_objects=("${kubectl_cmd[@]}" get
        'deployment,service,serviceaccount,role,rolebinding,configmap,secret,networkpolicy,horizontalpodautoscaler'
        --namespace="$namespace" --ignore-not-found --no-headers
        '--selector=app.kubernetes.io/part-of=glyphoxa,app.kubernetes.io/managed-by=Helm'
        '--output=custom-columns=KIND:.kind,NAME:.metadata.name,RELEASE:.metadata.annotations.meta\.helm\.sh/release-name')
    printf 'taking over the objects of Helm release %s\n' "$helm_release"
    echo_command "${chart_objects[@]}"
    if [[ $dry_run == 1 ]]; then
        printf '(each object of Helm release %s that lists: one rendered here is taken over, with Helm'"'"'s field ownership handed to glyphoxa-deploy; any other is deleted)\n' \
            "$helm_release"
    else
        listing=$("${chart_objects[@]}")
        while read -r kind name owner; do
            if [[ -z $kind || $owner != "$helm_release" ]]; then
                continue
            fi
            object="$kind/$name"
            if [[ $rendered != *" $object "* ]]; then
                run "${kubectl_cmd[@]}" delete "$object" --namespace="$namespace" --ignore-not-found
                deleted+=("$object")
                continue
            fi
            if [[ $kind == Deployment && ${GX_HELM_RECREATE:-0} == 1 ]]; then
                # its selector changes, and a selector is immutable
                run "${kubectl_cmd[@]}" delete "$object" --namespace="$namespace" --ignore-not-found
                recreated+=("$object")
                continue
            fi
            managers=("${kubectl_cmd[@]}" get "$object" --namespace="$namespace"
                '--output=jsonpath={range .metadata.managedFields[*]}{.manager}{"/"}{.operation}{" "}{end}')
            echo_command "${managers[@]}"
            fields=$("${managers[@]}")
            index=0
            for entry in $fields; do
                if [[ $entry == helm/Update || $entry == Helm/Update ]] &&
                    [[ " $fields " != *" glyphoxa-deploy/Apply "* ]]; then
                    at="/metadata/managedFields/$index"
                    run "${kubectl_cmd[@]}" patch "$object" --namespace="$namespace" --type=json \
                        "--patch=[{\"op\":\"test\",\"path\":\"$at/manager\",\"value\":\"${entry%/*}\"},{\"op\":\"replace\",\"path\":\"$at/manager\",\"value\":\"glyphoxa-deploy\"},{\"op\":\"replace\",\"path\":\"$at/operation\",\"value\":\"Apply\"}]"
                    break
                fi
                index=$((index + 1))
            done
            taken+=("$object")
        done <<<"$listing"
    fi
fi
# An object that exists already and carries another release's instance label is
# not taken over (GX_ADOPT=1, `glyphoxa-deploy apply --adopt`, takes it over).
owners=("${kubectl_cmd[@]}" get --namespace="$namespace" --ignore-not-found --no-headers
    '--output=custom-columns=KIND:.kind,NAME:.metadata.name,RELEASE:.metadata.labels.app\.kubernetes\.io/instance')
for file in "${files[@]}"; do
    owners+=(-f "$file")
done
echo_command "${owners[@]}"
if [[ $dry_run == 1 ]]; then
    printf '(apply stops here when that lists an object of another release)\n'
else
    listing=$("${owners[@]}")
    others=()
    while read -r kind name owner; do
        if [[ -n $owner && $owner != '<none>' && $owner != "$release" && $owner != "$helm_release" ]]; then
            others+=("$kind/$name (release $owner)")
        fi
    done <<<"$listing"
    if ((${#others[@]} > 0)); then
        if [[ ${GX_ADOPT:-0} != 1 ]]; then
            printf 'apply: these objects exist and belong to another release: %s; nothing was applied (take them over with glyphoxa-deploy apply --adopt)\n' \
                "${others[*]}" >&2
            exit 1
        fi
        printf 'taking over objects of another release (adopt): %s\n' "${others[*]}"
    fi
fi
if [[ ${GX_SECRETS_SEALED:-0} == 1 ]]; then
    # The deployed release had its secrets sealed and this one has not: the
    # SealedSecrets go, and the Secrets they made stay (orphaned) for the plain
    # ones below to replace.
    run "${kubectl_cmd[@]}" delete sealedsecrets.bitnami.com --namespace="$namespace" \
        --ignore-not-found --cascade=orphan \
        "--selector=app.kubernetes.io/instance=$release,app.kubernetes.io/managed-by=glyphoxa-deploy"
fi
for file in "${files[@]}"; do
    apply_file "$file"
done
if ((${#taken[@]} > 0)); then
    # what Helm put on them and the apply did not replace
    for object in "${taken[@]}"; do
        run "${kubectl_cmd[@]}" label "$object" --namespace="$namespace" helm.sh/chart-
        run "${kubectl_cmd[@]}" annotate "$object" --namespace="$namespace" \
            meta.helm.sh/release-name- meta.helm.sh/release-namespace-
    done
    printf 'took over from Helm release %s: %s\n' "$helm_release" "${taken[*]}"
fi
if ((${#recreated[@]} > 0)); then
    printf 're-created (their selectors changed): %s\n' "${recreated[*]}"
fi
if ((${#deleted[@]} > 0)); then
    printf 'deleted (the chart made them, they are not rendered here): %s\n' "${deleted[*]}"
fi
if [[ -n $helm_release && $dry_run != 1 ]]; then
    printf 'Helm still keeps a record of release %s; drop it, leaving the objects, with: kubectl delete secret --namespace=%s --selector=owner=helm,name=%s\n' \
        "$helm_release" "$namespace" "$helm_release"
fi

step 3/4 "delete what is not rendered any more"
# R-config is a Secret now (it holds credentials): the ConfigMap form goes.
delete_labelled configmap - "$release-config"
# ServiceAccounts this tool created for the release, except the one the gateway
# is configured to use (gateway/service-account/name).
service_account='glyphoxa-gateway'
run "${kubectl_cmd[@]}" delete serviceaccount --namespace="$namespace" --ignore-not-found \
    "--selector=app.kubernetes.io/instance=$release,app.kubernetes.io/managed-by=glyphoxa-deploy" \
    "--field-selector=metadata.name!=$service_account"
# autoscaling is off.
delete_labelled horizontalpodautoscaler gateway

step 4/4 "wait for the rollout"
wait_budget 300
run "${kubectl_cmd[@]}" rollout status "deployment/$release-gateway" --namespace="$namespace" \
    "--timeout=${REPLY}s"
wait_budget 300
run "${kubectl_cmd[@]}" rollout status "deployment/$release-mcp-gateway" --namespace="$namespace" \
    "--timeout=${REPLY}s"
