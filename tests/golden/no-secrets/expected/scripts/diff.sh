#!/usr/bin/env bash
# Every value below is single-quoted on purpose, so that nothing in it expands.
# shellcheck disable=SC2016
# glyphoxa-deploy target "diff": what `apply` would change. Step 1 is a server-side
# kubectl diff of generated/ (as the field manager glyphoxa-deploy, so the dry run
# sees what apply would do); step 2 lists the resources apply would delete because
# they are not rendered any more.
# Exit status, as kubectl diff and diff(1): 0 no differences, 1 differences found,
# anything else: an error.
# Rendered by `glyphoxa-deploy export` (the next export replaces it). Run through
# `glyphoxa-deploy apply diff`, or by hand: bash scripts/diff.sh
set -euo pipefail

# This export was made with --no-secrets: without its secrets the service cannot run.
printf '%s: generated/ was exported with --no-secrets; export with secrets first (glyphoxa-deploy export)\n' \
    diff >&2
exit 1
