/* gxg_tmpl_check — the template checker: a parsed template against the
 * schema. See gxg_tmpl.h (the phases) and templates/README.md (the rules).
 *
 * In order:
 *   1. the front matter: every key its kind needs, and values that fit
 *      together (a script is executable and holds no secrets, a file that
 *      always holds secrets is 0600, only manifests are streamed, ...);
 *   2. placement: yaml and block tags alone on their line or after "key:"
 *      (which sets their indentation and trims the text around them), and in
 *      YAML templates no value tag glued to other text;
 *   3. every expression: names (paths, derived values, components, loop
 *      variables), types for each use, enum choices; loop variables and their
 *      scope. The results (types, resolved names, comparison modes) are kept
 *      on the expression nodes for the emitter. */
#include "gxg_tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gxg_util.h"
#include "gx_text.h"

/* ---- 1. front matter ---------------------------------------------------------------- */

static const char *const gxg_kind_names[] = {
    [GX_FILE_MANIFEST] = "manifest",
    [GX_FILE_HELM_VALUES] = "helm-values",
    [GX_FILE_SCRIPT] = "script",
    [GX_FILE_KUSTOMIZATION] = "kustomization",
};

static void gxg_check_front(gxg_tmpl *t)
{
    gxg_front *f = &t->front;
    if (!f->present)
        return; /* reported by the parser */
    int line = f->line;
#define GXG_AT(key) f->at[key].line, f->at[key].col
#define GXG_HAVE(key) (f->at[key].set && !f->at[key].bad)
    for (int k = GXG_FM_KIND; k <= GXG_FM_SECRETS; k++)
        if (!f->at[k].set) {
            gxg_tmpl_error(t, line, 1, "the front matter has no '%s' (required)",
                           gxg_front_keys[k]);
        }
    if (!GXG_HAVE(GXG_FM_KIND))
        return;
    const char *kind = gxg_kind_names[f->kind];
    if ((f->kind == GX_FILE_SCRIPT) == t->yaml)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_KIND),
                       "kind %s does not fit a %s template: a .sh.tmpl is a script, a "
                       ".yaml.tmpl a manifest, helm-values or a kustomization",
                       kind, t->yaml ? ".yaml.tmpl" : ".sh.tmpl");
    /* stream: said for every manifest, for nothing else */
    if (f->kind == GX_FILE_MANIFEST && !f->at[GXG_FM_STREAM].set)
        gxg_tmpl_error(t, line, 1,
                       "the front matter has no 'stream': a manifest says whether it is in the "
                       "export --stdout stream (true or false)");
    if (f->kind != GX_FILE_MANIFEST && f->at[GXG_FM_STREAM].set)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_STREAM),
                       "'stream' is for manifests only: a file of kind %s is never in the "
                       "export --stdout stream",
                       kind);
    /* order: for what is applied */
    bool applied = f->kind == GX_FILE_MANIFEST || f->kind == GX_FILE_HELM_VALUES;
    if (applied && !f->at[GXG_FM_ORDER].set)
        gxg_tmpl_error(t, line, 1,
                       "the front matter has no 'order': a file of kind %s needs its apply "
                       "order",
                       kind);
    if (!applied && f->at[GXG_FM_ORDER].set)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_ORDER),
                       "'order' is for manifests and helm-values: a %s is not applied", kind);
    /* a kustomization lists what the manifests beside it are: known once they
     * are rendered, through derived/kustomize-resources */
    if (f->kind == GX_FILE_KUSTOMIZATION) {
        const gxg_derived *d = gxg_schema_derived(t->schema, "kustomize-resources");
        if (!d || d->type != GX_T_YAML)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_KIND),
                           "kind kustomization needs the schema's derived value "
                           "'derived/kustomize-resources' (yaml)");
        if (GXG_HAVE(GXG_FM_SECRETS) && f->secrecy != GX_SECRECY_NEVER)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_SECRETS),
                           "a kustomization never holds secrets: it lists file names");
    }
    if (GXG_HAVE(GXG_FM_MODE)) {
        if ((f->mode & 0400) == 0)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_MODE), "mode %04o: its owner cannot read it",
                           f->mode);
        else if (f->mode & 0022)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_MODE),
                           "mode %04o lets group or others write it (e.g. 0644)", f->mode);
        else if (f->kind == GX_FILE_SCRIPT && (f->mode & 0100) == 0)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_MODE),
                           "mode %04o: a script is executable by its owner (e.g. 0755)", f->mode);
        else if (f->kind != GX_FILE_SCRIPT && (f->mode & 0111))
            gxg_tmpl_error(t, GXG_AT(GXG_FM_MODE),
                           "mode %04o: a file of kind %s is not executable (e.g. 0644)", f->mode,
                           kind);
        else if (GXG_HAVE(GXG_FM_SECRETS) && f->secrecy == GX_SECRECY_ALWAYS &&
                 !f->sealable && (f->mode & 0077))
            gxg_tmpl_error(t, GXG_AT(GXG_FM_MODE),
                           "mode %04o: a file that always holds secrets is for its owner only "
                           "(0600)",
                           f->mode);
    }
    if (GXG_HAVE(GXG_FM_SECRETS) && f->secrecy != GX_SECRECY_NEVER &&
        f->kind == GX_FILE_SCRIPT)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_SECRETS),
                       "a script never holds secrets (they stay in 0600 files under generated/)");
    if (GXG_HAVE(GXG_FM_SECRETS) && f->secrecy == GX_SECRECY_WITH_CREDENTIALS) {
        const gxg_derived *d = gxg_schema_derived(t->schema, "config-is-secret");
        if (!d || d->type != GX_T_BOOL)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_SECRETS),
                           "secrets: with-credentials needs the schema's derived value "
                           "'derived/config-is-secret' (bool)");
    }
    if (f->sealable && GXG_HAVE(GXG_FM_SECRETS) && f->secrecy == GX_SECRECY_NEVER)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_SEALABLE),
                       "sealable: true is for a file that holds secrets; this one says "
                       "secrets: never");
    if (f->sealable) {
        const gxg_derived *d = gxg_schema_derived(t->schema, "sealed");
        if (!d || d->type != GX_T_BOOL)
            gxg_tmpl_error(t, GXG_AT(GXG_FM_SEALABLE),
                           "sealable: true needs the schema's derived value 'derived/sealed' "
                           "(bool)");
    }
    if (f->omit_without_secrets && GXG_HAVE(GXG_FM_SECRETS) &&
        f->secrecy == GX_SECRECY_NEVER)
        gxg_tmpl_error(t, GXG_AT(GXG_FM_OMIT_WITHOUT_SECRETS),
                       "omit-without-secrets: true is for a file that holds secrets; this one "
                       "says secrets: never");
