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

# This export was made with --no-secrets: without its secrets the service cannot run.
printf '%s: generated/ was exported with --no-secrets; export with secrets first (glyphoxa-deploy export)\n' \
    infrastructure >&2
exit 1
