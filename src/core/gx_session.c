/* gx_session — sessions, loading, the lock, the revision, events, and the
 * schema facts of gx_core.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_text.h"
#include "gx_core_internal.h"
#include "gx_files.h"
#include "gx_hash.h"
#include "gx_node.h"
#include "gx_rules.h"
#include "gx_schema.h"
#include "gx_values_io.h"
#include "gx_xalloc.h"

#ifndef GX_VERSION
#define GX_VERSION "0.0.0"
#endif

#ifdef GX_TEST_HOOKS
void (*gx_core_test_hook)(const char *point, const char *workspace);
#endif

/* ---- schema facts --------------------------------------------------------------- */

size_t gx_core_field_count(void) { return GX_FIELD_COUNT; }
const gx_field *gx_core_field(size_t index)
{
    return index < GX_FIELD_COUNT ? &gx_fields[index] : NULL;
}
int gx_core_field_find(const char *path) { return gx_field_find(path); }

const char *gx_core_type_name(gx_type type)
{
    static const char *const names[] = {
        [GX_T_STRING] = "string", [GX_T_INT] = "int",   [GX_T_BOOL] = "bool",
        [GX_T_ENUM] = "enum",     [GX_T_QUANTITY] = "quantity", [GX_T_MAP] = "map",
        [GX_T_LIST] = "list",     [GX_T_YAML] = "yaml",
    };
    return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "?";
}

bool gx_core_is_section(const char *prefix)
{
    size_t n = strlen(prefix);
    if (!n)
        return false;
    for (int i = 0; i < GX_FIELD_COUNT; i++)
        if (!strncmp(gx_fields[i].path, prefix, n) && gx_fields[i].path[n] == '/')
            return true;
    return false;
}

/* An unknown-path diagnostic with the did-you-mean hint and remedy. */
void gx_core_unknown_path(gx_diags *diags, const char *path)
{
    char hint[600];
    gx_field_unknown_hint(path, hint, sizeof hint);
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_UNKNOWN_PATH, NULL,
                               "unknown path '%.200s'", path);
    if (!d)
        return;
    d->hint = gx_diags_strdup(diags, hint);
    gx_field_unknown_remedy(path, &d->remedy);
}

size_t gx_core_component_count(void) { return GX_COMPONENT_COUNT; }
const gx_component_info *gx_core_component(size_t index)
{
    return index < GX_COMPONENT_COUNT ? &gx_components[index] : NULL;
}
int gx_core_component_find(const char *name) { return gx_component_find(name); }

size_t gx_core_target_count(void) { return GX_TARGET_COUNT; }
const gx_target_info *gx_core_target(size_t index)
{
    return index < GX_TARGET_COUNT ? &gx_targets[index] : NULL;
}
int gx_core_target_find(const char *name)
{
    for (int t = 0; t < GX_TARGET_COUNT; t++)
        if (!strcmp(gx_targets[t].name, name))
            return t;
    return -1;
}

size_t gx_core_rule_count(void) { return gx_rule_count; }
gx_rule_info gx_core_rule(size_t index)
{
    gx_rule_info r = {0};
    if (index < gx_rule_count) {
        r.id = gx_rules[index].id;
        r.code = gx_rules[index].code;
        r.summary = gx_rules[index].summary;
        r.severities = gx_rules[index].severities;
    }
    return r;
}

const char *gx_core_version(void) { return GX_VERSION; }

/* ---- sessions -------------------------------------------------------------------- */

gx_session *gx_session_new(const char *workspace)
{
    gx_session *s = gx_xrealloc(NULL, sizeof *s);
    memset(s, 0, sizeof *s);
    s->workspace = gx_xstrdup(workspace && *workspace ? workspace : ".");
    s->arena = gx_arena_new();
    s->lock_fd = -1;
    return s;
}

void gx_session_add_values_file(gx_session *s, const char *file)
{
    s->values_files =
        gx_xrealloc(s->values_files, (s->values_file_count + 1) * sizeof *s->values_files);
    s->values_files[s->values_file_count++] = gx_xstrdup(file);
}

void gx_session_add_set(gx_session *s, const char *assignment, bool from_file)
{
    s->sets = gx_xrealloc(s->sets, (s->set_count + 1) * sizeof *s->sets);
    s->sets[s->set_count].text = gx_xstrdup(assignment);
    s->sets[s->set_count].from_file = from_file;
    s->set_count++;
}