#undef GXG_AT
#undef GXG_HAVE
}

/* ---- 2. placement --------------------------------------------------------------------- */


/* The template line `line` (1-based) starts with '#' after spaces: a comment. */
static bool gxg_comment_line(const gxg_tmpl *t, int line)
{
    const char *p = t->src, *end = t->src + t->len;
    for (int l = 1; l < line && p < end; p++)
        if (*p == '\n')
            l++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && *p == '#';
}

static void gxg_glue_error(gxg_tmpl *t, const gxg_seg *s, const char *what)
{
    gxg_tmpl_error(t, s->line, s->col,
                   "value tag glued to %s: in a YAML template a tag fills a whole scalar; build "
                   "the value inside the tag (e.g. {{ core/release-name ~ \"-gateway\" }})",
                   what);
}

static char *gxg_quote_text(const char *s, size_t len)
{
    if (len > 20)
        return gx_xasprintf("text '...%.*s'", 17, s + len - 17);
    return gx_xasprintf("text '%.*s'", (int)len, s);
}

/* The glue walks go from a value tag over the nodes beside it on its line,
 * following every way the if/for tags between could go. Results: */
enum { GXG_GLUE_OK, GXG_GLUE_BAD, GXG_GLUE_OPEN /* reached the limit undecided */ };

/* The branch tags of the group opened at o: o itself, its elifs and else, and
 * its end; count returned, -1 when the group is not matched. */
static long gxg_branches(const gxg_tmpl *t, long o, long *out, long cap)
{
    long close = t->nodes[o].closer;
    if (close < 0)
        return -1;
    long n = 0;
    out[n++] = o;
    for (long m = o + 1; m < close && n + 1 < cap; m++)
        if ((t->nodes[m].kind == GXG_N_ELIF || t->nodes[m].kind == GXG_N_ELSE) &&
            t->nodes[m].opener == o)
            out[n++] = m;
    out[n++] = close;
    return n;
}

static bool gxg_has_else(const gxg_tmpl *t, const long *br, long n)
{
    return n >= 2 && t->nodes[br[n - 2]].kind == GXG_N_ELSE;
}

static int gxg_glue_back(gxg_tmpl *t, const gxg_seg *tag, long j, long floor);
static int gxg_glue_fwd(gxg_tmpl *t, const gxg_seg *tag, long j, long ceil);

