/* gx_renderset — every compiled-in template rendered once for a
 * configuration (in memory, touching no file), the mode each output gets, and
 * the --stdout stream form. What a file is (its mode, whether it holds
 * secrets, whether it is streamed or left out without secrets) comes from its
 * template's row (gx_template: the front matter), never from its path.
 * With secrets sealed (derived/sealed) the Secrets' values are sealed with
 * the set's sealer (gx_sealer) before the templates run; the kustomization
 * (kind kustomization) is rendered last, from the manifests that were. The
 * --stdout stream is rendered straight into one buffer (gx_render_set.stream).
 * Depends on gx_derived (gx_derive), gx_render, gx_sealer, gx_templates,
 * gx_policy and gx_schema (generated), gx_arena, gx_buf, gx_diag. */
#ifndef GX_RENDERSET_H
#define GX_RENDERSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_render.h"
#include "gx_sealer.h"

struct gx_config;
struct gx_derived;

/* ---- in memory ------------------------------------------------------------------ */

/* One template's output in a render set. */
typedef struct gx_rendered {
    const gx_template *tmpl; /* its row; tmpl->output is the path below the workspace */
    gx_buf text;             /* the rendered bytes */
    bool skipped;            /* not written: blank output (only white space), or a
                              * template that is omit_without_secrets under no_secrets */
    mode_t mode;             /* the file mode an export gives it (gx_export_mode) */
} gx_rendered;

/* Every template rendered once. Reusable: each gx_render_set_run replaces the
 * previous results (buffers keep their memory, the arena is renewed). */
typedef struct gx_render_set {
    const gx_template *templates; /* the table rendered */
    size_t count;
    gx_rendered *items;           /* count entries, in table order */
    gx_arena *arena;              /* derived values and joined strings of the last run */
    struct gx_derived *derived;   /* the derived values of the last run (in arena) */
    /* Set by the caller before a run, when the values say secrets are sealed
     * (derived/sealed): what seals them (its cache gains what this run
     * sealed). Without one, a run of such values fails, unless
     * seal_placeholders says to render the text "<sealed>" instead (a
     * preview of redacted values; never written). */
    gx_sealer *sealer;
    bool seal_placeholders;
    /* Set by the caller before a run that only streams (export --stdout):
     * the stream is rendered straight into this buffer (appended), in the
     * form gx_render_set_run states; the templates outside the stream
     * (scripts, Helm values, kustomizations) are not rendered and come out
     * skipped, and no item keeps text of its own. NULL: every template is
     * rendered into its item. */
    gx_buf *stream;
    /* Set by the caller before a run (optional, not with stream): called with
     * each item as soon as it is rendered (a skipped one too), index its
     * place in the table. Returning false hands its text back: the item keeps
     * none (text empty) and its buffer is reused for the next one, so a run
     * that keeps nothing holds one output at a time. NULL: every item keeps
     * its text. */
    bool (*keep)(void *ctx, const gx_rendered *it, size_t index);
    void *keep_ctx;
} gx_render_set;

/* Prepares set for the table templates[0..count); templates NULL means the
 * compiled-in gx_template_table (count is then ignored). */
void gx_render_set_init(gx_render_set *set, const gx_template *templates, size_t count);

/* Computes the derived values of cfg (gx_derive), sets derived/no-secrets to
 * no_secrets, seals the secrets when derived/sealed (and not no_secrets) with
 * set->sealer, and renders every template of the set into its item: the
 * kustomizations last, with derived/kustomize-resources the manifests written
 * below their folder in apply order. With set->stream, only the outputs for
 * which gx_rendered_in_stream holds are rendered, appended to set->stream as
 * the --stdout stream: in apply order (ascending order of the template, then
 * output path: the Namespace first, as kubectl needs it), each introduced by
 * a "---" line and a "# Source: PATH" comment line (a "---" line that opens
 * an output itself is dropped), each ending with a newline; nothing for a
 * set without such outputs. Touches no file. Fails (false, a
 * diagnostic) when no_secrets is asked for and the templates were built
 * without derived/no-secrets (they could not leave secrets out), or when
 * secrets are to be sealed and cannot be (no sealer, or sealing failed). */
bool gx_render_set_run(gx_render_set *set, const struct gx_config *cfg, bool no_secrets,
                       gx_diags *diags);

/* Releases the buffers and the arena; set is then as after a zeroing. */
void gx_render_set_free(gx_render_set *set);

/* True when an exported file of template t holds secret values: always
 * (GX_SECRECY_ALWAYS), or when config_is_secret (the application config
 * holds credentials) for GX_SECRECY_WITH_CREDENTIALS; never when the template
 * is sealable and sealed (secrets are sealed: its Secrets are SealedSecrets). */
bool gx_export_holds_secrets(const gx_template *t, bool config_is_secret, bool sealed);

/* The mode an exported file of template t gets: t->mode, keeping only its
 * owner bits (0644 -> 0600) when it holds secrets (gx_export_holds_secrets). */
mode_t gx_export_mode(const gx_template *t, bool config_is_secret, bool sealed);

/* True when the first path segment of output ("generated" of
 * "generated/gateway.yaml") is a top-level directory the compiled-in templates
 * declare (gx_output_tops: the first segments of their outputs), and
 * something follows it. */
bool gx_output_top_declared(const char *output);

/* True when the output belongs in the --stdout stream: not skipped, and its
 * template says stream. */
bool gx_rendered_in_stream(const gx_rendered *it);

#endif