const char *gx_session_workspace(const gx_session *s) { return s->workspace; }
gx_arena *gx_session_arena(gx_session *s) { return s->arena; }

void gx_session_reset(gx_session *s)
{
    gx_core_unlock(s);
    gx_arena_free(s->arena);
    s->arena = gx_arena_new();
}

void gx_session_free(gx_session *s)
{
    if (!s)
        return;
    gx_core_unlock(s);
    gx_arena_free(s->arena);
    for (size_t i = 0; i < s->values_file_count; i++)
        free(s->values_files[i]);
    free(s->values_files);
    for (size_t i = 0; i < s->set_count; i++)
        free(s->sets[i].text);
    free(s->sets);
    free(s->workspace);
    free(s->client);
    gx_core_draft_free(s);
    free(s);
}

void gx_session_set_client(gx_session *s, const char *client, const gx_sink *status)
{
    free(s->client);
    s->client = client ? gx_xstrdup(client) : NULL;
    if (status)
        s->wait_sink = *status;
    else
        memset(&s->wait_sink, 0, sizeof s->wait_sink);
}

const char *gx_core_path(gx_session *s, const char *name)
{
    if (!strcmp(s->workspace, "."))
        return gx_arena_strdup(s->arena, name);
    return gx_arena_printf(s->arena, "%s/%s", s->workspace, name);
}

bool gx_session_has_workspace(const gx_session *s)
{
    char *p = gx_arena_printf(s->arena, "%s/%s", s->workspace, GX_VALUES_FILE);
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

bool gx_session_require_workspace(gx_session *s, gx_diags *diags)
{
    if (gx_session_has_workspace(s))
        return true;
    gx_diag *d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_NO_WORKSPACE, NULL,
                               "no workspace in %s (it has no %s)", s->workspace, GX_VALUES_FILE);
    if (d) {
        d->hint = "create one with init";
        d->remedy.kind = GX_REMEDY_INIT;
        d->remedy.arg = gx_diags_strdup(diags, s->workspace);
    }
    return false;
}

/* ---- the revision ------------------------------------------------------------------ */

const char *gx_core_revision_of(gx_session *s, const char *values, size_t values_len,
                                const char *secrets, size_t secrets_len)
{
    /* SHA-256 over values.yaml, a NUL, and secrets.yaml (a NUL cannot stand in
     * either, so no two pairs of files give the same input) */
    gx_buf b = GX_BUF_INIT;
    gx_buf_put(&b, values ? values : "", values ? values_len : 0);
    gx_buf_putc(&b, '\0');
    gx_buf_put(&b, secrets ? secrets : "", secrets ? secrets_len : 0);
    char *hex = gx_arena_alloc(s->arena, GX_SHA256_HEX_LEN + 1);
    gx_sha256_hex(b.data, b.len, hex);
    gx_buf_free(&b);
    return hex;
}

const char *gx_core_revision(gx_session *s, gx_diags *diags)
{
    gx_loaded ld;
    if (!gx_core_load(s, false, &ld, diags))
        return NULL;
    return gx_loaded_revision(s, &ld);
}

const char *gx_loaded_revision(gx_session *s, gx_loaded *ld)
{
    if (!ld->revision)
        ld->revision = gx_core_revision_of(s, ld->values_text, ld->values_len,
                                           ld->secrets_text, ld->secrets_len);
    return ld->revision;
}

bool gx_core_value_text(const char *path, const char *where, char *text, size_t *len,
                        gx_diags *diags)
{
    if (*len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, where, 0, 0,
                     "save it without the byte order mark (plain UTF-8)",
                     "the value for %s starts with a byte order mark", path);
        return false;
    }
    if (strlen(text) != *len) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, where, 0, 0, NULL, "the file holds a NUL byte");
        return false;
    }
    int field = gx_field_find(path);
    gx_type type = field >= 0 ? gx_fields[field].type : GX_T_STRING;
    if (type != GX_T_MAP && type != GX_T_LIST && type != GX_T_YAML && *len &&
        text[*len - 1] == '\n') {
        text[--*len] = '\0';
        if (*len && text[*len - 1] == '\r')
            text[--*len] = '\0';
    }
    return true;
}

/* Reads a value file: any readable file — also a pipe, a process
 * substitution (/dev/fd/N) or /dev/stdin — of at most GX_VALUES_MAX_BYTES. */
