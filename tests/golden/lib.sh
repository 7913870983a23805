# shellcheck shell=bash
# Helpers shared by tests/golden/check.sh and scripts/bless-golden.sh.

# golden_cases DIR: the names of the cases (subdirectories with a values.yaml), sorted.
golden_cases() {
    local d
    for d in "$1"/*/; do
        if [[ -f $d/values.yaml ]]; then
            basename "$d"
        fi
    done | LC_ALL=C sort
}

# golden_export_args CASE_DIR: the extra arguments of the case's export, one
# per line of CASE_DIR/export-args (none when the file is absent).
golden_export_args() {
    if [[ -f $1/export-args ]]; then
        grep -v '^[[:space:]]*$' "$1/export-args" || true
    fi
}

# golden_seal_cache DIR: the cache of sealed values below a workspace DIR. A
# case with sealed secrets keeps it in CASE_DIR/workspace/: the export takes
# the ciphertexts from it, so its render is the same bytes every time.
golden_seal_cache() {
    printf '%s/.glyphoxa-deploy/sealed-cache\n' "$1"
}

# golden_render BIN CASE_DIR OUT: exports CASE_DIR/values.yaml (with the
# case's export-args) in a fresh workspace OUT/ws, which also gets a copy of
# what CASE_DIR/workspace/ holds (e.g. local chart archives the values name),
# and leaves OUT/tree holding
# its generated/ and scripts/ (empty directories dropped: git keeps none) and
# OUT/modes.txt listing "MODE PATH" of each file.
golden_render() {
    local bin=$1 case_dir=$2 out=$3
    local -a extra
    mapfile -t extra < <(golden_export_args "$case_dir")
    rm -rf "$out"
    mkdir -p "$out/ws" "$out/tree"
    if [[ -d $case_dir/workspace ]]; then
        cp -R "$case_dir/workspace/." "$out/ws/"
    fi
    cp "$case_dir/values.yaml" "$out/ws/values.yaml"
    chmod 600 "$out/ws/values.yaml"
    "$bin" -C "$out/ws" export "${extra[@]}" >"$out/export.log" || {
        cat "$out/export.log" >&2
        return 1
    }
    local sub
    for sub in generated scripts; do
        if [[ -d $out/ws/$sub ]]; then
            cp -R "$out/ws/$sub" "$out/tree/$sub"
        fi
    done
    find "$out/tree" -mindepth 1 -type d -empty -delete
    (cd "$out/tree" && find . -type f -printf '%m %P\n' | LC_ALL=C sort) >"$out/modes.txt"
}
