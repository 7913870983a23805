#include "gx_run.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ---- environment -------------------------------------------------------- */

/* The value of name in env, or NULL. */
static const char *gx_run_env_get(const char *const *env, const char *name)
{
    if (!env)
        return NULL;
    size_t len = strlen(name);
    for (size_t i = 0; env[i]; i++)
        if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
            return env[i] + len + 1;
    return NULL;
}

/* Length of the NAME in "NAME=VALUE", or 0 when entry is not of that form. */
static size_t gx_run_env_name_len(const char *entry)
{
    size_t i = 0;
    if (!(entry[0] == '_' || (entry[0] >= 'A' && entry[0] <= 'Z') ||
          (entry[0] >= 'a' && entry[0] <= 'z')))
        return 0;
    for (i = 1; entry[i] && entry[i] != '='; i++) {
        char c = entry[i];
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9')))
            return 0;
    }
    return entry[i] == '=' ? i : 0;
}

typedef struct gx_run_envb {
    gx_arena *arena;
    const char **items;
    size_t count, cap;
} gx_run_envb;

/* Adds entry, whose name is its first len bytes, replacing an entry of the
 * same name in place (so the operator's order is kept). */
static void gx_run_envb_put_len(gx_run_envb *b, const char *entry, size_t len)
{
    for (size_t i = 0; i < b->count; i++)
        if (strncmp(b->items[i], entry, len + 1) == 0) {
            b->items[i] = entry;
            return;
        }
    if (b->count + 1 < b->cap) /* always true: cap counts every possible entry */
        b->items[b->count++] = entry;
}

/* Adds "NAME=VALUE" (already formatted), replacing an entry of the same name. */
static void gx_run_envb_put(gx_run_envb *b, const char *entry)
{
    size_t len = gx_run_env_name_len(entry);
    if (len > 0)
        gx_run_envb_put_len(b, entry, len);
}

static void gx_run_envb_set(gx_run_envb *b, const char *name, const char *value)
{
    gx_run_envb_put(b, gx_arena_printf(b->arena, "%s=%s", name, value ? value : ""));
}

/* list (a ':'-separated KUBECONFIG) with every relative entry made absolute
 * against the current directory; list itself when nothing is relative or the
 * current directory is unknown. */
static const char *gx_run_abs_list(gx_arena *arena, const char *list)
{
    bool relative = false;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ":");
        if (n > 0 && p[0] != '/')
            relative = true;
        p += n + (p[n] == ':');
    }
    char cwd[PATH_MAX];
    if (!relative || !getcwd(cwd, sizeof cwd))
        return list;
    size_t entries = 1, used = 0;
    for (const char *p = list; *p; p++)
        entries += *p == ':';
    size_t cap = strlen(list) + entries * (strlen(cwd) + 1) + 1;
    char *out = gx_arena_alloc(arena, cap);
    for (const char *p = list;;) {
        size_t n = strcspn(p, ":");
        if (n > 0 && p[0] != '/')
            used += (size_t)snprintf(out + used, cap - used, "%s/", cwd);
        used += (size_t)snprintf(out + used, cap - used, "%.*s", (int)n, p);
        if (p[n] != ':')
            break;
        out[used++] = ':';
        out[used] = '\0';
        p += n + 1;
    }
    return out;
}

const char **gx_run_build_env(gx_arena *arena, const gx_run_env_spec *spec,
                              const char *const *parent_env)
{
    size_t extra = 0, nparent = 0;
    if (spec->extra)
        while (spec->extra[extra])
            extra++;
    if (parent_env)
        while (parent_env[nparent])
            nparent++;
    gx_run_envb b = {arena, NULL, 0, nparent + 2 + 7 + extra + 1};
    b.items = gx_arena_alloc(arena, b.cap * sizeof *b.items);

    /* the operator's environment, unchanged (entries without a name are no
     * environment variables and are left out) */
    for (size_t i = 0; i < nparent; i++) {
        const char *eq = strchr(parent_env[i], '=');
        if (eq && eq != parent_env[i])
            gx_run_envb_put_len(&b, gx_arena_strdup(arena, parent_env[i]),
                                (size_t)(eq - parent_env[i]));
    }
    const char *path = spec->path ? spec->path : gx_run_env_get(parent_env, "PATH");
    gx_run_envb_set(&b, "PATH", path ? path : GX_RUN_DEFAULT_PATH);

    /* KUBECONFIG: the one given, else the operator's; relative entries are
     * made absolute here, because the child runs in the workspace */
    const char *kubeconfig = spec->kubeconfig;
    if (kubeconfig && kubeconfig[0])
        kubeconfig = gx_run_abs_list(arena, kubeconfig);
    if (kubeconfig) {
        gx_run_envb_set(&b, "KUBECONFIG", kubeconfig);
    } else {
        const char *v = gx_run_env_get(parent_env, "KUBECONFIG");
        if (v && v[0])
            gx_run_envb_set(&b, "KUBECONFIG", gx_run_abs_list(arena, v));
    }

    gx_run_envb_set(&b, "GX_TARGET", spec->target);
    gx_run_envb_set(&b, "GX_KUBECTL", spec->kubectl ? spec->kubectl : "kubectl");
    gx_run_envb_set(&b, "GX_HELM", spec->helm ? spec->helm : "helm");
    gx_run_envb_set(&b, "GX_KUBECONFIG", kubeconfig);
    gx_run_envb_set(&b, "GX_CONTEXT", spec->context);
    gx_run_envb_set(&b, "GX_DRY_RUN", spec->dry_run ? "1" : "0");
    gx_run_envb_put(&b, gx_arena_printf(arena, "GX_TIMEOUT=%d", spec->timeout_seconds));

    for (size_t i = 0; i < extra; i++)
        gx_run_envb_put(&b, gx_arena_strdup(arena, spec->extra[i]));
    b.items[b.count] = NULL;
    return b.items;
}

/* ---- executable lookup -------------------------------------------------- */

static bool gx_run_is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Writes dir/name (dir "" meaning the current directory) made absolute into
 * out; false when it does not fit. */
static bool gx_run_join_abs(const char *dir, size_t dirlen, const char *name, char *out,
                            size_t outlen)
{
    char cwd[PATH_MAX];
    int n;
    if (dirlen > 0 && dir[0] == '/') {
        n = snprintf(out, outlen, "%.*s/%s", (int)dirlen, dir, name);
    } else {
        if (!getcwd(cwd, sizeof cwd))
            return false;
        if (dirlen > 0)
            n = snprintf(out, outlen, "%s/%.*s/%s", cwd, (int)dirlen, dir, name);
        else
            n = snprintf(out, outlen, "%s/%s", cwd, name);
    }
    return n >= 0 && (size_t)n < outlen;
}

bool gx_run_find_executable(const char *name_or_path, const char *path_env, char *out,
                            size_t outlen)
{
    if (outlen > 0)
        out[0] = '\0';
    if (!name_or_path || !name_or_path[0] || outlen == 0)
        return false;
    if (strchr(name_or_path, '/')) {
        bool ok = name_or_path[0] == '/'
                      ? (size_t)snprintf(out, outlen, "%s", name_or_path) < outlen
                      : gx_run_join_abs("", 0, name_or_path, out, outlen);
        if (ok && gx_run_is_executable(out))
            return true;
        out[0] = '\0';
        return false;
    }
    const char *p = path_env ? path_env : GX_RUN_DEFAULT_PATH;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (gx_run_join_abs(p, len, name_or_path, out, outlen) && gx_run_is_executable(out))
            return true;
        if (!colon)
            break;
        p = colon + 1;
    }
    out[0] = '\0';
    return false;
}