static char *gx_read_value_file(gx_session *s, const char *file, size_t *len, gx_diags *diags)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, file, 0, 0, NULL, "cannot open the value file: %s",
                     strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        gx_diags_add(diags, GX_CODE_BAD_VALUE, file, 0, 0, NULL, "is a directory, not a file");
        return NULL;
    }
    gx_buf b = GX_BUF_INIT;
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            gx_diags_add(diags, GX_CODE_BAD_VALUE, file, 0, 0, NULL,
                         "cannot read the value file: %s", strerror(errno));
            break;
        }
        if (b.len + (size_t)n > GX_VALUES_MAX_BYTES) {
            gx_diags_add(diags, GX_CODE_BAD_VALUE, file, 0, 0, NULL,
                         "the value file is larger than %d bytes", GX_VALUES_MAX_BYTES);
            n = -1;
            break;
        }
        gx_buf_put(&b, chunk, (size_t)n);
    }
    close(fd);
    char *out = NULL;
    if (n == 0) {
        out = gx_arena_alloc(s->arena, b.len + 1);
        if (b.len)
            memcpy(out, b.data, b.len);
        out[b.len] = '\0';
        *len = b.len;
    }
    gx_buf_free(&b);
    return out;
}

const char *gx_core_assignment_from_file(gx_session *s, const char *assignment, gx_diags *diags)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment || !eq[1]) {
        gx_diags_add(diags, GX_CODE_BAD_VALUE, NULL, 0, 0, "write PATH=FILE",
                     "'%.80s' is not PATH=FILE", assignment);
        return NULL;
    }
    char *path = gx_arena_strndup(s->arena, assignment, (size_t)(eq - assignment));
    size_t len;
    char *data = gx_read_value_file(s, eq + 1, &len, diags);
    if (!data || !gx_core_value_text(path, eq + 1, data, &len, diags))
        return NULL;
    return gx_arena_printf(s->arena, "%s=%s", path, data);
}

/* ---- loading ------------------------------------------------------------------------ */

/* Reads the workspace file at path (missing is fine) into layer; its bytes
 * in *text and *len (NULL when missing). */
static bool gx_read_workspace_file(gx_session *s, const char *path, gx_layer *layer,
                                   const char **text, size_t *len, gx_diags *diags)
{
    *text = NULL;
    *len = 0;
    if (!gx_file_exists(path))
        return true;
    char *data;
    size_t n;
    size_t before = diags->count;
    if (!gx_file_read(s->arena, path, GX_VALUES_MAX_BYTES, &data, &n, diags)) {
        /* the size limit is the file's problem, not the operation's */
        for (size_t i = before; i < diags->count; i++)
            if (diags->items[i].code == GX_CODE_TOO_LARGE)
                diags->items[i].code = GX_CODE_FILE_TOO_LARGE;
        return false;
    }
    *text = data;
    *len = n;
    return gx_layer_read(s->arena, layer, data, n, diags);
}

bool gx_core_holds_credentials(int field, gx_value v)
{
    if (gx_fields[field].secret)
        return true;
    if (gx_fields[field].shape != GX_SHAPE_MCP_SERVERS || !v.node || v.node->kind != GX_NODE_SEQ)
        return false;
    for (size_t i = 0; i < v.node->count; i++) {
        const gx_node *server = v.node->items[i];
        if (!server || server->kind != GX_NODE_MAP)
            continue;
        const gx_node *auth = gx_node_get(server, "auth");
        const gx_node *env = gx_node_get(server, "env");
        if ((env && env->kind == GX_NODE_MAP && env->count) ||
            (auth && auth->kind == GX_NODE_MAP &&
             (gx_node_get(auth, "token") ||
              (gx_node_get(auth, "oauth") &&
               gx_node_get(gx_node_get(auth, "oauth"), "client_secret")))))
            return true;
    }
    return false;
}

/* Checks that values.yaml holds no secret and secrets.yaml nothing but
 * secrets (warnings: the next write moves them), and that no path is in
 * both (an error). */
