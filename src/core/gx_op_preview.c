/* gx_op_preview — what a long-running front end needs beyond the command
 * line's operations (gx_core.h, "for servers"): the preview of an export in
 * memory with a line diff against the last export, values.yaml with its
 * secrets hidden, a copy of a session for one request, and turning a running
 * target's exclusive lock into a shared one. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "gx_core_internal.h"
#include "gx_core_seal.h"
#include "gx_derived.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_lines.h"
#include "gx_hash.h"
#include "gx_node.h"
#include "gx_renderset.h"
#include "gx_rules.h"
#include "gx_schema.h"
#include "gx_xalloc.h"

#define GX_REDACTED "<redacted>"

/* Largest exported file read back for a diff. */
#define GX_PREVIEW_MAX_FILE (4 * 1024 * 1024)
/* Most differing lines (edit distance) a line diff is computed for. */
#define GX_DIFF_MAX_EDITS 600
/* Longest diff text kept; longer ones are cut with a note. */
#define GX_DIFF_MAX_BYTES (1024 * 1024)
#define GX_DIFF_CONTEXT 3

/* ---- sessions and the lock ------------------------------------------------------------ */

gx_session *gx_session_clone(const gx_session *s)
{
    gx_session *c = gx_session_new(s->workspace);
    for (size_t i = 0; i < s->values_file_count; i++)
        gx_session_add_values_file(c, s->values_files[i]);
    for (size_t i = 0; i < s->set_count; i++)
        gx_session_add_set(c, s->sets[i].text, s->sets[i].from_file);
    return c;
}

bool gx_session_share_lock(gx_session *s)
{
    if (s->lock_fd < 0)
        return false;
    /* Linux converts a flock lock held by this open file in one step under
     * the inode's lock list: nobody can take it exclusively in between. */
    (void)flock(s->lock_fd, LOCK_SH | LOCK_NB);
    return true;
}

/* Appends "NAME\0" and what identifies path's content: its bytes when it is
 * a regular file of at most GX_DIGEST_MAX_FILE bytes, else its type, size and
 * time of change. */
