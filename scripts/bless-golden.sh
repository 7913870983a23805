#!/usr/bin/env bash
# Re-blesses golden renders on purpose: exports each case of tests/golden/
# (its values.yaml in a temporary workspace copy) and replaces
# tests/golden/<case>/expected/ with the new generated/ + scripts/, and
# <case>/modes.txt with their file modes. Prints what changed; review it with
# `git diff tests/golden` before committing.
#
#   scripts/bless-golden.sh [CASE...]    all cases when none is named
#
# The binary is $GLYPHOXA_DEPLOY, or build/glyphoxa-deploy.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
golden=$root/tests/golden
bin=${GLYPHOXA_DEPLOY:-$root/build/glyphoxa-deploy}

# shellcheck source-path=SCRIPTDIR source=../tests/golden/lib.sh
. "$golden/lib.sh"

if [[ ! -x $bin ]]; then
    echo "bless-golden.sh: $bin is not an executable (build first, or set GLYPHOXA_DEPLOY)" >&2
    exit 2
fi

cases=("$@")
if ((${#cases[@]} == 0)); then
    mapfile -t cases < <(golden_cases "$golden")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

changed=0
for name in "${cases[@]}"; do
    dir=$golden/$name
    if [[ ! -f $dir/values.yaml ]]; then
        echo "bless-golden.sh: no case $name ($dir/values.yaml missing)" >&2
        exit 2
    fi
    out=$tmp/$name
    if ! golden_render "$bin" "$dir" "$out"; then
        echo "bless-golden.sh: export of $name failed; nothing changed for it" >&2
        exit 1
    fi
    # a case with sealed secrets keeps the ciphertexts of this export in its
    # workspace/, so that the next render seals nothing afresh
    cache=$(golden_seal_cache "$out/ws")
    if [[ -f $cache ]] && ! cmp -s "$cache" "$(golden_seal_cache "$dir/workspace")"; then
        mkdir -p "$dir/workspace/.glyphoxa-deploy"
        cp "$cache" "$(golden_seal_cache "$dir/workspace")"
        echo "sealed    $name: workspace/.glyphoxa-deploy/sealed-cache holds the new ciphertexts"
    fi
    if [[ -d $dir/expected ]] && diff -r "$dir/expected" "$out/tree" >/dev/null &&
        [[ -f $dir/modes.txt ]] && diff "$dir/modes.txt" "$out/modes.txt" >/dev/null; then
        echo "unchanged $name"
        continue
    fi
    changed=$((changed + 1))
    if [[ -d $dir/expected ]]; then
        echo "changed   $name:"
        diff -rq "$dir/expected" "$out/tree" | sed "s|$dir/expected|expected|g; s|$out/tree|new|g; s/^/    /" || true
        if [[ -f $dir/modes.txt ]]; then
            diff "$dir/modes.txt" "$out/modes.txt" | sed 's/^/    modes: /' || true
        fi
    else
        echo "new       $name: $(find "$out/tree" -type f | wc -l) files"
    fi
    rm -rf "$dir/expected"
    cp -R "$out/tree" "$dir/expected"
    cp "$out/modes.txt" "$dir/modes.txt"
done

echo "$changed of ${#cases[@]} cases re-blessed"
