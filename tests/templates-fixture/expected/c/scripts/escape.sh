#!/usr/bin/env bash
set -euo pipefail
name='glyphoxa'
ns='glyphoxa'
count='3'
flag='false'
topology='shared'
joined='glyphoxa/glyphoxa'
prefixed=--namespace='glyphoxa'
printf '%s\n' "$name" "$ns" "$count" "$flag" "$topology" "$joined" "$prefixed"