static bool gx_check_split(const gx_loaded *ld, gx_diags *diags)
{
    bool ok = true;
    for (int f = 0; f < GX_FIELD_COUNT; f++) {
        const gx_field *fd = &gx_fields[f];
        gx_diag *d = NULL;
        if (ld->values->present[f] && ld->secrets->present[f]) {
            d = gx_diags_push(diags, GX_BLOCKING, GX_CODE_DUPLICATE_PATH, fd->path,
                              "%s is set in both values.yaml and secrets.yaml; keep one of them",
                              fd->path);
            if (d)
                d->hint = "a secret path belongs in secrets.yaml, every other path in values.yaml";
            ok = false;
        } else if (ld->values->present[f] &&
                   gx_core_holds_credentials(f, ld->values->value[f])) {
            d = gx_diags_push(diags, GX_WARNING, GX_CODE_SECRET_IN_VALUES, fd->path,
                              "values.yaml holds %s%s; the next change moves it to "
                              "secrets.yaml (mode 0600, not committed)",
                              fd->secret ? "the secret " : "credentials in ", fd->path);
            if (d) {
                d->file = ld->values->origin[f].file;
                d->line = ld->values->origin[f].line;
                d->col = ld->values->origin[f].col;
            }
        } else if (ld->secrets->present[f] &&
                   !gx_core_holds_credentials(f, ld->secrets->value[f])) {
            d = gx_diags_push(diags, GX_WARNING, GX_CODE_NOT_SECRET, fd->path,
                              "secrets.yaml holds %s, which is not secret; the next change "
                              "moves it to values.yaml",
                              fd->path);
            if (d) {
                d->file = ld->secrets->origin[f].file;
                d->line = ld->secrets->origin[f].line;
                d->col = ld->secrets->origin[f].col;
            }
        }
    }
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        if (ld->secrets->comp_present[c]) {
            gx_diag *d = gx_diags_push(diags, GX_WARNING, GX_CODE_NOT_SECRET, NULL,
                                       "secrets.yaml switches the component %s; the next change "
                                       "moves it to values.yaml",
                                       gx_components[c].name);
            if (d)
                d->file = ld->secrets->file;
        }
    return ok;
}

/* The -f files as one layer. They are read from the last (the highest
 * precedence) to the first, each in a scratch arena that is freed once the
 * values no later file sets are copied out (gx_layer_take): the memory is
 * that of the largest file plus the values that win, not the sum of all
 * files. Problems are reported in file order, each file up to the limit. */
static bool gx_core_load_overlays(gx_session *s, gx_layer **out, gx_diags *diags)
{
    size_t count = s->values_file_count;
    gx_layer *merged = gx_arena_alloc(s->arena, sizeof *merged);
    gx_layer_init(merged, GX_LAYER_OVERLAY, NULL);
    gx_diags *each = gx_xcalloc(count, sizeof *each);
    bool ok = true;
    for (size_t i = count; i-- > 0;) {
        each[i].limit = diags->limit;
        gx_arena *scratch = gx_arena_new();
        gx_layer *layer = gx_arena_alloc(scratch, sizeof *layer);
        gx_layer_init(layer, GX_LAYER_OVERLAY, s->values_files[i]);
        if (gx_layer_read_file(scratch, layer, s->values_files[i], false, &each[i]))
            gx_layer_take(s->arena, merged, layer);
        else
            ok = false;
        gx_arena_free(scratch);
    }
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; k < each[i].count; k++)
            gx_diags_append(diags, &each[i].items[k]);
        gx_diags_free(&each[i]);
    }
    free(each);
    *out = merged;
    return ok;
}