/* Walks every branch of the group opened at o (if or for), each between two
 * of its branch tags: forward from after a branch tag, or backward from
 * before the next one. GXG_GLUE_BAD when a branch is; GXG_GLUE_OPEN when the
 * walk must go on past the group (a loop, an if without else, or a branch
 * that stayed open); GXG_GLUE_OK otherwise, and for an unmatched group. */
static int gxg_glue_group(gxg_tmpl *t, const gxg_seg *tag, long o, bool fwd)
{
    long br[64];
    long n = gxg_branches(t, o, br, 64);
    if (n < 0)
        return GXG_GLUE_OK;
    bool open = t->nodes[o].kind == GXG_N_FOR || !gxg_has_else(t, br, n);
    for (long k = 1; k < n; k++) {
        int r = fwd ? gxg_glue_fwd(t, tag, br[k - 1] + 1, br[k])
                    : gxg_glue_back(t, tag, br[k] - 1, br[k - 1]);
        if (r == GXG_GLUE_BAD)
            return r;
        if (r == GXG_GLUE_OPEN)
            open = true;
    }
    return open ? GXG_GLUE_OPEN : GXG_GLUE_OK;
}

/* Backward from node j down to (not including) floor. Before a value tag may
 * stand: line start, "key:" or "- " (then white space). */
