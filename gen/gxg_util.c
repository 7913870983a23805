/* gxg_util — shared helpers of gxgen. See gxg_util.h. */
#include "gxg_util.h"
#include "gx_text.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *gxg_ident(const char *text, bool upper)
{
    char *d = gx_xstrdup(text);
    for (char *p = d; *p; p++) {
        if (*p == '-' || *p == '/' || *p == '.' || *p == ' ')
            *p = '_';
        else
            *p = (char)(upper ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
    }
    return d;
}

bool gxg_read_file(const char *path, char **data, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = gx_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    bool ok = !ferror(fp);
    fclose(fp);
    if (!ok) {
        fprintf(stderr, "%s: error: read error\n", path);
        free(buf);
        return false;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

void gxg_names_add(gxg_names *n, char *s)
{
    if (n->count == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 32;
        n->items = gx_xrealloc(n->items, n->cap * sizeof *n->items);
    }
    n->items[n->count++] = s;
}

static bool gxg_walk(const char *dir, const char *rel, const char *skip_first,
                     const char *suffix, gxg_names *out)
{
    char *path = rel[0] ? gx_xasprintf("%s/%s", dir, rel) : gx_xasprintf("%s", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "gxgen: cannot read %s: %s\n", path, strerror(errno));
        free(path);
        return false;
    }
    bool ok = true;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.' || (ent->d_name[0] && strchr(skip_first, ent->d_name[0])))
            continue;
        char *sub = rel[0] ? gx_xasprintf("%s/%s", rel, ent->d_name) : gx_xasprintf("%s", ent->d_name);
        char *full = gx_xasprintf("%s/%s", dir, sub);
        struct stat st;
        if (stat(full, &st) != 0) {
            fprintf(stderr, "gxgen: cannot stat %s: %s\n", full, strerror(errno));
            ok = false;
            free(sub);
        } else if (S_ISDIR(st.st_mode)) {
            ok = gxg_walk(dir, sub, skip_first, suffix, out) && ok;
            free(sub);
        } else {
            size_t len = strlen(sub), slen = suffix ? strlen(suffix) : 0;
            if (S_ISREG(st.st_mode) && (!suffix || (len > slen && strcmp(sub + len - slen, suffix) == 0)))
                gxg_names_add(out, sub);
            else
                free(sub);
        }
        free(full);
    }
    closedir(d);
    free(path);
    return ok;
}

static int gxg_cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool gxg_list_tree(const char *dir, const char *skip_first, const char *suffix,
                   gxg_names *out)
{
    bool ok = gxg_walk(dir, "", skip_first ? skip_first : "", suffix, out);
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, gxg_cmp_names);
    return ok;
}

void gxg_near_init(gxg_near *n, const char *query)
{
    n->query = query;
    n->best = NULL;
    n->dist = SIZE_MAX;
    size_t len = strlen(query);
    n->limit = len * 2 / 5 > 3 ? len * 2 / 5 : 3;
}

void gxg_near_try(gxg_near *n, const char *candidate)
{
    size_t d = gx_edit_distance(n->query, candidate);
    /* a query that is a prefix of a candidate's last part ("replicas" for
     * "replica-count") counts as close too */
    size_t qlen = strlen(n->query);
    bool prefix = qlen >= 4 && strncmp(candidate, n->query, qlen - 1) == 0;
    if (d < n->dist && (d <= n->limit || prefix)) {
        n->best = candidate;
        n->dist = d;
    }
}