bool gx_core_load(gx_session *s, bool layers, gx_loaded *out, gx_diags *diags)
{
    memset(out, 0, sizeof *out);
    gx_arena *arena = s->arena;
    bool ok = true;
    size_t count = 3 + (layers ? s->values_file_count + (s->set_count ? 1 : 0) : 0);
    gx_layer **list = gx_arena_alloc(arena, count * sizeof *list);
    size_t n = 0;

    gx_layer *values = gx_arena_alloc(arena, sizeof *values);
    gx_layer *secrets = gx_arena_alloc(arena, sizeof *secrets);
    out->values_path = gx_core_path(s, GX_VALUES_FILE);
    out->secrets_path = gx_core_path(s, GX_SECRETS_FILE);
    gx_layer_init(values, GX_LAYER_VALUES, out->values_path);
    gx_layer_init(secrets, GX_LAYER_SECRETS, out->secrets_path);
    out->values = values;
    out->secrets = secrets;
    if (!gx_file_exists(out->values_path) && !gx_session_require_workspace(s, diags)) {
        ok = false;
    } else {
        ok = gx_read_workspace_file(s, out->values_path, values, &out->values_text,
                                    &out->values_len, diags);
        out->values_exists = out->values_text != NULL;
        ok = gx_read_workspace_file(s, out->secrets_path, secrets, &out->secrets_text,
                                    &out->secrets_len, diags) &&
             ok;
        ok = ok && gx_check_split(out, diags);
    }
    for (int f = 0; f < GX_FIELD_COUNT; f++)
        secrets->origin[f].kind = GX_LAYER_SECRETS;
    list[n++] = values;
    list[n++] = secrets;
    if (layers && s->reading && s->draft_count) {
        gx_layer *draft = gx_arena_alloc(arena, sizeof *draft);
        if (!gx_core_apply_draft(s, values, secrets, draft, diags))
            ok = false;
        list[n++] = draft;
    }

    if (layers && s->values_file_count && !gx_core_load_overlays(s, &list[n++], diags))
        ok = false;
    if (layers && s->set_count) {
        gx_layer *sets = gx_arena_alloc(arena, sizeof *sets);
        gx_layer_init(sets, GX_LAYER_SET, NULL);
        for (size_t i = 0; i < s->set_count; i++) {
            const char *arg = s->sets[i].text;
            if (!s->sets[i].from_file) {
                if (!gx_layer_set_arg(arena, sets, arg, diags))
                    ok = false;
                continue;
            }
            const char *joined = gx_core_assignment_from_file(s, arg, diags);
            if (!joined) {
                ok = false;
                continue;
            }
            if (!gx_layer_set_arg(arena, sets, joined, diags))
                ok = false;
        }
        list[n++] = sets;
    }
    if (ok) {
        out->model = gx_arena_alloc(arena, sizeof *out->model);
        gx_model_build(out->model, (const gx_layer *const *)list, n);
    }
    GX_HOOK("loaded", s->workspace);
    return ok;
}

bool gx_core_read(gx_session *s, gx_loaded *out, gx_diags *diags)
{
    if (!gx_core_lock(s, false, diags))
        return false;
    s->reading = true;
    bool ok = gx_core_load(s, true, out, diags);
    s->reading = false;
    gx_core_unlock(s);
    return ok;
}

void gx_core_locate_results(gx_diags *results, const gx_model *m)
{
    for (size_t i = 0; i < results->count; i++) {
        gx_diag *d = &results->items[i];
        if (!d->path || d->file)
            continue;
        int f = gx_field_find(d->path);
        if (f < 0)
            continue;
        const gx_origin *o = &m->origin[f];
        if ((o->kind == GX_LAYER_VALUES || o->kind == GX_LAYER_OVERLAY) && o->file) {
            d->file = o->file;
            d->line = o->line;
            d->col = o->col;
        }
    }
}

void gx_core_check_secrets_mode(gx_session *s, const gx_loaded *ld, gx_diags *out)
{
    (void)s;
    struct stat st;
    if (!ld->secrets_text || stat(ld->secrets_path, &st) != 0 || !(st.st_mode & 077))
        return;
    gx_diag *d = gx_diags_push(out, GX_WARNING, GX_CODE_SECRETS_MODE, NULL,
                               "secrets.yaml is readable by %s (mode %04o); it holds the "
                               "workspace's secrets",
                               st.st_mode & 007 ? "every user" : "its group",
                               (unsigned)(st.st_mode & 07777));
    if (d) {
        d->file = ld->secrets_path;
        d->hint = "make it readable by its owner only (chmod 600)";
    }
}

/* ---- the lock ----------------------------------------------------------------------- */

static void gx_core_lock_wait(void *ctx, int waited_ms)
{
    gx_session *s = ctx;
    if (waited_ms == 0)
        GX_HOOK("lock-wait", s->workspace);
    if (waited_ms < 1000)
        return;
    /* a second has passed: say who holds it */
    const char *holder = gx_lock_holder(s->arena, s->workspace);
    const char *space = holder ? strchr(holder, ' ') : NULL;
    if (space)
        gx_emit_status(&s->wait_sink,
                       "waiting for the workspace lock of %s: held by pid %.*s (%s)",
                       s->workspace, (int)(space - holder), holder, space + 1);
    else
        gx_emit_status(&s->wait_sink,
                       "waiting for the workspace lock of %s: another process is reading it",
                       s->workspace);
}

