/* gx_history — release state, history and rollback (gx_core.h, "release
 * state"; gx_history.h): the deployed record, the revisions kept under
 * .glyphoxa-deploy/history/N/, their list and their differences. Running a
 * rollback shares the apply machinery (gx_apply.c). */
#include "gx_history.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gx_files.h"
#include "gx_hash.h"
#include "gx_lines.h"
#include "gx_schema.h"
#include "gx_xalloc.h"

#define GX_RECORD_FORMAT 1
#define GX_RECORD_MAX_BYTES (4 * 1024 * 1024)
/* Largest file copied into a revision or compared by history diff. */
#define GX_HISTORY_MAX_FILE (16 * 1024 * 1024)
/* Largest product of line counts a line diff is computed for. */
#define GX_HISTORY_DIFF_CELLS (4u * 1024 * 1024)
#define GX_HISTORY_CONTEXT 3

/* ---- records ---------------------------------------------------------------------------- */

const char *gx_history_now(gx_session *s)
{
    time_t now = time(NULL);
    struct tm tm;
    char text[32];
    gmtime_r(&now, &tm);
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return gx_arena_strdup(s->arena, text);
}

const char *gx_export_hash(gx_session *s, const gx_export_file *files, size_t count)
{
    gx_buf b = GX_BUF_INIT;
    for (size_t i = 0; i < count; i++)
        gx_buf_printf(&b, "%s\t%s\n", files[i].path, files[i].sha256);
    char *hex = gx_arena_alloc(s->arena, GX_SHA256_HEX_LEN + 1);
    gx_sha256_hex(b.data ? b.data : "", b.len, hex);
    gx_buf_free(&b);
    return hex;
}

const char *gx_history_path(gx_session *s, int n)
{
    return gx_core_path(s, gx_arena_printf(s->arena, "%s/%d", GX_HISTORY_DIR, n));
}

static json_t *gx_record_json(const gx_release_record *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "format", json_integer(GX_RECORD_FORMAT));
    json_object_set_new(o, "revision", json_integer(r->revision));
    json_object_set_new(o, "rollback-of", r->rollback_of ? json_integer(r->rollback_of)
                                                         : json_null());
    json_object_set_new(o, "target", gx_json_text(r->target));
    json_object_set_new(o, "time", gx_json_text(r->time));
    json_object_set_new(o, "tool-version", gx_json_text(r->tool_version));
    json_object_set_new(o, "namespace", gx_json_text(r->namespace_));
    json_object_set_new(o, "release-name", gx_json_text(r->release_name));
    json_t *c = json_array();
    for (size_t i = 0; i < r->component_count; i++)
        json_array_append_new(c, gx_json_text(r->components[i]));
    json_object_set_new(o, "components", c);
    json_object_set_new(o, "export-hash", gx_json_text(r->export_hash));
    json_object_set_new(o, "namespace-created", json_boolean(r->namespace_created));
    json_object_set_new(o, "sealed-secrets-installed", json_boolean(r->sealed_secrets_installed));
    if (r->secrets_sealed)
        json_object_set_new(o, "secrets-sealed", json_true());
    json_object_set_new(o, "exit-status", json_integer(r->exit_status));
    json_t *files = json_array();
    for (size_t i = 0; i < r->file_count; i++) {
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", r->files[i].mode & 07777);
        json_array_append_new(files, json_pack("{s:o, s:s, s:s}", "path",
                                               gx_json_text(r->files[i].path), "mode", mode,
                                               "sha256", r->files[i].sha256));
    }
    json_object_set_new(o, "files", files);
    return o;
}

static bool gx_record_write(const char *path, const gx_release_record *r, gx_diags *diags)
{
    json_t *o = gx_record_json(r);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text)
        gx_xalloc_fail();
    gx_buf b = GX_BUF_INIT;
    gx_buf_puts(&b, text);
    gx_buf_putc(&b, '\n');
    free(text);
    bool ok = gx_file_write_atomic(path, b.data, b.len, 0600, false, diags);
    gx_buf_free(&b);
    return ok;
}

static const char *gx_jstr(gx_session *s, json_t *o, const char *key, const char **problem)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        if (!*problem)
            *problem = gx_arena_printf(s->arena, "\"%s\" must be a string", key);
        return "";
    }
    return gx_arena_strdup(s->arena, json_string_value(v));
}

