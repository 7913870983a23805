/* gx_op_export — the export operation of gx_core.h: lock first, load,
 * validate, render, write (or stream into the caller's buffer), and report
 * each file as an event. */
#include <string.h>

#include "gx_core_internal.h"
#include "gx_core_seal.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_rules.h"
#include "gx_schema.h"
#include "gx_templates.h"

bool gx_core_load_valid(gx_session *s, bool exclusive, const gx_sink *sink, gx_loaded *ld,
                        gx_status *status)
{
    gx_diags diags = GX_DIAGS_INIT;
    if (!gx_core_lock(s, exclusive, &diags) || !gx_core_load(s, true, ld, &diags)) {
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
        *status = gx_status_of(&diags);
        gx_diags_free(&diags);
        gx_core_unlock(s);
        return false;
    }
    gx_emit_diags(sink, &diags, GX_EV_DIAG); /* warnings of the load */
    gx_diags_free(&diags);
    gx_diags results = GX_DIAGS_INIT;
    gx_diags_use_arena(&results, s->arena);
    results.limit = GX_DIAGS_NO_LIMIT;
    gx_core_validate(s, &ld->model->cfg, &results);
    gx_core_locate_results(&results, ld->model);
    if (s->render_without_secrets)
        gx_core_defer_empty_secrets(&results, ld->model);
    if (s->fetching_certificate)
        s->deferred_certificate = gx_core_defer_certificate(&results, ld->model);
    gx_emit_diags(sink, &results, GX_EV_RESULT);
    if (results.blocking) {
        *status = GX_STATUS_FAILED;
        gx_core_unlock(s);
        return false;
    }
    *status = GX_STATUS_OK;
    return true;
}

void gx_core_defer_empty_secrets(gx_diags *results, const gx_model *m)
{
    for (size_t i = 0; i < results->count; i++) {
        gx_diag *d = &results->items[i];
        int f = d->path ? gx_field_find(d->path) : -1;
        if (d->severity != GX_BLOCKING || f < 0 || !gx_fields[f].secret)
            continue;
        gx_value v = gx_config_get(&m->cfg, f);
        if (v.s && *v.s)
            continue;
        /* an empty secret is supplied at deploy time: not a reason to stop a
         * render for review */
        d->severity = GX_NOTE;
        results->blocking--;
    }
}

/* FILE events of an export to disk: each file as the workspace path names it. */
typedef struct gx_export_file_ctx {
    gx_session *s;
    const gx_sink *sink;
    const char *dest;
} gx_export_file_ctx;

static void gx_export_file_event(void *ctx, const char *path, unsigned mode, bool changed)
{
    gx_export_file_ctx *fc = ctx;
    const char *shown = strcmp(fc->dest, ".") ? gx_arena_printf(fc->s->arena, "%s/%s",
                                                                fc->dest, path)
                                              : path;
    gx_emit_file(fc->sink, shown, mode, changed);
}

gx_status gx_op_export(gx_session *s, const gx_export_request *req, const gx_sink *sink,
                       gx_export_result *out)
{
    gx_export_result dummy;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof *out);
    gx_loaded ld;
    gx_status st;
    bool to_workspace = req->dest == GX_EXPORT_WORKSPACE;
    s->render_without_secrets = req->no_secrets;
    bool valid = gx_core_load_valid(s, to_workspace, sink, &ld, &st);
    s->render_without_secrets = false;
    if (!valid)
        return st;
    if (req->no_secrets)
        for (size_t i = 0; i < gx_template_count; i++)
            if (gx_template_table[i].omit_without_secrets)
                gx_emit_note(sink, "%s is left out: it holds secret values, and a render "
                                   "without secrets is for review (apply refuses it)",
                             gx_template_table[i].output);
    const struct gx_config *cfg = &ld.model->cfg;
    if (!req->no_secrets && cfg->enabled[GX_C_SEALED_SECRETS] &&
        !*cfg->sealed_secrets.certificate)
        gx_emit_note(sink, "sealed-secrets is on, but sealed-secrets/certificate is empty: the "
                           "secrets are exported as plain Secrets (owner-only files), not sealed; "
                           "the infrastructure target fetches the controller's certificate with "
                           "--fetch-certificate");
    if (req->dest != GX_EXPORT_STREAM) /* a stream has no use for it */
        out->revision = gx_loaded_revision(s, &ld);
    gx_diags diags = GX_DIAGS_INIT;
    gx_sealer sealer;
    bool sealing = false;
    bool ok = gx_core_sealer_begin(s, &ld.model->cfg, req->no_secrets, &sealer, &sealing, &diags);
    if (!ok) {
        /* the certificate cannot be read: nothing is rendered in plain text */
    } else if (req->dest == GX_EXPORT_STREAM) {
        gx_render_set set;
        gx_render_set_init(&set, NULL, 0);
        set.sealer = sealing ? &sealer : NULL;
        gx_buf scratch = GX_BUF_INIT; /* a stream nobody asked to see */
        set.stream = req->stream ? req->stream : &scratch;
        size_t had = set.stream->len;
        ok = gx_render_set_run(&set, &ld.model->cfg, req->no_secrets, &diags);
        if (ok) {
            for (size_t i = 0; i < set.count; i++)
                if (gx_rendered_in_stream(&set.items[i]))
                    out->files++;
        } else {
            gx_buf_truncate(set.stream, had);
        }
        gx_buf_free(&scratch);
        gx_render_set_free(&set);
    } else {
        gx_export_opts opts = {0};
        opts.workspace = s->workspace;
        opts.out_dir = req->dest == GX_EXPORT_DIR ? req->dir : NULL;
        opts.no_secrets = req->no_secrets;
        opts.sealer = sealing ? &sealer : NULL;
        opts.files_written = &out->files;
        opts.files_changed = &out->changed;
        opts.sweep_stale = to_workspace; /* the exclusive lock is ours */
        gx_export_file_ctx fc = {s, sink, opts.out_dir ? opts.out_dir : s->workspace};
        opts.on_file = gx_export_file_event;
        opts.file_ctx = &fc;
        if (opts.out_dir && !*opts.out_dir) {
            gx_diags_add(&diags, GX_CODE_BAD_REQUEST, NULL, 0, 0, NULL,
                         "the directory to export to is empty");
            ok = false;
        } else {
            ok = gx_export(&ld.model->cfg, &opts, &diags);
        }
        if (ok)
            out->dir = gx_arena_strdup(s->arena, opts.out_dir ? opts.out_dir : s->workspace);
    }
    if (sealing) {
        /* what was sealed stays sealed the same way for the next export */
        if (ok)
            gx_core_sealer_save(s, &sealer, &diags);
        gx_sealer_free(&sealer);
    }
    gx_core_unlock(s);
    gx_emit_diags(sink, &diags, GX_EV_DIAG); /* the failure, or notes */
    st = ok ? GX_STATUS_OK : gx_status_of(&diags);
    gx_diags_free(&diags);
    return st;
}