bool gx_core_lock(gx_session *s, bool exclusive, gx_diags *diags)
{
    if (s->lock_fd >= 0)
        return true;
    /* A reader of a directory that holds no workspace takes no lock: there is
     * nothing to protect, and the lock file would create .glyphoxa-deploy/ in
     * any directory a front end merely looked at. */
    if (!exclusive && !gx_session_has_workspace(s))
        return true;
    gx_diags tmp = GX_DIAGS_INIT;
    int fd = gx_lock_workspace_ex(s->workspace, exclusive, gx_core_lock_wait, s, &tmp);
    if (fd == GX_LOCK_NONE) {
        gx_diags_free(&tmp);
        return true; /* a read-only workspace: no one can change it */
    }
    if (fd < 0) {
        for (size_t i = 0; i < tmp.count; i++) {
            gx_diags_append(diags, &tmp.items[i]);
            if (diags->count)
                diags->items[diags->count - 1].code = GX_CODE_LOCK;
        }
        gx_diags_free(&tmp);
        return false;
    }
    gx_diags_free(&tmp);
    s->lock_fd = fd;
    s->lock_exclusive = exclusive;
    if (exclusive)
        gx_lock_note_holder(fd, s->client ? s->client : "glyphoxa-deploy");
    return true;
}

void gx_core_unlock(gx_session *s)
{
    if (s->lock_fd >= 0) {
        if (s->lock_exclusive)
            gx_lock_clear_holder(s->lock_fd);
        s->lock_exclusive = false;
        gx_unlock_workspace(s->lock_fd);
        s->lock_fd = -1;
    }
}

/* ---- events -------------------------------------------------------------------------- */

void gx_emit(const gx_sink *sink, const gx_event *ev)
{
    if (sink && sink->event)
        sink->event(sink->ctx, ev);
}

void gx_emit_diag(const gx_sink *sink, const gx_diag *d)
{
    gx_event ev = {.kind = GX_EV_DIAG, .diag = d};
    gx_emit(sink, &ev);
}

void gx_emit_diags(const gx_sink *sink, const gx_diags *diags, gx_event_kind kind)
{
    for (size_t i = 0; i < diags->count; i++) {
        gx_event ev = {.kind = kind, .diag = &diags->items[i]};
        gx_emit(sink, &ev);
    }
    if (diags->dropped) {
        gx_diag more = {.severity = GX_NOTE, .code = GX_CODE_GENERIC};
        char text[80];
        snprintf(text, sizeof text, "%zu more problem%s not shown", diags->dropped,
                 diags->dropped == 1 ? "" : "s");
        more.message = text;
        gx_event ev = {.kind = GX_EV_DIAG, .diag = &more};
        gx_emit(sink, &ev);
    }
}

void gx_emit_file(const gx_sink *sink, const char *path, unsigned mode, bool changed)
{
    gx_event ev = {.kind = GX_EV_FILE, .subject = path, .mode = mode, .changed = changed};
    gx_emit(sink, &ev);
}

void gx_emit_change(const gx_sink *sink, const char *what, const char *subject)
{
    gx_event ev = {.kind = GX_EV_CHANGE, .text = what, .len = strlen(what), .subject = subject};
    gx_emit(sink, &ev);
}

void gx_emit_status(const gx_sink *sink, const char *fmt, ...)
{
    if (!sink || !sink->event)
        return;
    char text[1024];
    GX_FORMAT_ARGS(text, fmt);
    gx_event ev = {.kind = GX_EV_STATUS, .text = text, .len = strlen(text)};
    gx_emit(sink, &ev);
}

void gx_emit_note(const gx_sink *sink, const char *fmt, ...)
{
    if (!sink || !sink->event)
        return;
    char text[1024];
    GX_FORMAT_ARGS(text, fmt);
    gx_diag d = {.severity = GX_NOTE, .code = GX_CODE_GENERIC, .message = text};
    gx_emit_diag(sink, &d);
}

void gx_emit_done(const gx_sink *sink, int status)
{
    gx_event ev = {.kind = GX_EV_DONE, .status = status};
    gx_emit(sink, &ev);
}

gx_status gx_status_of(const gx_diags *diags)
{
    return gx_diags_has_request_error(diags) ? GX_STATUS_BAD_REQUEST : GX_STATUS_FAILED;
}

gx_diags *gx_core_keep_diags(gx_session *s, const gx_diags *diags)
{
    gx_diags *kept = gx_arena_alloc(s->arena, sizeof *kept);
    memset(kept, 0, sizeof *kept);
    gx_diags_use_arena(kept, s->arena);
    kept->limit = GX_DIAGS_NO_LIMIT;
    for (size_t i = 0; i < diags->count; i++)
        gx_diags_append(kept, &diags->items[i]);
    kept->dropped = diags->dropped;
    return kept;
}
