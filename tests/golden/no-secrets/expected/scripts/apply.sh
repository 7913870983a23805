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

# This export was made with --no-secrets: without its secrets the service cannot run.
printf '%s: generated/ was exported with --no-secrets; export with secrets first (glyphoxa-deploy export)\n' \
    apply >&2
exit 1
