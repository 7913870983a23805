#!/usr/bin/env bash
set -euo pipefail
name='yes'
ns='it'\''s "q" $(echo pwned) `x` #c: y
line2	tab \ end '
count='7'
flag='true'
topology='dedicated'
joined='it'\''s "q" $(echo pwned) `x` #c: y
line2	tab \ end /yes'
prefixed=--namespace='it'\''s "q" $(echo pwned) `x` #c: y
line2	tab \ end '
printf '%s\n' "$name" "$ns" "$count" "$flag" "$topology" "$joined" "$prefixed"
printf '%s\n' '0123'
printf '%s\n' '- dash'
printf '%s\n' 'plain'