#define GX_DIGEST_MAX_FILE (1024 * 1024)
static void gx_digest_file(gx_buf *b, const char *name, const char *path)
{
    struct stat st;
    gx_buf_puts(b, name);
    gx_buf_putc(b, '\0');
    if (stat(path, &st) != 0) {
        gx_buf_puts(b, "missing");
        gx_buf_putc(b, '\0');
        return;
    }
    gx_buf_printf(b, "%o:%lld:%lld.%ld", (unsigned)st.st_mode, (long long)st.st_size,
                  (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    gx_buf_putc(b, '\0');
    if (!S_ISREG(st.st_mode) || st.st_size > GX_DIGEST_MAX_FILE)
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gx_buf_put(b, chunk, n);
    fclose(f);
    gx_buf_putc(b, '\0');
}

static int gx_by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool gx_session_inputs(gx_session *s, gx_buf *out)
{
    gx_buf_reset(out);
    gx_buf *b = out;
    DIR *d = opendir(s->workspace);
    if (!d)
        return false;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* state, git, the .gitignore: nothing values are read from */
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = gx_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = gx_xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, gx_by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = gx_xasprintf("%s/%s", s->workspace, names[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            gx_digest_file(b, names[i], path);
        free(path);
        free(names[i]);
    }
    free(names);
    for (size_t i = 0; i < s->values_file_count; i++)
        gx_digest_file(b, "--values", s->values_files[i]);
    for (size_t i = 0; i < s->set_count; i++) {
        gx_buf_puts(b, s->sets[i].text);
        gx_buf_putc(b, '\0');
        const char *eq = strchr(s->sets[i].text, '=');
        if (s->sets[i].from_file && eq)
            gx_digest_file(b, "--set-file", eq + 1);
    }
    return true;
}

static const gx_node *gx_redact_mcp_servers(gx_arena *arena, const gx_node *servers);

/* ---- the values file -------------------------------------------------------------------- */

gx_status gx_op_values_text(gx_session *s, const gx_sink *sink, gx_buf *out,
                            const char **revision)
{
    if (revision)
        *revision = NULL;
    gx_diags diags = GX_DIAGS_INIT;
    gx_loaded ld;
    bool ok = gx_core_lock(s, false, &diags) && gx_core_load(s, false, &ld, &diags);
    gx_core_unlock(s);
    if (!ok) {
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
        gx_status st = gx_status_of(&diags);
        gx_diags_free(&diags);
        return st;
    }
    gx_diags_free(&diags);
    gx_layer *copy = gx_arena_alloc(s->arena, sizeof *copy);
    *copy = *ld.values;
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (!copy->present[f])
            continue;
        if (gx_fields[f].secret && gx_fields[f].type == GX_T_STRING && copy->value[f].s &&
            copy->value[f].s[0])
            copy->value[f].s = GX_REDACTED;
        else if (gx_fields[f].type == GX_T_YAML && gx_fields[f].shape == GX_SHAPE_MCP_SERVERS)
            copy->value[f].node = gx_redact_mcp_servers(s->arena, copy->value[f].node);
    }
    gx_layer_write(copy, out);
    if (revision)
        *revision = gx_loaded_revision(s, &ld);
    return GX_STATUS_OK;
}

/* ---- redacted values for rendering -------------------------------------------------------- */

/* A copy of node with every scalar value (not map keys) "<redacted>". */
static const gx_node *gx_redact_node(gx_arena *arena, const gx_node *node)
{
    if (!node)
        return NULL;
    if (node->kind == GX_NODE_SCALAR)
        return gx_node_is_null(node) ? node : gx_core_redacted_node(arena, node);
    gx_node *n = gx_arena_alloc(arena, sizeof *n);
    *n = *node;
    n->items = gx_arena_alloc(arena, (node->count ? node->count : 1) * sizeof *n->items);
    for (size_t i = 0; i < node->count; i++)
        n->items[i] = (gx_node *)gx_redact_node(arena, node->items[i]);
    return n;
}

/* The MCP servers with the values of their auth and env hidden. */
static const gx_node *gx_redact_mcp_servers(gx_arena *arena, const gx_node *servers)
{
    if (!servers || servers->kind != GX_NODE_SEQ)
        return servers;
    gx_node *seq = gx_arena_alloc(arena, sizeof *seq);
    *seq = *servers;
    seq->items = gx_arena_alloc(arena, (servers->count ? servers->count : 1) * sizeof *seq->items);
    for (size_t i = 0; i < servers->count; i++) {
        const gx_node *s = servers->items[i];
        if (!s || s->kind != GX_NODE_MAP) {
            seq->items[i] = (gx_node *)s;
            continue;
        }
        gx_node *m = gx_arena_alloc(arena, sizeof *m);
        *m = *s;
        m->items = gx_arena_alloc(arena, (s->count ? s->count : 1) * sizeof *m->items);
        for (size_t j = 0; j < s->count; j++) {
            const gx_node *k = s->keys[j];
            bool hide = k && k->kind == GX_NODE_SCALAR &&
                        (!strcmp(k->text, "auth") || !strcmp(k->text, "env"));
            m->items[j] = hide ? (gx_node *)gx_redact_node(arena, s->items[j]) : s->items[j];
        }
        seq->items[i] = m;
    }
    return seq;
}

/* cfg with every non-empty secret value, and the credentials of MCP servers,
 * replaced by "<redacted>". */
static void gx_redact_config(gx_arena *arena, const struct gx_config *cfg, struct gx_config *out)
{
    *out = *cfg;
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        if (!gx_fields[f].secret || gx_fields[f].type != GX_T_STRING)
            continue;
        const char **p = (const char **)((char *)out + gx_fields[f].offset);
        if (*p && **p)
            *p = GX_REDACTED;
    }
    out->config.mcp_servers = gx_redact_mcp_servers(arena, cfg->config.mcp_servers);
}

/* text with the base64 form of "<redacted>" (what a Secret's data holds for a
 * hidden value) written as "<redacted>", in arena. */
static const char *gx_readable_redactions(gx_arena *arena, const char *text, size_t len,
                                          size_t *out_len)
{
    static const char b64[] = "PHJlZGFjdGVkPg=="; /* base64 of "<redacted>" */
    gx_buf b = GX_BUF_INIT;
    const char *p = text;
    size_t left = len;
    const char *hit;
    while ((hit = memmem(p, left, b64, sizeof b64 - 1)) != NULL) {
        gx_buf_put(&b, p, (size_t)(hit - p));
        gx_buf_puts(&b, GX_REDACTED);
        left -= (size_t)(hit - p) + sizeof b64 - 1;
        p = hit + sizeof b64 - 1;
    }
    gx_buf_put(&b, p, left);
    const char *r = gx_arena_strndup(arena, b.data ? b.data : "", b.len);
    *out_len = b.len;
    gx_buf_free(&b);
    return r;
}

/* ---- line diff ----------------------------------------------------------------------------- */

static bool gx_dline_eq(const gx_line *a, const gx_line *b)
{
    return a->len == b->len && a->nl == b->nl && !memcmp(a->s, b->s, a->len);
}

/* One line of the edit script: ' ' kept, '-' only in a, '+' only in b. */
typedef struct gx_dop {
    char op;
    size_t ai, bi; /* the line's index in a (for ' ' and '-') and in b (' ' and '+') */
} gx_dop;

/* Which step reaches diagonal k at step d > 0 of Myers' search, from prev
 * (the furthest x of each diagonal -(d-1)..d-1 after step d-1, -1 where
 * unreachable): *pk gets the diagonal it comes from (k + 1: a line of b is
 * inserted; k - 1: a line of a is deleted). Returns the x it reaches before
 * its snake, or -1 when no step stays within a[0..n) and b[0..m). */
static int gx_myers_step(const int *prev, int d, int k, int n, int m, int *pk)
{
    int pd = d - 1, xd = -1, xr = -1;
    if (k + 1 <= pd) {
        int px = prev[k + 1 + pd];
        if (px >= 0 && px - (k + 1) < m)
            xd = px;
    }
    if (k - 1 >= -pd) {
        int px = prev[k - 1 + pd];
        if (px >= 0 && px < n)
            xr = px + 1;
    }
    if (xd >= 0 && (xr < 0 || xr - 1 < xd)) {
        *pk = k + 1;
        return xd;
    }
    *pk = k - 1;
    return xr;
}

/* Myers' greedy shortest edit script of a[0..n) to b[0..m) (their lines
 * aoff and boff of the whole files), appended to ops (room for n + m). False
 * when more than GX_DIFF_MAX_EDITS edits are needed. */
static bool gx_myers(const gx_line *a, int n, const gx_line *b, int m, size_t aoff,
                     size_t boff, gx_dop *ops, size_t *nops)
{
    int max = n + m < GX_DIFF_MAX_EDITS ? n + m : GX_DIFF_MAX_EDITS;
    /* the furthest x of diagonals -d..d after step d, at trace + d*d */
    int *trace = gx_xmalloc((size_t)(max + 1) * (size_t)(max + 1) * sizeof *trace);
    int found = -1;
    for (int d = 0; d <= max && found < 0; d++) {
        int *cur = trace + d * d, *prev = d ? trace + (d - 1) * (d - 1) : NULL;
        for (int k = -d; k <= d; k++) {
            cur[k + d] = -1;
            if ((k + d) % 2)
                continue;
            int pk, x = d ? gx_myers_step(prev, d, k, n, m, &pk) : 0;
            if (x < 0)
                continue;
            int y = x - k;
            while (x < n && y < m && gx_dline_eq(&a[x], &b[y]))
                x++, y++;
            cur[k + d] = x;
            if (x == n && y == m && found < 0)
                found = d;
        }
    }
    if (found < 0) {
        free(trace);
        return false;
    }
    /* walk back from (n, m), writing the script from its end */
    size_t total = 0;
    gx_dop *rev = gx_xmalloc(((size_t)n + (size_t)m + 1) * sizeof *rev);
    int x = n, y = m;
    for (int d = found; d > 0; d--) {
        const int *prev = trace + (d - 1) * (d - 1);
        int k = x - y, pk;
        (void)gx_myers_step(prev, d, k, n, m, &pk);
        int px = prev[pk + d - 1], py = px - pk;
        int sx = pk == k + 1 ? px : px + 1; /* where the snake to (x, y) starts */
        while (x > sx) {
            x--, y--;
            rev[total++] = (gx_dop){' ', (size_t)x + aoff, (size_t)y + boff};
        }
        rev[total++] = (gx_dop){pk == k + 1 ? '+' : '-', (size_t)px + aoff, (size_t)py + boff};
        x = px, y = py;
    }
    while (x > 0) {
        x--, y--;
        rev[total++] = (gx_dop){' ', (size_t)x + aoff, (size_t)y + boff};
    }
    for (size_t i = 0; i < total; i++)
        ops[(*nops)++] = rev[total - 1 - i];
    free(rev);
    free(trace);
    return true;
}

static void gx_diff_line(gx_buf *out, char op, const gx_line *l)
{
    gx_buf_putc(out, op);
    gx_buf_put(out, l->s, l->len);
    gx_buf_putc(out, '\n');
    if (!l->nl)
        gx_buf_puts(out, "\\ No newline at end of file\n");
}

/* "start,len" of a hunk side as diff -u writes it. */
static void gx_hunk_range(gx_buf *out, size_t first, size_t len)
{
    if (len == 1)
        gx_buf_printf(out, "%zu", first + 1);
    else
        gx_buf_printf(out, "%zu,%zu", len ? first + 1 : first, len);
}

/* The unified diff of old to new (name in the header lines), in arena; NULL
 * with *why set when it cannot be made. "" when they are equal. */
static const char *gx_unified_diff(gx_arena *arena, const char *name, const char *old,
                                   size_t old_len, const char *new_, size_t new_len,
                                   const char **why)
{
    gx_line *a, *b;
    size_t n = gx_lines_split(arena, old, old_len, &a);
    size_t m = gx_lines_split(arena, new_, new_len, &b);
    size_t pre = 0;
    while (pre < n && pre < m && gx_dline_eq(&a[pre], &b[pre]))
        pre++;
    size_t suf = 0;
    while (suf < n - pre && suf < m - pre && gx_dline_eq(&a[n - 1 - suf], &b[m - 1 - suf]))
        suf++;
    if (pre == n && pre == m)
        return "";
    gx_dop *ops = gx_xmalloc((n + m + 1) * sizeof *ops);
    size_t nops = 0;
    for (size_t i = 0; i < pre; i++)
        ops[nops++] = (gx_dop){' ', i, i};
    if (n - pre - suf > (size_t)INT32_MAX / 4 || m - pre - suf > (size_t)INT32_MAX / 4 ||
        !gx_myers(a + pre, (int)(n - pre - suf), b + pre, (int)(m - pre - suf), pre, pre, ops,
                  &nops)) {
        free(ops);
        *why = "too many differences for a line diff";
        return NULL;
    }
    for (size_t i = 0; i < suf; i++)
        ops[nops++] = (gx_dop){' ', n - suf + i, m - suf + i};

    gx_buf out = GX_BUF_INIT;
    gx_buf_printf(&out, "--- a/%s\n+++ b/%s\n", name, name);
    size_t i = 0;
    bool cut = false;
    while (i < nops && !cut) {
        while (i < nops && ops[i].op == ' ')
            i++;
        if (i == nops)
            break;
        size_t start = i > GX_DIFF_CONTEXT ? i - GX_DIFF_CONTEXT : 0;
        /* the hunk ends after the last change followed by fewer than 2*context kept lines */
        size_t end = i, run = 0;
        for (size_t j = i; j < nops; j++) {
            if (ops[j].op == ' ') {
                if (++run > 2 * GX_DIFF_CONTEXT)
                    break;
            } else {
                run = 0;
                end = j;
            }
        }
        size_t stop = end + 1 + GX_DIFF_CONTEXT < nops ? end + 1 + GX_DIFF_CONTEXT : nops;
        size_t alen = 0, blen = 0;
        size_t afirst = SIZE_MAX, bfirst = SIZE_MAX;
        for (size_t j = start; j < stop; j++) {
            if (ops[j].op != '+') {
                alen++;
                if (afirst == SIZE_MAX)
                    afirst = ops[j].ai;
            }
            if (ops[j].op != '-') {
                blen++;
                if (bfirst == SIZE_MAX)
                    bfirst = ops[j].bi;
            }
        }
        /* an empty side starts after the line before the hunk */
        if (afirst == SIZE_MAX)
            afirst = ops[start].ai;
        if (bfirst == SIZE_MAX)
            bfirst = ops[start].bi;
        gx_buf_puts(&out, "@@ -");
        gx_hunk_range(&out, afirst, alen);
        gx_buf_puts(&out, " +");
        gx_hunk_range(&out, bfirst, blen);
        gx_buf_puts(&out, " @@\n");
        for (size_t j = start; j < stop; j++) {
            const gx_line *l = ops[j].op == '+' ? &b[ops[j].bi] : &a[ops[j].ai];
            gx_diff_line(&out, ops[j].op, l);
        }
        if (out.len > GX_DIFF_MAX_BYTES)
            cut = true;
        i = stop;
    }
    free(ops);
    if (cut) {
        gx_buf_free(&out);
        *why = "the line diff is too long to show";
        return NULL;
    }
    const char *text = gx_arena_strndup(arena, out.data ? out.data : "", out.len);
    gx_buf_free(&out);
    return text;
}

/* ---- the preview --------------------------------------------------------------------------- */

static const char *gx_kind_name(gx_file_kind kind)
{
    switch (kind) {
    case GX_FILE_MANIFEST: return "manifest";
    case GX_FILE_HELM_VALUES: return "helm-values";
    case GX_FILE_SCRIPT: return "script";
    case GX_FILE_KUSTOMIZATION: return "kustomization";
    }
    return "manifest";
}

static const gx_export_file *gx_record_find(const gx_last_export *rec, const char *path)
{
    for (size_t i = 0; i < rec->file_count; i++)
        if (!strcmp(rec->files[i].path, path))
            return &rec->files[i];
    return NULL;
}

/* Compares one rendered file with the last export: state, and the diff. */
static void gx_preview_compare(gx_session *s, const gx_last_export *rec, const char *real,
                               size_t real_len, bool want_diff, gx_preview_file *pf)
{
    const gx_export_file *ef = rec ? gx_record_find(rec, pf->path) : NULL;
    if (!ef) {
        pf->state = GX_PREVIEW_ADDED;
        return;
    }
    char hex[GX_SHA256_HEX_LEN + 1];
    gx_sha256_hex(real, real_len, hex);
    pf->state = strcmp(hex, ef->sha256) ? GX_PREVIEW_CHANGED : GX_PREVIEW_UNCHANGED;
    if (pf->state == GX_PREVIEW_UNCHANGED || !want_diff)
        return;
    if (pf->holds_secrets) {
        pf->note = "the file holds secret values: no line diff is shown";
        return;
    }
    char *old;
    size_t old_len;
    gx_diags tmp = GX_DIAGS_INIT;
    bool read = gx_file_read(s->arena, gx_core_path(s, pf->path), GX_PREVIEW_MAX_FILE, &old,
                             &old_len, &tmp);
    gx_diags_free(&tmp);
    if (!read) {
        pf->note = "the exported copy cannot be read (missing or too large): no line diff";
        return;
    }
    char old_hex[GX_SHA256_HEX_LEN + 1];
    gx_sha256_hex(old, old_len, old_hex);
    const char *why = NULL;
    pf->diff = gx_unified_diff(s->arena, pf->path, old, old_len, real, real_len, &why);
    if (!pf->diff)
        pf->note = why;
    else if (strcmp(old_hex, ef->sha256))
        pf->note = "the exported copy was edited since the export: the diff is against the file "
                   "as it is now";
}

gx_status gx_op_preview(gx_session *s, const gx_preview_request *req, const gx_sink *sink,
                        gx_preview *out)
{
    memset(out, 0, sizeof *out);
    gx_loaded ld;
    gx_status st;
    if (!gx_core_load_valid(s, false, sink, &ld, &st))
        return st;
    out->revision = gx_loaded_revision(s, &ld);
    gx_diags diags = GX_DIAGS_INIT;
    gx_render_set real, shown;
    gx_render_set_init(&real, NULL, 0);
    gx_render_set_init(&shown, NULL, 0);
    struct gx_config *hidden = gx_arena_alloc(s->arena, sizeof *hidden);
    gx_redact_config(s->arena, &ld.model->cfg, hidden);
    /* sealed secrets: sealed as an export would (the cache gives the same
     * ciphertexts), but nothing is kept; the redacted copy shows placeholders */
    gx_sealer sealer;
    bool sealing = false;
    bool ok = gx_core_sealer_begin(s, &ld.model->cfg, req->no_secrets, &sealer, &sealing, &diags);
    real.sealer = sealing ? &sealer : NULL;
    shown.seal_placeholders = true;
    ok = ok && gx_render_set_run(&real, &ld.model->cfg, req->no_secrets, &diags) &&
         gx_render_set_run(&shown, hidden, req->no_secrets, &diags);
    if (sealing)
        gx_sealer_free(&sealer);
    if (!ok) {
        gx_render_set_free(&real);
        gx_render_set_free(&shown);
        gx_core_unlock(s);
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
        st = gx_status_of(&diags);
        gx_diags_free(&diags);
        return st;
    }
    gx_last_export rec;
    gx_diags rd = GX_DIAGS_INIT;
    gx_last_export_status rs = gx_last_export_read(s->arena, s->workspace, &rec, &rd);
    if (rs == GX_LAST_EXPORT_BAD) {
        /* an unreadable record: everything counts as new; say why */
        for (size_t i = 0; i < rd.count; i++)
            rd.items[i].severity = GX_WARNING;
        gx_emit_diags(sink, &rd, GX_EV_DIAG);
    }
    gx_diags_free(&rd);
    out->exported = rs == GX_LAST_EXPORT_OK;
    out->exported_no_secrets = out->exported && rec.no_secrets;
    const gx_last_export *record = out->exported ? &rec : NULL;

    size_t cap = real.count + (record ? record->file_count : 0);
    out->files = gx_arena_alloc(s->arena, (cap ? cap : 1) * sizeof *out->files);
    bool config_secret = real.derived && real.derived->config_is_secret;
    for (size_t i = 0; i < real.count; i++) {
        const gx_rendered *it = &real.items[i];
        if (it->skipped)
            continue;
        const gx_template *t = it->tmpl;
        gx_preview_file *pf = &out->files[out->count++];
        memset(pf, 0, sizeof *pf);
        pf->path = t->output;
        pf->kind = gx_kind_name(t->kind);
        pf->mode = (unsigned)it->mode;
        pf->holds_secrets = gx_export_holds_secrets(
            t, config_secret, real.derived && real.derived->sealed && !req->no_secrets);
        if (pf->holds_secrets) {
            const gx_buf *text = &shown.items[i].text;
            pf->content = gx_readable_redactions(s->arena, text->data ? text->data : "",
                                                 text->len, &pf->len);
        } else {
            pf->content = gx_arena_strndup(s->arena, it->text.data ? it->text.data : "",
                                           it->text.len);
            pf->len = it->text.len;
        }
        gx_preview_compare(s, record, it->text.data ? it->text.data : "", it->text.len, req->diff,
                           pf);
    }
    size_t produced = out->count;
    for (size_t r = 0; record && r < record->file_count; r++) {
        bool still = false;
        for (size_t i = 0; i < produced && !still; i++)
            still = !strcmp(out->files[i].path, record->files[r].path);
        if (still)
            continue;
        gx_preview_file *pf = &out->files[out->count++];
        memset(pf, 0, sizeof *pf);
        pf->path = record->files[r].path;
        pf->mode = record->files[r].mode;
        pf->kind = "manifest";
        for (size_t t = 0; t < real.count; t++)
            if (!strcmp(real.items[t].tmpl->output, pf->path))
                pf->kind = gx_kind_name(real.items[t].tmpl->kind);
        pf->state = GX_PREVIEW_REMOVED;
    }
    gx_render_set_free(&real);
    gx_render_set_free(&shown);
    gx_core_unlock(s);
    gx_diags_free(&diags);
    return GX_STATUS_OK;
}