static gx_record_status gx_record_read(gx_session *s, const char *path, gx_release_record *out,
                                       gx_diags *diags)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return GX_RECORD_NONE;
    char *data;
    size_t len;
    if (!gx_file_read(s->arena, path, GX_RECORD_MAX_BYTES, &data, &len, diags))
        return GX_RECORD_BAD;
    json_error_t jerr;
    json_t *o = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *problem = NULL;
    if (!o)
        problem = gx_arena_printf(s->arena, "not valid JSON: %s", jerr.text);
    else if (!json_is_object(o) || json_integer_value(json_object_get(o, "format")) !=
                                       GX_RECORD_FORMAT)
        problem = "not a record of this tool's format 1";
    if (!problem) {
        json_t *rev = json_object_get(o, "revision"), *rb = json_object_get(o, "rollback-of");
        json_t *comps = json_object_get(o, "components"), *files = json_object_get(o, "files");
        out->revision = (int)json_integer_value(rev);
        out->rollback_of = json_is_integer(rb) ? (int)json_integer_value(rb) : 0;
        out->target = gx_jstr(s, o, "target", &problem);
        out->time = gx_jstr(s, o, "time", &problem);
        out->tool_version = gx_jstr(s, o, "tool-version", &problem);
        out->namespace_ = gx_jstr(s, o, "namespace", &problem);
        out->release_name = gx_jstr(s, o, "release-name", &problem);
        out->export_hash = gx_jstr(s, o, "export-hash", &problem);
        out->namespace_created = json_is_true(json_object_get(o, "namespace-created"));
        out->sealed_secrets_installed =
            json_is_true(json_object_get(o, "sealed-secrets-installed"));
        out->secrets_sealed = json_is_true(json_object_get(o, "secrets-sealed"));
        out->exit_status = (int)json_integer_value(json_object_get(o, "exit-status"));
        if (!json_is_integer(rev) || out->revision < 1)
            problem = "\"revision\" must be a number from 1";
        else if (!json_is_array(comps) || !json_is_array(files))
            problem = "\"components\" and \"files\" must be lists";
        if (!problem) {
            out->component_count = json_array_size(comps);
            out->components =
                gx_arena_alloc(s->arena, (out->component_count + 1) * sizeof *out->components);
            for (size_t i = 0; i < out->component_count; i++) {
                json_t *c = json_array_get(comps, i);
                out->components[i] = json_is_string(c) ? gx_arena_strdup(s->arena,
                                                                         json_string_value(c))
                                                       : "";
            }
            out->file_count = json_array_size(files);
            out->files = gx_arena_alloc(s->arena, (out->file_count + 1) * sizeof *out->files);
            for (size_t i = 0; i < out->file_count && !problem; i++) {
                json_t *f = json_array_get(files, i);
                const char *mode = gx_jstr(s, f, "mode", &problem);
                out->files[i].path = gx_jstr(s, f, "path", &problem);
                out->files[i].sha256 = gx_jstr(s, f, "sha256", &problem);
                out->files[i].mode = (unsigned)strtoul(mode, NULL, 8) & 07777;
            }
        }
    }
    json_decref(o);
    if (problem) {
        gx_diags_add(diags, GX_CODE_RECORD, path, 0, 0,
                     "an apply (or rollback) that succeeds writes it again",
                     "the release record is malformed: %s", problem);
        memset(out, 0, sizeof *out);
        return GX_RECORD_BAD;
    }
    return GX_RECORD_OK;
}

gx_record_status gx_deployed_read(gx_session *s, gx_release_record *out, gx_diags *diags)
{
    return gx_record_read(s, gx_core_path(s, GX_DEPLOYED_FILE), out, diags);
}

gx_record_status gx_revision_read(gx_session *s, int n, gx_release_record *out, gx_diags *diags)
{
    return gx_record_read(s, gx_arena_printf(s->arena, "%s/%s", gx_history_path(s, n),
                                             GX_HISTORY_RECORD),
                          out, diags);
}

