/* gx_export — render the template set and write it. See gx_export.h. */
#include "gx_export.h"
#include "gx_core_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "gx_derived.h"
#include "gx_files.h"
#include "gx_hash.h"
#include "gx_xalloc.h"
#include "gx_schema.h"
#include "gx_templates.h"

#ifndef GX_VERSION
#define GX_VERSION "unknown"
#endif

#define GX_LAST_EXPORT_MAX_BYTES (4 * 1024 * 1024)

/* ---- the record ------------------------------------------------------------------- */

/* The record's JSON text (as gx_export writes it), appended to out: the
 * set's outputs that are not skipped, item i written with modes[i] and
 * holding bytes whose SHA-256 is hex[i]. */
static void gx_last_export_format(const gx_render_set *set, const struct gx_config *cfg,
                                  bool no_secrets, gx_buf *out, const mode_t *modes,
                                  const char (*hex)[GX_SHA256_HEX_LEN + 1])
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_integer(GX_LAST_EXPORT_FORMAT));
    json_object_set_new(root, "tool-version", json_string(GX_VERSION));
    json_object_set_new(root, "namespace", gx_json_text(cfg->core.namespace));
    json_object_set_new(root, "release-name", gx_json_text(cfg->core.release_name));
    json_object_set_new(root, "no-secrets", json_boolean(no_secrets));
    json_t *files = json_array();
    for (size_t i = 0; i < set->count; i++) {
        const gx_rendered *it = &set->items[i];
        if (it->skipped)
            continue;
        char mode[8];
        snprintf(mode, sizeof mode, "%04o", (unsigned)modes[i] & 07777);
        json_t *f = json_object();
        json_object_set_new(f, "path", gx_json_text(it->tmpl->output));
        json_object_set_new(f, "mode", json_string(mode));
        json_object_set_new(f, "sha256", json_string(hex[i]));
        json_array_append_new(files, f);
    }
    json_object_set_new(root, "files", files);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        gx_xalloc_fail();
    gx_buf_puts(out, text);
    gx_buf_putc(out, '\n');
    free(text);
}

static bool gx_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

gx_last_export_status gx_last_export_read(gx_arena *arena, const char *dir,
                                          gx_last_export *out, gx_diags *diags)
{
    memset(out, 0, sizeof *out);
    char *path = gx_arena_printf(arena, "%s/%s", dir, GX_LAST_EXPORT_FILE);
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return GX_LAST_EXPORT_NONE;
    char *data;
    size_t len;
    if (!gx_file_read(arena, path, GX_LAST_EXPORT_MAX_BYTES, &data, &len, diags))
        return GX_LAST_EXPORT_BAD;
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        gx_diags_add(diags, GX_CODE_RECORD, path, jerr.line > 0 ? jerr.line : 0,
                     jerr.column > 0 ? jerr.column : 0,
                     "export again to rewrite it", "the record of the last export is not "
                     "valid JSON: %s", jerr.text);
        return GX_LAST_EXPORT_BAD;
    }
    gx_last_export_status status = GX_LAST_EXPORT_BAD;
    const char *problem = NULL;
    json_t *format = json_object_get(root, "format");
    json_t *version = json_object_get(root, "tool-version");
    json_t *ns = json_object_get(root, "namespace");
    json_t *release = json_object_get(root, "release-name");
    json_t *nosec = json_object_get(root, "no-secrets");
    json_t *files = json_object_get(root, "files");
    if (!json_is_object(root))
        problem = "it is not a JSON object";
    else if (!json_is_integer(format) || json_integer_value(format) != GX_LAST_EXPORT_FORMAT)
        problem = "its \"format\" is not 1 (written by another version of the tool?)";
    else if (!json_is_string(version) || !json_is_string(ns) || !json_is_string(release))
        problem = "\"tool-version\", \"namespace\" and \"release-name\" must be strings";
    else if (!json_is_boolean(nosec))
        problem = "\"no-secrets\" must be true or false";
    else if (!json_is_array(files))
        problem = "\"files\" must be a list";
    if (!problem) {
        out->format = GX_LAST_EXPORT_FORMAT;
        out->tool_version = gx_arena_strdup(arena, json_string_value(version));
        out->namespace_ = gx_arena_strdup(arena, json_string_value(ns));
        out->release_name = gx_arena_strdup(arena, json_string_value(release));
        out->no_secrets = json_is_true(nosec);
        out->file_count = json_array_size(files);
        out->files = gx_arena_alloc(arena, (out->file_count + 1) * sizeof *out->files);
        for (size_t i = 0; i < out->file_count && !problem; i++) {
            json_t *f = json_array_get(files, i);
            json_t *fp = json_object_get(f, "path");
            json_t *fm = json_object_get(f, "mode");
            json_t *fh = json_object_get(f, "sha256");
            if (!json_is_object(f) || !json_is_string(fp) || !json_is_string(fm) ||
                !json_is_string(fh)) {
                problem = "each file needs \"path\", \"mode\" and \"sha256\" strings";
                break;
            }
            char *end;
            unsigned long mode = strtoul(json_string_value(fm), &end, 8);
            if (*end || end == json_string_value(fm) || mode > 07777) {
                problem = "a file's \"mode\" is not an octal mode";
                break;
            }
            if (!gx_hex64(json_string_value(fh))) {
                problem = "a file's \"sha256\" is not 64 lower-case hex digits";
                break;
            }
            out->files[i].path = gx_arena_strdup(arena, json_string_value(fp));
            out->files[i].mode = (unsigned)mode;
            out->files[i].sha256 = gx_arena_strdup(arena, json_string_value(fh));
        }
    }
    if (problem) {
        gx_diags_add(diags, GX_CODE_RECORD, path, 0, 0, "export again to rewrite it",
                     "the record of the last export is malformed: %s", problem);
        memset(out, 0, sizeof *out);
    } else {
        status = GX_LAST_EXPORT_OK;
    }
    json_decref(root);
    return status;
}