static int gxg_glue_back(gxg_tmpl *t, const gxg_seg *tag, long j, long floor)
{
    for (; j > floor; j--) {
        const gxg_node *a = &t->nodes[j];
        const gxg_seg *s = &a->seg;
        if (a->kind == GXG_N_TEXT) {
            if (a->dropped || gxg_ends_line(s))
                return GXG_GLUE_OK; /* line start */
            size_t n = s->len;
            while (n > 0 && (s->text[n - 1] == ' ' || s->text[n - 1] == '\t'))
                n--;
            if (n == 0) {
                if (s->col == 1)
                    return GXG_GLUE_OK;
                continue; /* only white space: look further back */
            }
            char last = s->text[n - 1];
            if (n < s->len && last == ':')
                return GXG_GLUE_OK;
            if (n < s->len && last == '-' && (n == 1 ? s->col == 1 : s->text[n - 2] == ' '))
                return GXG_GLUE_OK;
            char *q = gxg_quote_text(s->text, s->len);
            gxg_glue_error(t, tag, q);
            free(q);
            return GXG_GLUE_BAD;
        }
        if (s->end_line != tag->line)
            return GXG_GLUE_OK;
        switch (a->kind) {
        case GXG_N_VALUE:
        case GXG_N_YAML:
        case GXG_N_BLOCK:
            gxg_glue_error(t, tag, "the value tag before it");
            return GXG_GLUE_BAD;
        case GXG_N_ELIF:
        case GXG_N_ELSE:
            /* inside a later branch: the earlier ones print nothing here */
            if (a->opener < 0)
                return GXG_GLUE_OK;
            j = a->opener;
            break;
        case GXG_N_FOR:
            /* inside the loop body: the previous iteration's tail comes first */
            if (a->closer >= 0 && gxg_glue_back(t, tag, a->closer - 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_N_END: {
            int r = a->opener >= 0 ? gxg_glue_group(t, tag, a->opener, false) : GXG_GLUE_OK;
            if (r != GXG_GLUE_OPEN)
                return r;
            j = a->opener; /* then what stands before the whole group */
            break;
        }
        default:
            break; /* if (we were in its first branch), comments */
        }
    }
    return floor < 0 ? GXG_GLUE_OK : GXG_GLUE_OPEN;
}

/* Forward from node j up to (not including) ceil. After a value tag may
 * stand: end of line, ':' (the value is a key), or white space and a comment. */
static int gxg_glue_fwd(gxg_tmpl *t, const gxg_seg *tag, long j, long ceil)
{
    long nnodes = (long)t->nnodes;
    for (; j < nnodes && (ceil < 0 || j < ceil); j++) {
        const gxg_node *a = &t->nodes[j];
        const gxg_seg *s = &a->seg;
        if (a->kind == GXG_N_TEXT) {
            if (a->dropped)
                return GXG_GLUE_OK;
            size_t k = 0;
            while (k < s->len && (s->text[k] == ' ' || s->text[k] == '\t'))
                k++;
            if (k == s->len)
                continue; /* only white space before a tag on the same line */
            if (s->text[k] == '\n' || s->text[k] == '\r')
                return GXG_GLUE_OK;
            if (k > 0 && s->text[k] == '#')
                return GXG_GLUE_OK;
            if (k == 0 && s->text[0] == ':' &&
                (s->len == 1 || s->text[1] == ' ' || s->text[1] == '\n'))
                return GXG_GLUE_OK;
            size_t n = s->len;
            while (n > 0 && (s->text[n - 1] == '\n' || s->text[n - 1] == '\r'))
                n--;
            char *q = gxg_quote_text(s->text, n);
            gxg_glue_error(t, tag, q);
            free(q);
            return GXG_GLUE_BAD;
        }
        if (s->line != tag->end_line)
            return GXG_GLUE_OK;
        switch (a->kind) {
        case GXG_N_VALUE:
        case GXG_N_YAML:
        case GXG_N_BLOCK:
            gxg_glue_error(t, tag, "the value tag after it");
            return GXG_GLUE_BAD;
        case GXG_N_ELIF:
        case GXG_N_ELSE:
            /* the end of our branch: the group's end comes next */
            if (a->closer < 0)
                return GXG_GLUE_OK;
            j = a->closer;
            /* then as for the end itself */
            a = &t->nodes[j];
            if (a->opener >= 0 && t->nodes[a->opener].kind == GXG_N_FOR &&
                gxg_glue_fwd(t, tag, a->opener + 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_N_END:
            /* leaving a loop body: the next iteration may come first */
            if (a->opener >= 0 && t->nodes[a->opener].kind == GXG_N_FOR &&
                gxg_glue_fwd(t, tag, a->opener + 1, j) == GXG_GLUE_BAD)
                return GXG_GLUE_BAD;
            break;
        case GXG_N_IF:
        case GXG_N_FOR: {
            int r = gxg_glue_group(t, tag, j, true);
            if (r != GXG_GLUE_OPEN)
                return r;
            j = a->closer; /* then what follows the whole group */
            break;
        }
        default:
            break; /* comments */
        }
    }
    return ceil < 0 ? GXG_GLUE_OK : GXG_GLUE_OPEN;
}

static void gxg_check_glue(gxg_tmpl *t, size_t i)
{
    const gxg_seg *tag = &t->nodes[i].seg;
    if (gxg_glue_back(t, tag, (long)i - 1, -1) == GXG_GLUE_BAD)
        return;
    gxg_glue_fwd(t, tag, (long)i + 1, -1);
}

/* Length of a run of spaces and "- " groups at the start of s (the column a
 * key or a yaml value starts at). */
static size_t gxg_lead(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i + 1 < len && s[i] == '-' && s[i + 1] == ' ')
            i += 2;
        else
            return i; /* also "-" at the very end: not a dash group */
    }
}

/* yaml and block tags: alone on their line (after indentation and dashes) or
 * after "key:", and nothing after them on the line. Sets the tag's indent and
 * after_key, and trims the text around it. */
static void gxg_check_structured(gxg_tmpl *t, size_t i)
{
    gxg_node *a = &t->nodes[i];
    const gxg_seg *tag = &a->seg;
    const char *name = a->kind == GXG_N_YAML ? "yaml" : "block";
    if (!t->yaml) {
        gxg_tmpl_error(t, tag->line, tag->col,
                       "'%s' is for YAML templates; a shell template prints values as words",
                       name);
        return;
    }
    /* the text before the tag on its line */
    long p = (long)i - 1;
    gxg_node *pa = NULL;
    const char *prefix = "";
    size_t plen = 0;
    if (p >= 0) {
        const gxg_seg *ps = &t->nodes[p].seg;
        if (ps->kind == GXG_SEG_TEXT && !t->nodes[p].dropped && !gxg_ends_line(ps)) {
            if (ps->col != 1) {
                gxg_tmpl_error(t, tag->line, tag->col,
                               "'%s' must stand alone on its line or follow 'key:'", name);
                return;
            }
            pa = &t->nodes[p];
            prefix = ps->text;
            plen = ps->len;
        } else if (ps->kind != GXG_SEG_TEXT && ps->end_line == tag->line) {
            gxg_tmpl_error(t, tag->line, tag->col,
                           "'%s' must stand alone on its line or follow 'key:'", name);
            return;
        }
    }
    if (memchr(prefix, '\t', plen)) {
        gxg_tmpl_error(t, tag->line, tag->col, "tab in the indentation before '%s'", name);
        return;
    }
    size_t lead = gxg_lead(prefix, plen);
    size_t trimmed = plen;
    while (trimmed > 0 && prefix[trimmed - 1] == ' ')
        trimmed--;
    if (lead == plen) {
        if (a->kind == GXG_N_BLOCK) {
            gxg_tmpl_error(t, tag->line, tag->col, "'block' must follow 'key:' on its line");
            return;
        }
        a->indent = (int)lead;
        a->after_key = false;
    } else if (trimmed > lead + 1 && prefix[trimmed - 1] == ':') {
        a->indent = (int)lead;
        a->after_key = true;
        if (pa)
            pa->keep = trimmed; /* the buffer must end with "key:" */
    } else {
        gxg_tmpl_error(t, tag->line, tag->col,
                       "'%s' must stand alone on its line or follow 'key:'", name);
        return;
    }
    /* nothing after it on the line; its own output ends the line */
    if (i + 1 < t->nnodes) {
        gxg_node *na = &t->nodes[i + 1];
        const gxg_seg *ns = &na->seg;
        if (ns->kind != GXG_SEG_TEXT) {
            if (ns->line == tag->end_line) {
                gxg_tmpl_error(t, tag->line, tag->col,
                               "'%s' must be the last thing on its line", name);
                return;
            }
        } else if (!na->dropped) {
            if (!gx_is_blank(ns->text, ns->len) || (!gxg_ends_line(ns) && i + 2 < t->nnodes)) {
                gxg_tmpl_error(t, tag->line, tag->col,
                               "'%s' must be the last thing on its line", name);
                return;
            }
            na->head = ns->len; /* its trailing spaces and newline */
            na->keep = 0;
        }
    }
}

static void gxg_check_placement(gxg_tmpl *t)
{
    for (size_t i = 0; i < t->nnodes; i++) {
        gxg_node_kind k = t->nodes[i].kind;
        if (k == GXG_N_YAML || k == GXG_N_BLOCK)
            gxg_check_structured(t, i);
        else if (k == GXG_N_VALUE && t->yaml && !gxg_comment_line(t, t->nodes[i].seg.line))
            gxg_check_glue(t, i);
    }
}

/* ---- 3. names and types ------------------------------------------------------------------ */

typedef struct gxg_var {
    char *name; /* as written */
    char *c;    /* its C name */
} gxg_var;

typedef struct gxg_checker {
    gxg_tmpl *t;
    const gxg_schema *schema;
    gxg_var vars[32];
    size_t nvars;
} gxg_checker;

static gxg_ty gxg_ty_of(gx_type t)
{
    switch (t) {
    case GX_T_STRING:
    case GX_T_QUANTITY: return GXG_TY_STRING;
    case GX_T_INT: return GXG_TY_INT;
    case GX_T_BOOL: return GXG_TY_BOOL;
    case GX_T_ENUM: return GXG_TY_ENUM;
    case GX_T_MAP: return GXG_TY_MAP;
    case GX_T_LIST: return GXG_TY_LIST;
    case GX_T_YAML: return GXG_TY_YAML;
    }
    return GXG_TY_ERROR;
}

/* "a string", "an int": the type with its article, for messages. */
static const char *gxg_a_ty(gxg_ty t)
{
    static const char *const names[] = {"a string", "an int", "a bool", "an enum",
                                        "a map",    "a list", "a yaml value", "an error"};
    return names[t];
}

/* An expression as the template wrote it, for hints: a path, a name, or
 * "..." for anything longer. */
static const char *gxg_raw(const gxg_expr *e, char *buf, size_t size)
{
    const char *w = e->what ? e->what : "";
    size_t n = strlen(w);
    if (n >= 2 && w[0] == '\'' && w[n - 1] == '\'' && !strchr(w, ' ')) {
        snprintf(buf, size, "%.*s", (int)(n - 2), w + 1);
        return buf;
    }
    return "...";
}

static const gxg_var *gxg_find_var(const gxg_checker *c, const char *name)
{
    for (size_t i = c->nvars; i > 0; i--)
        if (strcmp(c->vars[i - 1].name, name) == 0)
            return &c->vars[i - 1];
    return NULL;
}

static void gxg_check_expr(gxg_checker *c, gxg_expr *e);

/* A name with '/': a schema path or derived/NAME. */
static void gxg_check_path(gxg_checker *c, gxg_expr *e)
{
    const gxg_schema *s = c->schema;
    const char *word = e->text;
    if (strncmp(word, "derived/", 8) == 0) {
        const gxg_derived *d = gxg_schema_derived(s, word + 8);
        if (!d) {
            gxg_near n;
            gxg_near_init(&n, word + 8);
            for (size_t i = 0; i < s->derived_count; i++)
                gxg_near_try(&n, s->derived[i].name);
            if (n.best)
                gxg_tmpl_error(c->t, e->line, e->col,
                               "unknown derived value '%s' (did you mean 'derived/%s'?)", word,
                               n.best);
            else
                gxg_tmpl_error(c->t, e->line, e->col,
                               "unknown derived value '%s' (declare it in the schema's "
                               "'derived:' section)",
                               word);
            return;
        }
        e->ty = gxg_ty_of(d->type);
        e->derived = d;
        e->what = gx_xasprintf("'%s'", word);
        return;
    }
    const gxg_field *f = gxg_schema_field(s, word);
    if (!f) {
        size_t wlen = strlen(word);
        for (size_t i = 0; i < s->field_count; i++)
            if (strncmp(s->fields[i].path, word, wlen) == 0 && s->fields[i].path[wlen] == '/') {
                gxg_tmpl_error(c->t, e->line, e->col,
                               "'%s' is a group of paths, not a value (e.g. '%s')", word,
                               s->fields[i].path);
                return;
            }
        gxg_near n;
        gxg_near_init(&n, word);
        for (size_t i = 0; i < s->field_count; i++)
            gxg_near_try(&n, s->fields[i].path);
        if (n.best)
            gxg_tmpl_error(c->t, e->line, e->col, "unknown path '%s' (did you mean '%s'?)", word,
                           n.best);
        else
            gxg_tmpl_error(c->t, e->line, e->col, "unknown path '%s'", word);
        return;
    }
    e->ty = gxg_ty_of(f->type);
    e->field = f;
    e->what = gx_xasprintf("'%s'", word);
}

/* The operand of '~' or a text comparison must have a text form; reports and
 * returns false otherwise (quietly for an expression in error). */
static bool gxg_check_text(gxg_checker *c, const gxg_expr *e, const char *op)
{
    switch (e->ty) {
    case GXG_TY_STRING:
    case GXG_TY_INT:
    case GXG_TY_BOOL:
    case GXG_TY_ENUM: return true;
    case GXG_TY_ERROR: return false;
    default:
        gxg_tmpl_error(c->t, e->line, e->col, "%s is %s: it cannot be %s", e->what,
                       gxg_a_ty(e->ty), op);
        return false;
    }
}

/* The expression is used as a condition: every type but an enum has a truth
 * value. Reports and returns false otherwise (quietly for one in error). */
static bool gxg_check_truth(gxg_checker *c, const gxg_expr *e)
{
    if (e->ty == GXG_TY_ENUM) {
        gxg_tmpl_error(c->t, e->line, e->col,
                       "%s is an enum and has no truth value: compare it (%s == \"%s\")",
                       e->what, e->field->path, e->field->choices[0]);
        return false;
    }
    return e->ty != GXG_TY_ERROR;
}

static char *gxg_choice_list(const gxg_field *f)
{
    char *list = gx_xasprintf("%s", "");
    for (size_t i = 0; i < f->choice_count; i++) {
        char *next = gx_xasprintf("%s%s%s", list, i ? ", " : "", f->choices[i]);
        free(list);
        list = next;
    }
    return list;
}

/* enum == "choice": the choice must exist. */
static void gxg_check_enum_cmp(gxg_checker *c, gxg_expr *e, size_t enum_side)
{
    const gxg_expr *en = e->kids[enum_side], *lit = e->kids[1 - enum_side];
    for (size_t i = 0; i < en->field->choice_count; i++)
        if (strcmp(en->field->choices[i], lit->lit) == 0) {
            e->ty = GXG_TY_BOOL;
            e->cmp = GXG_CMP_ENUM_CHOICE;
            e->enum_side = enum_side;
            e->choice = i;
            return;
        }
    char *list = gxg_choice_list(en->field);
    gxg_tmpl_error(c->t, lit->line, lit->col, "unknown choice \"%s\" for %s (choices: %s)",
                   lit->lit, en->what, list);
    free(list);
}

static void gxg_check_cmp(gxg_checker *c, gxg_expr *e)
{
    gxg_expr *a = e->kids[0], *b = e->kids[1];
    gxg_check_expr(c, a);
    gxg_check_expr(c, b);
    if (a->ty == GXG_TY_ERROR || b->ty == GXG_TY_ERROR)
        return;
    if (a->ty == GXG_TY_ENUM && b->lit)
        gxg_check_enum_cmp(c, e, 0);
    else if (b->ty == GXG_TY_ENUM && a->lit)
        gxg_check_enum_cmp(c, e, 1);
    else if (a->ty == GXG_TY_ENUM && b->ty == GXG_TY_ENUM && a->field == b->field) {
        e->ty = GXG_TY_BOOL;
        e->cmp = GXG_CMP_ENUM_ENUM;
    } else if ((a->ty == GXG_TY_STRING || a->ty == GXG_TY_ENUM) &&
               (b->ty == GXG_TY_STRING || b->ty == GXG_TY_ENUM)) {
        e->ty = GXG_TY_BOOL;
        e->cmp = GXG_CMP_TEXT;
    } else if ((a->ty == GXG_TY_INT && b->ty == GXG_TY_INT) ||
               (a->ty == GXG_TY_BOOL && b->ty == GXG_TY_BOOL)) {
        e->ty = GXG_TY_BOOL;
        e->cmp = GXG_CMP_VALUE;
    } else {
        gxg_tmpl_error(c->t, a->line, a->col, "cannot compare %s (%s) with %s (%s)", a->what,
                       gxg_a_ty(a->ty), b->what, gxg_a_ty(b->ty));
    }
    if (e->ty != GXG_TY_ERROR)
        e->what = gx_xasprintf("this comparison");
}

/* Resolves the names of e and its parts and sets their types; e->ty is
 * GXG_TY_ERROR after an error (reported once). */
static void gxg_check_expr(gxg_checker *c, gxg_expr *e)
{
    e->ty = GXG_TY_ERROR;
    switch (e->kind) {
    case GXG_X_STRING:
        e->ty = GXG_TY_STRING;
        e->lit = e->text;
        e->what = gx_xasprintf("%s", e->raw);
        break;
    case GXG_X_INT:
        e->ty = GXG_TY_INT;
        e->what = gx_xasprintf("'%s'", e->text);
        break;
    case GXG_X_NAME:
        if (strchr(e->text, '/')) {
            gxg_check_path(c, e);
        } else {
            const gxg_var *v = gxg_find_var(c, e->text);
            if (v) {
                e->ty = GXG_TY_STRING;
                e->var_c = v->c;
                e->what = gx_xasprintf("'%s'", e->text);
            } else {
                gxg_tmpl_error(c->t, e->line, e->col,
                               "unknown name '%s' (not a loop variable; schema paths have a "
                               "'/', e.g. 'core/%s')",
                               e->text, e->text);
            }
        }
        break;
    case GXG_X_COMPONENT: {
        int ci = gxg_schema_component(c->schema, e->text);
        if (ci < 0) {
            gxg_near near;
            gxg_near_init(&near, e->text);
            for (size_t i = 0; i < c->schema->component_count; i++)
                gxg_near_try(&near, c->schema->components[i].name);
            if (near.best)
                gxg_tmpl_error(c->t, e->name_line, e->name_col,
                               "unknown component '%s' (did you mean '%s'?)", e->text, near.best);
            else
                gxg_tmpl_error(c->t, e->name_line, e->name_col, "unknown component '%s'",
                               e->text);
            break;
        }
        e->ty = GXG_TY_BOOL;
        e->component = ci;
        e->what = gx_xasprintf("'component %s'", e->text);
        break;
    }
    case GXG_X_PAREN: {
        gxg_expr *in = e->kids[0];
        gxg_check_expr(c, in);
        e->ty = in->ty;
        e->what = in->what ? gx_xasprintf("%s", in->what) : NULL;
        e->lit = in->lit;
        e->field = in->field;
        break;
    }
    case GXG_X_CAT: {
        bool bad = false;
        for (size_t i = 0; i < e->nkids; i++) {
            gxg_check_expr(c, e->kids[i]);
            if (!gxg_check_text(c, e->kids[i], "joined with '~'"))
                bad = true;
        }
        if (!bad) {
            e->ty = GXG_TY_STRING;
            e->what = gx_xasprintf("this '~' expression");
        }
        break;
    }
    case GXG_X_EQ:
    case GXG_X_NE:
        gxg_check_cmp(c, e);
        break;
    case GXG_X_NOT:
        gxg_check_expr(c, e->kids[0]);
        if (gxg_check_truth(c, e->kids[0])) {
            e->ty = GXG_TY_BOOL;
            e->what = gx_xasprintf("this 'not' expression");
        }
        break;
    case GXG_X_AND:
    case GXG_X_OR: {
        bool bad = false;
        for (size_t i = 0; i < e->nkids; i++) {
            gxg_check_expr(c, e->kids[i]);
            if (!gxg_check_truth(c, e->kids[i]))
                bad = true;
        }
        if (!bad) {
            e->ty = GXG_TY_BOOL;
            e->what = gx_xasprintf("this '%s' expression", e->kind == GXG_X_AND ? "and" : "or");
        }
        break;
    }
    }
}

static void gxg_push_var(gxg_checker *c, gxg_node *n, size_t k)
{
    const gxg_tok *t = &n->vars[k];
    char *name = gx_xstrndup(t->text, t->len);
    char *id = gxg_ident(name, false);
    n->var_c[k] = gx_xasprintf("gxv_%s", id);
    free(id);
    if (gxg_find_var(c, name))
        gxg_tmpl_error(c->t, t->line, t->col, "loop variable '%s' is already in use", name);
    if (c->nvars == sizeof c->vars / sizeof c->vars[0]) {
        gxg_tmpl_error(c->t, t->line, t->col, "loops nested too deeply");
        free(name);
        return;
    }
    c->vars[c->nvars].name = name;
    c->vars[c->nvars].c = n->var_c[k];
    c->nvars++;
}

static void gxg_check_block(gxg_checker *c, const gxg_block *b);

static void gxg_check_node(gxg_checker *c, gxg_node *n)
{
    char raw[256];
    gxg_expr *e = n->expr;
    switch (n->kind) {
    case GXG_N_VALUE:
        if (!e)
            break;
        gxg_check_expr(c, e);
        if (e->ty == GXG_TY_MAP || e->ty == GXG_TY_LIST || e->ty == GXG_TY_YAML)
            gxg_tmpl_error(c->t, e->line, e->col,
                           "%s is %s: print it with {{ yaml %s }} (a value tag prints a scalar)",
                           e->what, gxg_a_ty(e->ty), gxg_raw(e, raw, sizeof raw));
        break;
    case GXG_N_YAML:
        if (!e)
            break;
        gxg_check_expr(c, e);
        if (e->ty != GXG_TY_ERROR && e->ty != GXG_TY_MAP && e->ty != GXG_TY_LIST &&
            e->ty != GXG_TY_YAML)
            gxg_tmpl_error(c->t, e->line, e->col,
                           "'yaml' needs a map, list or yaml value; %s is %s (print it with "
                           "{{ %s }})",
                           e->what, gxg_a_ty(e->ty), gxg_raw(e, raw, sizeof raw));
        break;
    case GXG_N_BLOCK:
        if (!e)
            break;
        gxg_check_expr(c, e);
        if (e->ty != GXG_TY_ERROR && e->ty != GXG_TY_STRING)
            gxg_tmpl_error(c->t, e->line, e->col, "'block' needs a string; %s is %s", e->what,
                           gxg_a_ty(e->ty));
        break;
    case GXG_N_IF:
        for (gxg_node *br = n; br; br = br->next_branch) {
            if (br->expr) {
                gxg_check_expr(c, br->expr);
                gxg_check_truth(c, br->expr);
            }
            gxg_check_block(c, &br->body);
        }
        break;
    case GXG_N_FOR: {
        size_t before = c->nvars;
        if (e) {
            gxg_check_expr(c, e);
            if (e->ty == GXG_TY_MAP && n->nvars == 1)
                gxg_tmpl_error(c->t, e->line, e->col,
                               "%s is a map: loop over it with two names (for k, v in %s)",
                               e->what, gxg_raw(e, raw, sizeof raw));
            else if (e->ty == GXG_TY_LIST && n->nvars == 2)
                gxg_tmpl_error(c->t, e->line, e->col,
                               "%s is a list: loop over it with one name (for x in %s)", e->what,
                               gxg_raw(e, raw, sizeof raw));
            else if (e->ty != GXG_TY_ERROR && e->ty != GXG_TY_MAP && e->ty != GXG_TY_LIST)
                gxg_tmpl_error(c->t, e->line, e->col, "'for' needs a list or a map; %s is %s",
                               e->what, gxg_a_ty(e->ty));
        }
        for (size_t k = 0; k < n->nvars; k++)
            gxg_push_var(c, n, k);
        gxg_check_block(c, &n->body);
        while (c->nvars > before) {
            c->nvars--;
            free(c->vars[c->nvars].name);
        }
        break;
    }
    default:
        break;
    }
}

static void gxg_check_block(gxg_checker *c, const gxg_block *b)
{
    for (size_t i = 0; i < b->count; i++)
        gxg_check_node(c, b->items[i]);
}

void gxg_tmpl_check(gxg_tmpl *t)
{
    gxg_check_front(t);
    gxg_check_placement(t);
    gxg_checker c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.schema = t->schema;
    gxg_check_block(&c, &t->root);
    while (c.nvars > 0)
        free(c.vars[--c.nvars].name);
}