static int gx_int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t gx_history_list(gx_session *s, int **out)
{
    size_t n = 0, cap = 16;
    int *nums = gx_arena_alloc(s->arena, cap * sizeof *nums);
    DIR *d = opendir(gx_core_path(s, GX_HISTORY_DIR));
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            char *end;
            long v = strtol(e->d_name, &end, 10);
            if (*end || end == e->d_name || v < 1 || v > INT_MAX || e->d_name[0] == '0')
                continue;
            if (n == cap) {
                int *bigger = gx_arena_alloc(s->arena, cap * 2 * sizeof *bigger);
                memcpy(bigger, nums, n * sizeof *nums);
                nums = bigger;
                cap *= 2;
            }
            nums[n++] = (int)v;
        }
        closedir(d);
    }
    qsort(nums, n, sizeof *nums, gx_int_cmp);
    *out = nums;
    return n;
}

/* ---- keeping a revision ---------------------------------------------------------------------- */

/* Copies the tree src (a directory) to dst: directories 0700, files 0600;
 * symbolic links and other kinds are not followed and not copied. */
static bool gx_copy_tree(gx_session *s, const char *src, const char *dst, gx_diags *diags)
{
    if (!gx_mkdir_p(dst, 0700, diags))
        return false;
    DIR *d = opendir(src);
    if (!d) {
        if (errno == ENOENT)
            return true; /* nothing exported there: an empty directory */
        gx_diags_add(diags, GX_CODE_IO, src, 0, 0, NULL, "cannot read directory: %s",
                     strerror(errno));
        return false;
    }
    bool ok = true;
    for (struct dirent *e; ok && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        const char *from = gx_arena_printf(s->arena, "%s/%s", src, e->d_name);
        const char *to = gx_arena_printf(s->arena, "%s/%s", dst, e->d_name);
        struct stat st;
        if (lstat(from, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            ok = gx_copy_tree(s, from, to, diags);
        } else if (S_ISREG(st.st_mode)) {
            char *data;
            size_t len;
            ok = gx_file_read(s->arena, from, GX_HISTORY_MAX_FILE, &data, &len, diags) &&
                 gx_file_write_atomic(to, data, len, 0600, false, diags);
        }
    }
    closedir(d);
    return ok;
}

const char *gx_history_stage(gx_session *s, const char *src, const char *values_from,
                             gx_diags *diags)
{
    const char *dir = gx_core_path(s, GX_HISTORY_DIR);
    if (!gx_mkdir_p(dir, 0700, diags))
        return NULL;
    /* a run killed earlier left its pending revision: the lock is ours now */
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (!strncmp(e->d_name, ".pending-", 9))
            gx_history_discard(gx_arena_printf(s->arena, "%s/%s", dir, e->d_name));
    if (d)
        closedir(d);
    char *pending = gx_arena_printf(s->arena, "%s/.pending-XXXXXX", dir);
    if (!mkdtemp(pending)) {
        gx_diags_add(diags, GX_CODE_IO, dir, 0, 0, NULL, "cannot create a revision: %s",
                     strerror(errno));
        return NULL;
    }
    static const char *const trees[] = {"generated", "scripts"};
    static const char *const values[] = {GX_VALUES_FILE, GX_SECRETS_FILE};
    bool ok = true;
    for (size_t i = 0; ok && i < 2; i++)
        ok = gx_copy_tree(s, gx_arena_printf(s->arena, "%s/%s", src, trees[i]),
                          gx_arena_printf(s->arena, "%s/%s", pending, trees[i]), diags);
    for (size_t i = 0; ok && i < 2; i++) {
        const char *from = values_from ? gx_arena_printf(s->arena, "%s/%s", values_from,
                                                         values[i])
                                       : gx_core_path(s, values[i]);
        char *data;
        size_t len;
        if (!gx_file_exists(from))
            continue;
        ok = gx_file_read(s->arena, from, GX_HISTORY_MAX_FILE, &data, &len, diags) &&
             gx_file_write_atomic(gx_arena_printf(s->arena, "%s/%s", pending, values[i]), data,
                                  len, 0600, false, diags);
    }
    if (!ok) {
        gx_history_discard(pending);
        return NULL;
    }
    return pending;
}

void gx_history_discard(const char *pending)
{
    if (!pending)
        return;
    gx_diags ignored = GX_DIAGS_INIT;
    (void)gx_remove_tree(pending, &ignored);
    gx_diags_free(&ignored);
}

bool gx_history_commit(gx_session *s, const char *pending, gx_release_record *rec, int limit,
                       gx_diags *diags)
{
    int *nums;
    size_t n = gx_history_list(s, &nums);
    rec->revision = n ? nums[n - 1] + 1 : 1;
    const char *dst = gx_history_path(s, rec->revision);
    bool ok = gx_record_write(gx_arena_printf(s->arena, "%s/%s", pending, GX_HISTORY_RECORD), rec,
                              diags);
    if (ok && rename(pending, dst) != 0) {
        gx_diags_add(diags, GX_CODE_IO, dst, 0, 0, NULL, "cannot keep the revision: %s",
                     strerror(errno));
        ok = false;
    }
    if (!ok) {
        gx_history_discard(pending);
        return false;
    }
    if (!gx_record_write(gx_core_path(s, GX_DEPLOYED_FILE), rec, diags))
        return false;
    if (limit < 1)
        limit = GX_HISTORY_DEFAULT_LIMIT;
    n = gx_history_list(s, &nums);
    for (size_t i = 0; i + (size_t)limit < n; i++) {
        gx_diags ignored = GX_DIAGS_INIT;
        (void)gx_remove_tree(gx_history_path(s, nums[i]), &ignored);
        gx_diags_free(&ignored);
    }
    return true;
}

/* ---- history: list ------------------------------------------------------------------------- */

gx_status gx_op_history(gx_session *s, const gx_sink *sink, gx_history *out)
{
    memset(out, 0, sizeof *out);
    gx_diags diags = GX_DIAGS_INIT;
    if (!gx_session_require_workspace(s, &diags) || !gx_core_lock(s, false, &diags)) {
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
        gx_status st = gx_status_of(&diags);
        gx_diags_free(&diags);
        return st;
    }
    gx_release_record deployed;
    if (gx_deployed_read(s, &deployed, &diags) == GX_RECORD_OK)
        out->deployed = deployed.revision;
    int *nums;
    size_t n = gx_history_list(s, &nums);
    out->items = gx_arena_alloc(s->arena, (n + 1) * sizeof *out->items);
    for (size_t i = 0; i < n; i++) {
        gx_release_record r;
        gx_diags tmp = GX_DIAGS_INIT;
        if (gx_revision_read(s, nums[i], &r, &tmp) != GX_RECORD_OK) {
            for (size_t k = 0; k < tmp.count; k++)
                tmp.items[k].severity = GX_WARNING;
            gx_emit_diags(sink, &tmp, GX_EV_DIAG);
            gx_diags_free(&tmp);
            continue;
        }
        gx_diags_free(&tmp);
        gx_revision_info *it = &out->items[out->count++];
        it->number = nums[i];
        it->time = r.time;
        it->target = r.target;
        it->export_hash = r.export_hash;
        it->namespace_ = r.namespace_;
        it->release_name = r.release_name;
        it->tool_version = r.tool_version;
        it->components = r.components;
        it->component_count = r.component_count;
        it->exit_status = r.exit_status;
        it->rollback_of = r.rollback_of;
        it->deployed = nums[i] == out->deployed;
    }
    gx_core_unlock(s);
    gx_emit_diags(sink, &diags, GX_EV_DIAG);
    gx_diags_free(&diags);
    return GX_STATUS_OK;
}

json_t *gx_json_revision(const gx_revision_info *r)
{
    json_t *c = json_array();
    for (size_t i = 0; i < r->component_count; i++)
        json_array_append_new(c, gx_json_text(r->components[i]));
    json_t *o = json_object();
    json_object_set_new(o, "revision", json_integer(r->number));
    json_object_set_new(o, "time", gx_json_text(r->time));
    json_object_set_new(o, "target", gx_json_text(r->target));
    json_object_set_new(o, "export-hash", gx_json_text(r->export_hash));
    json_object_set_new(o, "namespace", gx_json_text(r->namespace_));
    json_object_set_new(o, "release-name", gx_json_text(r->release_name));
    json_object_set_new(o, "components", c);
    json_object_set_new(o, "exit-status", json_integer(r->exit_status));
    json_object_set_new(o, "rollback-of", r->rollback_of ? json_integer(r->rollback_of)
                                                         : json_null());
    json_object_set_new(o, "tool-version", gx_json_text(r->tool_version));
    json_object_set_new(o, "deployed", json_boolean(r->deployed));
    return o;
}

/* ---- history diff ------------------------------------------------------------------------------- */

/* Lines compare by their text (a missing last newline is not shown). */
static bool gx_heq(const gx_line *a, const gx_line *b)
{
    return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

/* Appends the unified diff of a to b (LCS by dynamic programming, for the
 * small files of a revision); false when the files are too large for it. */
static bool gx_hdiff(gx_session *s, const char *name, const gx_line *a, size_t n,
                     const gx_line *b, size_t m, gx_buf *out)
{
    size_t pre = 0, suf = 0;
    while (pre < n && pre < m && gx_heq(&a[pre], &b[pre]))
        pre++;
    while (suf < n - pre && suf < m - pre && gx_heq(&a[n - 1 - suf], &b[m - 1 - suf]))
        suf++;
    size_t na = n - pre - suf, nb = m - pre - suf;
    if ((na + 1) * (nb + 1) > GX_HISTORY_DIFF_CELLS)
        return false;
    /* lcs[i][j]: the LCS length of a[pre+i..] and b[pre+j..] (inner part) */
    unsigned *lcs = gx_xcalloc((na + 1) * (nb + 1), sizeof *lcs);
#define L(i, j) lcs[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;)
            L(i, j) = gx_heq(&a[pre + i], &b[pre + j]) ? L(i + 1, j + 1) + 1
                      : L(i + 1, j) > L(i, j + 1)       ? L(i + 1, j)
                                                         : L(i, j + 1);
    /* the edit script over the whole files: ' ', '-', '+' with line indexes */
    size_t cap = n + m + 1, k = 0;
    char *op = gx_arena_alloc(s->arena, cap);
    size_t *ai = gx_arena_alloc(s->arena, cap * sizeof *ai);
    size_t *bi = gx_arena_alloc(s->arena, cap * sizeof *bi);
    for (size_t i = 0; i < pre; i++)
        op[k] = ' ', ai[k] = i, bi[k] = i, k++;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && gx_heq(&a[pre + i], &b[pre + j]))
            op[k] = ' ', ai[k] = pre + i++, bi[k] = pre + j++;
        else if (i < na && (j == nb || L(i + 1, j) >= L(i, j + 1)))
            op[k] = '-', ai[k] = pre + i++, bi[k] = pre + j; /* removals first, as diff -u */
        else
            op[k] = '+', ai[k] = pre + i, bi[k] = pre + j++;
        k++;
    }
#undef L
    free(lcs);
    for (size_t t = 0; t < suf; t++)
        op[k] = ' ', ai[k] = n - suf + t, bi[k] = m - suf + t, k++;

    gx_buf_printf(out, "--- a/%s\n+++ b/%s\n", name, name);
    for (size_t x = 0; x < k;) {
        while (x < k && op[x] == ' ')
            x++;
        if (x == k)
            break;
        size_t start = x > GX_HISTORY_CONTEXT ? x - GX_HISTORY_CONTEXT : 0, end = x, run = 0;
        for (size_t y = x; y < k; y++) {
            if (op[y] != ' ')
                run = 0, end = y;
            else if (++run > 2 * GX_HISTORY_CONTEXT)
                break;
        }
        size_t stop = end + 1 + GX_HISTORY_CONTEXT < k ? end + 1 + GX_HISTORY_CONTEXT : k;
        size_t alen = 0, blen = 0;
        for (size_t y = start; y < stop; y++)
            alen += op[y] != '+', blen += op[y] != '-';
        gx_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", alen ? ai[start] + 1 : ai[start], alen,
                      blen ? bi[start] + 1 : bi[start], blen);
        for (size_t y = start; y < stop; y++) {
            const gx_line *l = op[y] == '+' ? &b[bi[y]] : &a[ai[y]];
            gx_buf_putc(out, op[y]);
            gx_buf_put(out, l->s, l->len);
            gx_buf_putc(out, '\n');
        }
        x = stop;
    }
    return true;
}

