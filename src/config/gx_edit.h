/* gx_edit — edits of a values file applied to its text. `set`, `unset` and
 * `component` change only the entries they name: comments, blank lines, key
 * order, the quoting of untouched entries, the line endings and a byte order
 * mark all stay as they were, byte for byte (values.yaml is the operator's
 * file, edited in place). Depends on gx_model (layers, gx_value_write), gx_node (byte offsets
 * of nodes), gx_yamlout, gx_buf and gx_diag.
 *
 * What an edit does to the text:
 *
 *   set, the path present     Only the value changes. A value on the key's
 *                             line (a scalar, or a flow value such as [a, b],
 *                             replaced as a whole, a tag with it) is replaced
 *                             where it stands: the spacing before it and a comment
 *                             after it stay ("replica-count: 3  # needs A100"
 *                             keeps "# needs A100"). A value on the lines
 *                             below the key (a block map or list, a block
 *                             scalar | >) is replaced with those lines; a
 *                             comment after the key's colon stays there. A
 *                             block value becoming a scalar goes up onto the
 *                             key's line; a scalar becoming a block value
 *                             leaves its line's comment on the key's line.
 *   set, the path absent      The key goes at the end of the deepest section
 *                             of its path that exists: after the section's
 *                             last entry and the comment lines indented deeper
 *                             than the section's keys that directly follow it
 *                             (comment lines at the keys' column stay after
 *                             it: they may introduce what comes next). The
 *                             sections missing below that are created there,
 *                             each level indented by the file's indentation
 *                             step (the first nested block map of the file
 *                             tells: 2, 4, ...; 2 when nothing does). A new
 *                             top-level section goes before a `components:`
 *                             section that ends the file's top-level map (when
 *                             it is not the only one), else at the end.
 *                             Several new keys of one call are added in schema
 *                             order, so a new section lists its keys as
 *                             gx_layer_write would.
 *   unset                     The entry's lines go: from its key's line to the
 *                             last line of its value, with the comment at the
 *                             end of those lines and comment lines inside its
 *                             block value. Comment lines above the key stay
 *                             (they may describe more than this key). A
 *                             section left without entries when all edits
 *                             are made goes the same way, up to the top (one
 *                             that the same call fills again keeps its key
 *                             and place). Blank lines: an entry removed from
 *                             between two blank lines (or from the start of
 *                             the file, before one) takes one of them along;
 *                             one removed from the end of the file takes the
 *                             blank lines before it.
 *   component NAME on/off     The same for `components: NAME: true|false`;
 *   component NAME unset      the entry is removed (the default applies) and
 *                             an empty `components:` with it.
 *
 * Values are written as gx_layer_write writes them (gx_value_write), with
 * the file's indentation step for the top level of a block value.
 *
 * Flow style: when a section on the way to an edited path is written in flow
 * style (`gateway: {replica-count: 2}`, or a top level `{}`; also a top
 * level `~`), that section is
 * written anew in block style (keys in schema order, values as gx_layer_write
 * writes them); a comment at the end of its line stays on its key's line (a
 * flow top level: on a line of its own after it). A flow value is replaced as
 * a whole.
 *
 * Line endings: new and changed lines end like the file's first line ("\r\n"
 * or "\n"; "\n" for a file without a line break). A file without a line
 * break at its end stays so, except when new text is appended at its very
 * end: then the appended lines end with a line break like every other line.
 * A UTF-8 byte order mark stays. An empty file, a file of comments only, and
 * `{}` all take new keys.
 *
 * Verification: the edited text is always read back (gx_layer_read) and
 * compared with what it must hold: the values the text held before with the
 * edits applied. When it differs, or when the text has a layout this module
 * does not edit in place (a key that does not start its line, an explicit
 * "? key", a lone "\r" or a U+0085/U+2028/U+2029 line break anywhere), the
 * whole document is written anew instead: the file's byte order mark and
 * its leading comment and blank lines, then gx_layer_write's document, in the
 * file's line endings; a note diagnostic says so and why. Text that would
 * not read back as expected is never returned: when even the full document
 * does not (a value YAML cannot hold), the call fails. */
#ifndef GX_EDIT_H
#define GX_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_model.h"

typedef enum gx_value_edit_kind {
    GX_EDIT_SET,            /* path: set to value */
    GX_EDIT_UNSET,          /* path: remove (the default applies) */
    GX_EDIT_COMPONENT,      /* name: components: name: enabled */
    GX_EDIT_COMPONENT_UNSET /* name: remove from components: (the default applies) */
} gx_value_edit_kind;

typedef struct gx_value_edit {
    gx_value_edit_kind kind;
    const char *path; /* SET, UNSET: a schema path ("gateway/replica-count");
                         COMPONENT, COMPONENT_UNSET: a component name */
    gx_value value;   /* SET: the new value, of the field's type (as
                         gx_value_parse gives it) */
    bool enabled;     /* COMPONENT */
} gx_value_edit;

/* Applies edits, in order (a later edit of the same path or component wins),
 * to the values document text (len bytes; NUL bytes are not allowed, as in
 * every values file) and appends the new document to out. file names the
 * document in diagnostics ("values.yaml" when NULL).
 *
 * Returns true when out holds the new text: edited in place, or written anew
 * with a note diagnostic (GX_NOTE, GX_CODE_GENERIC, file set) saying why.
 * Edits that change nothing (a value set to what the file holds, the unset of
 * an absent path) leave their part of the text as it is; with nothing to
 * change out gets text unchanged.
 *
 * Returns false, with out unchanged, when text does not read as a values
 * document (the reader's diagnostics, as gx_layer_read gives them), when an
 * edit names an unknown path (GX_CODE_UNKNOWN_PATH) or component
 * (GX_CODE_UNKNOWN_COMPONENT) or disables a mandatory component
 * (GX_CODE_MANDATORY_COMPONENT), or when the result would not read back as
 * the edited values (GX_CODE_GENERIC: e.g. a string that is not UTF-8).
 *
 * Memory: out is the caller's; everything else the call needs is freed
 * before it returns. */
bool gx_values_edit(const char *file, const char *text, size_t len, const gx_value_edit *edits,
                    size_t count, gx_buf *out, gx_diags *diags);

#endif