/* ---- to disk ---------------------------------------------------------------------- */

void (*gx_export_test_step)(const char *step);

static void gx_export_step(const char *step)
{
    if (gx_export_test_step)
        gx_export_test_step(step);
}

bool gx_export_interrupted(const char *dir)
{
    char *path = gx_xasprintf("%s/%s", dir, GX_LAST_EXPORT_PENDING);
    bool there = gx_file_exists(path);
    free(path);
    return there;
}

/* The process's umask, read without changing it where /proc tells it. */
static mode_t gx_export_umask(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (f) {
        char line[256];
        unsigned mask;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &mask) == 1) {
                fclose(f);
                return (mode_t)mask & 0777;
            }
        fclose(f);
    }
    mode_t mask = umask(022);
    umask(mask);
    return mask;
}

/* The mode an output is written with: owner-only (secret) modes exactly,
 * others through the umask. */
static mode_t gx_export_file_mode(mode_t mode, mode_t mask)
{
    mode &= 07777;
    return (mode & 077) ? mode & ~mask : mode;
}

/* Removes what an export killed earlier left below state: staging
 * directories (the caller holds the lock, so none is in use). */
static void gx_export_sweep(const char *state)
{
    DIR *d = opendir(state);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, ".glyphoxa-staging-", 18) != 0)
            continue;
        char *path = gx_xasprintf("%s/%s", state, e->d_name);
        gx_diags ignored = GX_DIAGS_INIT;
        (void)gx_remove_tree(path, &ignored);
        gx_diags_free(&ignored);
        free(path);
    }
    closedir(d);
}

/* How many regular files (and other non-directories) lie below dir. */
static size_t gx_export_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = gx_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            n += gx_export_count_files(path);
        else
            n++;
        free(path);
    }
    closedir(d);
    return n;
}

/* What an export learns of each output as it is rendered (gx_export_compare):
 * the mode it gets, its hash, and whether the file in place is the same. */
typedef struct gx_export_cmp {
    gx_arena *arena;
    const char *dest;
    mode_t mask;      /* the process's umask */
    bool keep_all;    /* every output is written (an interrupted export before) */
    size_t n;         /* outputs not skipped */
    size_t changed;   /* of those, the ones that differ from the file in place */
    bool *same;       /* per item: the file in place holds its bytes and mode */
    mode_t *modes;    /* per item: the mode it is written with */
    size_t *lens;     /* per item: its length */
    char (*hex)[GX_SHA256_HEX_LEN + 1]; /* per item: the SHA-256 of its bytes */
} gx_export_cmp;

/* The render set's keep hook: compares output i with the file in place and
 * keeps its text only when it is to be written (it differs, or everything
 * is); an unchanged one is linked, not written. */