/* The files of a revision: its record's list. */
static bool gx_revision_files(gx_session *s, int n, gx_release_record *r, gx_diags *diags)
{
    switch (gx_revision_read(s, n, r, diags)) {
    case GX_RECORD_OK: return true;
    case GX_RECORD_NONE:
        gx_diags_push(diags, GX_BLOCKING, GX_CODE_BAD_REQUEST, NULL,
                      "there is no revision %d in the history of %s", n, s->workspace);
        return false;
    case GX_RECORD_BAD: return false;
    }
    return false;
}

static int gx_path_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const gx_export_file *gx_find_file(const gx_release_record *r, const char *path)
{
    for (size_t i = 0; i < r->file_count; i++)
        if (!strcmp(r->files[i].path, path))
            return &r->files[i];
    return NULL;
}

/* Files that hold secrets are exported owner-only: their content is never shown. */
static bool gx_holds_secrets(const gx_export_file *f)
{
    return f && (f->mode & 077) == 0;
}

gx_status gx_op_history_diff(gx_session *s, int a, int b, const gx_sink *sink, gx_buf *out)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_release_record ra, rb;
    if (!gx_session_require_workspace(s, &diags) || !gx_core_lock(s, false, &diags) ||
        !gx_revision_files(s, a, &ra, &diags) || !gx_revision_files(s, b, &rb, &diags)) {
        gx_core_unlock(s);
        gx_emit_diags(sink, &diags, GX_EV_DIAG);
        gx_status st = gx_status_of(&diags);
        gx_diags_free(&diags);
        return st;
    }
    if (strcmp(ra.namespace_, rb.namespace_) || strcmp(ra.release_name, rb.release_name))
        gx_buf_printf(out, "release: %s in namespace %s -> %s in namespace %s\n",
                      ra.release_name, ra.namespace_, rb.release_name, rb.namespace_);
    /* every path of both, in order */
    size_t total = ra.file_count + rb.file_count;
    const char **paths = gx_arena_alloc(s->arena, (total + 1) * sizeof *paths);
    size_t np = 0;
    for (size_t i = 0; i < ra.file_count; i++)
        paths[np++] = ra.files[i].path;
    for (size_t i = 0; i < rb.file_count; i++)
        if (!gx_find_file(&ra, rb.files[i].path))
            paths[np++] = rb.files[i].path;
    qsort(paths, np, sizeof *paths, gx_path_cmp);
    const char *da = gx_history_path(s, a), *db = gx_history_path(s, b);
    for (size_t i = 0; i < np; i++) {
        const gx_export_file *fa = gx_find_file(&ra, paths[i]), *fb = gx_find_file(&rb, paths[i]);
        if (fa && fb && !strcmp(fa->sha256, fb->sha256))
            continue;
        if (!fa || !fb) {
            gx_buf_printf(out, "%s %s\n", fa ? "removed" : "added", paths[i]);
            continue;
        }
        if (gx_holds_secrets(fa) || gx_holds_secrets(fb)) {
            gx_buf_printf(out, "changed %s (it holds secrets: not shown)\n", paths[i]);
            continue;
        }
        char *ta, *tb;
        size_t la, lb;
        gx_diags tmp = GX_DIAGS_INIT;
        if (!gx_file_read(s->arena, gx_arena_printf(s->arena, "%s/%s", da, paths[i]),
                          GX_HISTORY_MAX_FILE, &ta, &la, &tmp) ||
            !gx_file_read(s->arena, gx_arena_printf(s->arena, "%s/%s", db, paths[i]),
                          GX_HISTORY_MAX_FILE, &tb, &lb, &tmp)) {
            gx_buf_printf(out, "changed %s (a stored copy cannot be read)\n", paths[i]);
            gx_diags_free(&tmp);
            continue;
        }
        gx_diags_free(&tmp);
        gx_line *la_lines, *lb_lines;
        size_t n = gx_lines_split(s->arena, ta, la, &la_lines),
               m = gx_lines_split(s->arena, tb, lb, &lb_lines);
        if (!gx_hdiff(s, paths[i], la_lines, n, lb_lines, m, out))
            gx_buf_printf(out, "changed %s (too large for a line diff)\n", paths[i]);
    }
    gx_core_unlock(s);
    gx_diags_free(&diags);
    return GX_STATUS_OK;
}