static bool gx_export_compare(void *ctx, const gx_rendered *it, size_t i)
{
    gx_export_cmp *c = ctx;
    if (it->skipped)
        return false;
    const char *data = it->text.data ? it->text.data : "";
    c->n++;
    c->modes[i] = gx_export_file_mode(it->mode, c->mask);
    c->lens[i] = it->text.len;
    gx_sha256_hex(data, it->text.len, c->hex[i]);
    c->same[i] = gx_file_same(gx_arena_printf(c->arena, "%s/%s", c->dest, it->tmpl->output),
                              data, it->text.len, c->modes[i]);
    c->changed += !c->same[i];
    return c->keep_all || !c->same[i];
}

/* Puts output i, unchanged in place, into the staging tree: a hard link to
 * the file in place (its times stay), or where the file system has none a
 * copy of it, read again and checked against the output's hash (a file
 * changed since it was compared fails the export). */
static bool gx_export_stage_same(const gx_export_cmp *c, gx_staging *st, const char *output,
                                 size_t i, gx_diags *diags)
{
    const char *from = gx_arena_printf(c->arena, "%s/%s", c->dest, output);
    const char *to = gx_arena_printf(c->arena, "%s/%s", st->dir, output);
    char *dir = gx_arena_strdup(c->arena, to);
    *strrchr(dir, '/') = '\0';
    if (!gx_mkdir_p(dir, st->dir_mode, diags))
        return false;
    if (link(from, to) == 0)
        return true;
    char *data;
    size_t len;
    if (!gx_file_read(c->arena, from, c->lens[i], &data, &len, diags))
        return false;
    char hex[GX_SHA256_HEX_LEN + 1];
    gx_sha256_hex(data, len, hex);
    if (strcmp(hex, c->hex[i]) != 0) {
        gx_diags_add(diags, GX_CODE_IO, from, 0, 0, "export again",
                     "the file changed while it was exported");
        return false;
    }
    return gx_staging_write(st, output, data, len, c->modes[i], diags);
}

/* Renders the set and writes it below dest (gx_export, to disk), or nothing
 * when everything in place is the same already. Outputs are compared with
 * the files in place as they are rendered, and only those to be written are
 * kept in memory. */
static bool gx_export_to_dir(gx_render_set *set, const struct gx_config *cfg,
                             const gx_export_opts *opts, const char *dest, gx_diags *diags)
{
    /* every output lies below a top-level directory the templates declare */
    for (size_t i = 0; i < set->count; i++) {
        const char *out = set->items[i].tmpl->output;
        if (!gx_output_top_declared(out)) {
            gx_diags_add(diags, GX_CODE_RECORD, NULL, 0, 0, NULL,
                         "template output '%s' is not below a top-level directory that "
                         "the compiled-in templates declare",
                         out);
            return false;
        }
    }
    gx_arena *arena = gx_arena_new();
    char *state = gx_arena_printf(arena, "%s/%s", dest, GX_STATE_DIR);
    char *record = gx_arena_printf(arena, "%s/%s", dest, GX_LAST_EXPORT_FILE);
    char *pending = gx_arena_printf(arena, "%s/%s", dest, GX_LAST_EXPORT_PENDING);
    static const char *const tops[] = {GX_EXPORT_TOP_GENERATED, GX_EXPORT_TOP_SCRIPTS};

    /* what is in place already: the same bytes and modes, no other file, the
     * same record, and no interrupted export before */
    bool interrupted = gx_file_exists(pending);
    gx_export_cmp c = {.arena = arena, .dest = dest, .mask = gx_export_umask(),
                       .keep_all = interrupted};
    size_t slots = set->count + 1;
    c.same = gx_arena_alloc(arena, slots * sizeof *c.same);
    c.modes = gx_arena_alloc(arena, slots * sizeof *c.modes);
    c.lens = gx_arena_alloc(arena, slots * sizeof *c.lens);
    c.hex = gx_arena_alloc(arena, slots * sizeof *c.hex);
    set->keep = gx_export_compare;
    set->keep_ctx = &c;
    bool ok = gx_render_set_run(set, cfg, opts->no_secrets, diags);
    set->keep = NULL;
    set->keep_ctx = NULL;
    /* nothing is created before the render succeeded */
    if (ok && opts->out_dir)
        ok = gx_mkdir_p(opts->out_dir, gx_export_file_mode(0755, c.mask), diags);
    ok = ok && gx_mkdir_p(state, 0700, diags);
    if (!ok) {
        gx_arena_free(arena);
        return false;
    }
    if (opts->sweep_stale)
        gx_export_sweep(state);
    size_t n = c.n, changed = c.changed;
    bool *same = c.same;
    const mode_t *modes = c.modes;
    gx_buf text = GX_BUF_INIT;
    gx_last_export_format(set, cfg, opts->no_secrets, &text, modes,
                          (const char (*)[GX_SHA256_HEX_LEN + 1])c.hex);
    size_t present = 0;
    for (size_t t = 0; t < 2; t++)
        present += gx_export_count_files(gx_arena_printf(arena, "%s/%s", dest, tops[t]));
    bool trees_same = changed == 0 && present == n && !interrupted;
    bool record_same = false;
    if (trees_same) {
        char *old;
        size_t old_len;
        gx_diags ignored = GX_DIAGS_INIT;
        record_same = gx_file_read(arena, record, GX_LAST_EXPORT_MAX_BYTES, &old, &old_len,
                                   &ignored) &&
                      old_len == text.len && !memcmp(old, text.data, text.len);
        gx_diags_free(&ignored);
    }

    if (!trees_same) {
        /* stage: unchanged files are hard links to the ones in place (their
         * times stay), changed ones are written */
        gx_staging st = GX_STAGING_INIT;
        st.dir_mode = gx_export_file_mode(GX_STAGING_DIR_MODE, c.mask); /* 0700 under umask 077 */
        ok = gx_staging_begin(&st, state, diags);
        /* both top dirs exist in the staging tree, so an empty one replaces the old */
        for (size_t t = 0; ok && t < 2; t++)
            ok = gx_mkdir_p(gx_arena_printf(arena, "%s/%s", st.dir, tops[t]), st.dir_mode,
                            diags);
        for (size_t i = 0; ok && i < set->count; i++) {
            const gx_rendered *it = &set->items[i];
            if (it->skipped)
                continue;
            if (same[i] && !interrupted)
                ok = gx_export_stage_same(&c, &st, it->tmpl->output, i, diags);
            else
                ok = gx_staging_write(&st, it->tmpl->output, it->text.data ? it->text.data : "",
                                      it->text.len, modes[i], diags);
        }
        gx_export_step("export:staged");
        /* the record goes in first as pending: a kill between the two swaps
         * below leaves it, and the next run knows the trees may be mixed */
        if (ok)
            ok = gx_file_write_atomic(pending, text.data, text.len, 0600, false, diags);
        gx_export_step("export:pending");
        if (ok)
            ok = gx_staging_commit(&st, tops, 2, dest, diags);
        gx_staging_abort(&st);
        gx_export_step("export:swapped");
        if (!ok && !interrupted)
            unlink(pending); /* nothing moved: the previous export stands */
    }
    if (ok && !record_same) {
        if (!gx_file_write_atomic(record, text.data, text.len, 0600, false, diags)) {
            unlink(record);
            gx_diags_add(diags, GX_CODE_RECORD, record, 0, 0, "export again to record it",
                         "the files were exported to %s, but the record of the export could "
                         "not be written",
                         dest);
            ok = false;
        }
    }
    if (ok) {
        unlink(pending);
        gx_export_step("export:recorded");
    }
    gx_buf_free(&text);
    if (ok && interrupted)
        gx_diags_push(diags, GX_NOTE, GX_CODE_RECORD, NULL,
                      "an earlier export to %s was interrupted between its directories; "
                      "generated/ and scripts/ are whole again",
                      dest);
    if (ok) {
        if (opts->files_written)
            *opts->files_written = n;
        if (opts->files_changed)
            *opts->files_changed = interrupted ? n : changed;
        for (size_t i = 0; opts->on_file && i < set->count; i++)
            if (!set->items[i].skipped)
                opts->on_file(opts->file_ctx, set->items[i].tmpl->output, (unsigned)modes[i],
                              interrupted || !same[i]);
    }
    gx_arena_free(arena);
    return ok;
}

bool gx_export(const struct gx_config *cfg, const gx_export_opts *opts, gx_diags *diags)
{
    if (!opts->out_dir && !opts->workspace) {
        gx_diags_add(diags, GX_CODE_RECORD, NULL, 0, 0, NULL, "export: no workspace directory given");
        return false;
    }
    const char *dest = opts->out_dir ? opts->out_dir : opts->workspace;
    gx_render_set set;
    gx_render_set_init(&set, opts->templates, opts->template_count);
    set.sealer = opts->sealer;
    bool ok = gx_export_to_dir(&set, cfg, opts, dest, diags);
    gx_render_set_free(&set);
    return ok;
}
