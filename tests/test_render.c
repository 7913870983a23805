/* test_render — the template compiler (gxgen on bad and good fixture
 * templates, bad policy values in the schema), the render runtime, the
 * compiled-in templates and policy tables (front matter, targets,
 * components), and export (modes, stale files, atomicity, --out, --stdout,
 * --no-secrets, the record).
 *
 * Fixtures:
 *   tests/templates-bad/NAME.{yaml,sh,...}.tmpl — one bad template each; line 1
 *     is "{{# expect LINE:COL: MESSAGE-PREFIX }}" (0:0 for a file-level error).
 *     Each is compiled alone; gxgen must exit 1 and print
 *     "generated/NAME:LINE:COL: error: MESSAGE-PREFIX..." (scripts/ for .sh).
 *     The front-*.tmpl fixtures test the front matter; the others have none
 *     (their lines are as they were before front matter existed), so gxgen
 *     also reports that, at the line after the comment.
 *   tests/templates-fixture/ — good templates; compiled by gxgen, the C it
 *     writes is built with -Wall -Wextra -Werror together with a small driver
 *     and the render runtime, and the outputs of three configurations are
 *     compared byte for byte with tests/templates-fixture/expected/ (GX_BLESS=1
 *     rewrites them, on purpose only), then parsed back (YAML) or run (bash).
 *
 * Environment: GX_GXGEN overrides the compiled-in generator; CC names the C
 * compiler for the fixture driver (default cc). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gx_arena.h"
#include "gx_buf.h"
#include "gx_diag.h"
#include "gx_export.h"
#include "gx_files.h"
#include "gx_hash.h"
#include "gx_node.h"
#include "gx_policy.h"
#include "gx_render.h"
#include "gx_renderset.h"
#include "gx_schema.h"
#include "gx_templates.h"

#ifndef GX_GXGEN
#define GX_GXGEN "gxgen"
#endif

/* ---- helpers ------------------------------------------------------------------- */

static const char *gxgen_path(void)
{
    const char *s = getenv("GX_GXGEN");
    return s && *s ? s : GX_GXGEN;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    return s;
}

static char *temp_dir(void)
{
    char *t = strdup("/tmp/gx-test-render-XXXXXX");
    assert_non_null(mkdtemp(t));
    return t;
}

static void remove_tree(const char *path)
{
    gx_diags d = GX_DIAGS_INIT;
    gx_remove_tree(path, &d);
    gx_diags_free(&d);
}

static void make_dirs(const char *path)
{
    gx_diags d = GX_DIAGS_INIT;
    assert_true(gx_mkdir_p(path, 0755, &d));
    gx_diags_free(&d);
}

/* The whole file, NUL-terminated (NULL when it cannot be read). */
static char *slurp(const char *path, size_t *len) { return gx_test_read_file(path, len); }

static void spit(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Runs argv with stdout and stderr sent to files; the exit status, or -1. */
static int run(char *const argv[], const char *out_file, const char *err_file)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0)
            _exit(126);
        dup2(o, 1);
        dup2(e, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names in dir that end in suffix (NULL-terminated, malloc'd). */
static char **list_dir(const char *dir, const char *suffix, size_t *count)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (e->d_name[0] == '.' || len < sl || strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        names = realloc(names, (n + 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    if (names)
        names[n] = NULL;
    *count = n;
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static unsigned file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

/* ---- the compiler on bad templates ------------------------------------------------ */

static void test_bad_templates(void **state)
{
    (void)state;
    char *bad_dir = xprintf("%s/tests/templates-bad", gx_test_source_dir());
    char *schema = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    size_t n;
    char **names = list_dir(bad_dir, ".tmpl", &n);
    assert_true(n >= 20);
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = xprintf("%s/%s", bad_dir, names[i]);
        char *text = slurp(path, NULL);
        assert_non_null(text);
        /* {{# expect LINE:COL: MESSAGE }} */
        int line = -1, col = -1, used = 0;
        assert_true(strncmp(text, "{{# expect ", 11) == 0);
        assert_int_equal(sscanf(text + 11, "%d:%d: %n", &line, &col, &used), 2);
        const char *msg = text + 11 + used;
        const char *close = strstr(msg, " }}");
        assert_non_null(close);
        char *message = strndup(msg, (size_t)(close - msg));

        char *tmp = temp_dir();
        bool shell = strstr(names[i], ".sh.tmpl") != NULL;
        const char *sub = shell ? "scripts" : "generated";
        char *tdir = xprintf("%s/t/%s", tmp, sub);
        char *odir = xprintf("%s/out", tmp);
        make_dirs(tdir);
        make_dirs(odir);
        char *copy = xprintf("%s/%s", tdir, names[i]);
        spit(copy, text, strlen(text));
        char *troot = xprintf("%s/t", tmp);
        char *outf = xprintf("%s/stdout", tmp), *errf = xprintf("%s/stderr", tmp);
        char *argv[] = {(char *)gxgen_path(), schema, troot, odir, NULL};
        int rc = run(argv, outf, errf);
        char *err = slurp(errf, NULL);
        char *want = line > 0 ? xprintf("%s/%s:%d:%d: error: %s", sub, names[i], line, col, message)
                              : xprintf("%s/%s: error: %s", sub, names[i], message);
        char *gx_c = xprintf("%s/gx_templates.c", odir);
        bool ok = rc == 1 && err && strstr(err, want) != NULL && !file_exists(gx_c);
        if (!ok) {
            print_error("%s: exit %d, wanted 1 and a message containing\n  %s\ngot:\n%s\n",
                        names[i], rc, want, err ? err : "(no stderr)");
            failures++;
        }
        free(gx_c);
        free(want);
        free(err);
        free(outf);
        free(errf);
        free(troot);
        free(copy);
        remove_tree(tmp);
        free(tdir);
        free(odir);
        free(tmp);
        free(message);
        free(text);
        free(path);
    }
    free_list(names, n);
    free(bad_dir);
    free(schema);
    assert_int_equal(failures, 0);
}

/* The real templates compile (the build proved that already) and the same
 * sources compiled twice give the same bytes. */
static void test_compile_is_deterministic(void **state)
{
    (void)state;
    char *schema = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    char *tdir = xprintf("%s/templates", gx_test_source_dir());
    char *tmp = temp_dir();
    char *o1 = xprintf("%s/one", tmp), *o2 = xprintf("%s/two", tmp);
    make_dirs(o1);
    make_dirs(o2);
    char *outf = xprintf("%s/stdout", tmp), *errf = xprintf("%s/stderr", tmp);
    char *web = xprintf("%s/web", gx_test_source_dir());
    char *a1[] = {(char *)gxgen_path(), schema, tdir, o1, web, NULL};
    char *a2[] = {(char *)gxgen_path(), schema, tdir, o2, web, NULL};
    assert_int_equal(run(a1, outf, errf), 0);
    assert_int_equal(run(a2, outf, errf), 0);
    static const char *const files[] = {"gx_schema.h",    "gx_schema.c",  "gx_patterns.re",
                                        "gx_templates.h", "gx_templates.c", "gx_policy.h",
                                        "gx_policy.c",    "gx_assets.h",  "gx_assets.c"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p1 = xprintf("%s/%s", o1, files[i]), *p2 = xprintf("%s/%s", o2, files[i]);
        size_t l1, l2;
        char *t1 = slurp(p1, &l1), *t2 = slurp(p2, &l2);
        assert_non_null(t1);
        assert_non_null(t2);
        assert_int_equal(l1, l2);
        assert_memory_equal(t1, t2, l1);
        /* a banner, and no date or time in it; a version guard */
        assert_true(strncmp(t1, "/* ", 3) == 0 && strstr(t1, "generated by gxgen") != NULL);
        if (strcmp(files[i], "gx_patterns.re") != 0)
            assert_true(strstr(t1, "_VERSION") != NULL);
        free(t1);
        free(t2);
        free(p1);
        free(p2);
    }
    remove_tree(tmp);
    free(outf);
    free(errf);
    free(o1);
    free(o2);
    free(tmp);
    free(tdir);
    free(web);
    free(schema);
}

/* Runs gxgen on schema with a template folder holding files[] (pairs of a
 * path below it and its text; a path under "web/" goes to a web folder,
 * given to gxgen when there is one); returns the exit status, *err its
 * stderr, and *assets_h (when not NULL) the gx_assets.h written. */
static int gxgen_run(const char *schema, const char *const *files, size_t n, char **err,
                     char **assets_h)
{
    char *tmp = temp_dir();
    char *troot = xprintf("%s/t", tmp), *odir = xprintf("%s/out", tmp);
    char *web = NULL;
    make_dirs(odir);
    for (size_t i = 0; i + 1 < n; i += 2) {
        bool is_web = strncmp(files[i], "web/", 4) == 0;
        if (is_web && !web)
            web = xprintf("%s/web", tmp);
        char *path = is_web ? xprintf("%s/%s", tmp, files[i]) : xprintf("%s/%s", troot, files[i]);
        char *dir = strdup(path);
        *strrchr(dir, '/') = '\0';
        make_dirs(dir);
        spit(path, files[i + 1], strlen(files[i + 1]));
        free(dir);
        free(path);
    }
    make_dirs(troot);
    char *outf = xprintf("%s/stdout", tmp), *errf = xprintf("%s/stderr", tmp);
    char *argv[] = {(char *)gxgen_path(), (char *)schema, troot, odir, web, NULL};
    int rc = run(argv, outf, errf);
    *err = slurp(errf, NULL);
    if (assets_h) {
        char *h = xprintf("%s/gx_assets.h", odir);
        *assets_h = slurp(h, NULL);
        free(h);
    }
    char *gx_c = xprintf("%s/gx_templates.c", odir), *gx_s = xprintf("%s/gx_schema.c", odir);
    if (rc != 0) /* a failed run leaves no output behind */
        assert_true(!file_exists(gx_c) && !file_exists(gx_s));
    free(gx_c);
    free(gx_s);
    remove_tree(tmp);
    free(outf);
    free(errf);
    free(troot);
    free(odir);
    free(web);
    free(tmp);
    return rc;
}

static int gxgen_on(const char *schema, const char *const *files, size_t n, char **err)
{
    return gxgen_run(schema, files, n, err, NULL);
}

/* The asset embedder: every file below web/ with a known extension, sorted by
 * path; an unknown extension or a path that is not plain fails the build. */
static void test_web_assets_checked(void **state)
{
    (void)state;
    char *schema = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    static const char *const good[] = {
        "web/z.txt", "last\n", "web/css/app.css", "body {}\n", "web/a.js", "",
    };
    char *err = NULL, *h = NULL;
    assert_int_equal(gxgen_run(schema, good, 6, &err, &h), 0);
    assert_non_null(h);
    const char *a = strstr(h, "a.js "), *c = strstr(h, "css/app.css "), *z = strstr(h, "z.txt ");
    assert_true(a && c && z && a < c && c < z);
    assert_non_null(strstr(h, "#define GX_ASSET_COUNT 3\n"));
    free(err);
    free(h);
    static const struct {
        const char *path, *want;
    } bad[] = {
        {"web/notes.md", "web/notes.md: error: no content type for this extension"},
        {"web/Makefile", "web/Makefile: error: no content type for this extension"},
        {"web/a b.txt", "web/a b.txt: error: a web asset's path is made of [A-Za-z0-9._-]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *files[] = {bad[i].path, "x\n"};
        assert_int_equal(gxgen_on(schema, files, 2, &err), 1);
        if (!err || !strstr(err, bad[i].want))
            print_error("wanted\n  %s\ngot:\n%s\n", bad[i].want, err ? err : "(no stderr)");
        assert_non_null(err);
        assert_non_null(strstr(err, bad[i].want));
        free(err);
    }
    free(schema);
}

/* What concerns several templates: two applied files with one order. */
static void test_duplicate_order(void **state)
{
    (void)state;
    char *schema = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    static const char *const files[] = {
        "generated/a.yaml.tmpl",
        "---\nkind: manifest\nmode: 0644\nsecrets: never\nstream: true\norder: 10\n---\na: 1\n",
        "generated/b.yaml.tmpl",
        "---\nkind: helm-values\nmode: 0600\nsecrets: always\norder: 10\n---\nb: 1\n",
    };
    char *err = NULL;
    assert_int_equal(gxgen_on(schema, files, 4, &err), 1);
    const char *want = "generated/b.yaml.tmpl:5:8: error: order 10 is also the order of "
                       "generated/a.yaml";
    if (!err || !strstr(err, want))
        print_error("wanted\n  %s\ngot:\n%s\n", want, err ? err : "(no stderr)");
    assert_non_null(err);
    assert_non_null(strstr(err, want));
    free(err);
    /* distinct orders compile */
    static const char *const good[] = {
        "generated/a.yaml.tmpl",
        "---\nkind: manifest\nmode: 0644\nsecrets: never\nstream: true\norder: 10\n---\na: 1\n",
        "generated/b.yaml.tmpl",
        "---\nkind: helm-values\nmode: 0600\nsecrets: always\norder: 20\n---\nb: 1\n",
    };
    assert_int_equal(gxgen_on(schema, good, 4, &err), 0);
    free(err);
    free(schema);
}

/* A bad value in the schema's components or targets fails the build with
 * schema:LINE:COL. Each case replaces one line of the real schema. */
static void test_bad_schema_policy(void **state)
{
    (void)state;
    char *real = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    size_t len;
    char *text = slurp(real, &len);
    assert_non_null(text);
    static const struct {
        const char *from, *to;
        const char *want; /* after "LINE:COL: error: " */
    } cases[] = {
        {"    helm: with-infrastructure\n", "    helm: sometimes\n",
         "helm: 'sometimes' is not one of never, always, optional, with-infrastructure"},
        {"    kubectl: always\n    helm: always\n", "    helm: always\n",
         "'kubectl' is required: never, always, optional or with-infrastructure"},
        {"    options: [delete-namespace, uninstall-sealed-secrets]\n",
         "    options: [--delete-namespace]\n",
         "option '--delete-namespace' must be a name of [a-z0-9-] without '--'"},
        {"    options: [delete-namespace, uninstall-sealed-secrets]\n",
         "    options: delete-namespace\n", "options must be a sequence of option names"},
        {"    infrastructure: true\n", "    infrastructure: maybe\n", "expected true or false"},
    };
    char *tmp = temp_dir();
    char *schema = xprintf("%s/schema.yaml", tmp);
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *at = strstr(text, cases[i].from);
        assert_non_null(at);
        size_t before = (size_t)(at - text), flen = strlen(cases[i].from);
        char *mutated = xprintf("%.*s%s%s", (int)before, text, cases[i].to, at + flen);
        spit(schema, mutated, strlen(mutated));
        int line = 1;
        for (const char *p = text; p < at; p++)
            line += *p == '\n';
        char *err = NULL;
        int rc = gxgen_on(schema, NULL, 0, &err);
        /* the error names the schema, a line near the change and a column */
        char *prefix = xprintf("%s:", schema);
        const char *hit = err ? strstr(err, cases[i].want) : NULL;
        const char *loc = err ? strstr(err, prefix) : NULL;
        int eline = 0, ecol = 0;
        if (loc)
            sscanf(loc + strlen(prefix), "%d:%d", &eline, &ecol);
        if (rc != 1 || !hit || eline < line - 8 || eline > line + 1 || ecol < 1) {
            print_error("case %zu: exit %d, wanted 1 and %s:%d:COL: ... %s\ngot:\n%s\n", i, rc,
                        schema, line, cases[i].want, err ? err : "(no stderr)");
            failures++;
        }
        free(prefix);
        free(err);
        free(mutated);
    }
    remove_tree(tmp);
    free(schema);
    free(tmp);
    free(text);
    free(real);
    assert_int_equal(failures, 0);
}

/* ---- the compiler on good templates: build, render, compare ------------------------ */

static const char *const hostile =
    "it's \"q\" $(echo pwned) `x` #c: y\nline2\ttab \\ end ";

static const char driver_source[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "#include <sys/stat.h>\n"
    "#include \"gx_arena.h\"\n"
    "#include \"gx_node.h\"\n"
    "#include \"gx_render.h\"\n"
    "#include \"gx_schema.h\"\n"
    "#include \"gx_templates.h\"\n"
    "static void put(const char *dir, int v, const char *output, const gx_buf *b)\n"
    "{\n"
    "    char path[4096];\n"
    "    snprintf(path, sizeof path, \"%s/%c/%s\", dir, 'a' + v, output);\n"
    "    for (char *p = path + strlen(dir) + 1; *p; p++)\n"
    "        if (*p == '/') { *p = 0; mkdir(path, 0755); *p = '/'; }\n"
    "    FILE *fp = fopen(path, \"wb\");\n"
    "    if (!fp || fwrite(b->data ? b->data : \"\", 1, b->len, fp) != b->len || fclose(fp))\n"
    "        exit(3);\n"
    "}\n"
    "static const char *pulls[] = {\"0123\", \"- dash\", \"plain\"};\n"
    "static const char *keys[] = {\"a/b\", \"k\"};\n"
    "static const char *vals[] = {\"on\", \"null\"};\n"
    "static const char tol[] = \"- key: a\\n  operator: Exists\\n  tolerationSeconds: 30\\n\"\n"
    "    \"- {key: \\\"yes\\\", value: '007'}\\n\";\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    if (argc != 3) return 2;\n"
    "    gx_arena *arena = gx_arena_new();\n"
    "    gx_diags diags = GX_DIAGS_INIT;\n"
    "    gx_node *tolerations = NULL;\n"
    "    if (!gx_node_parse(arena, \"tol\", tol, strlen(tol), &tolerations, &diags)) return 4;\n"
    "    for (int v = 0; v < 3; v++) {\n"
    "        struct gx_config cfg;\n"
    "        gx_config_set_defaults(&cfg, v == 0 ? GX_CORE_TOPOLOGY_DEDICATED : GX_CORE_TOPOLOGY_SHARED);\n"
    "        if (v == 0) {\n"
    "            cfg.core.topology = GX_CORE_TOPOLOGY_DEDICATED;\n"
    "            cfg.core.release_name = \"yes\";\n"
    "            cfg.core.namespace = argv[2];\n"
    "            cfg.gateway.replica_count = 7;\n"
    "            cfg.core.create_namespace = true;\n"
    "            cfg.core.tier_scheduling = true;\n"
    "            cfg.core.image_pull_secrets = (gx_list){3, pulls};\n"
    "            cfg.gateway.node_selector = (gx_map){2, keys, vals};\n"
    "            cfg.gateway.tolerations = tolerations;\n"
    "            cfg.config.campaign.system = \"line one\\n  indented two\\n\\nthree\";\n"
    "            cfg.config.campaign.name = \" leading space\";\n"
    "        } else if (v == 1) {\n"
    "            cfg.core.create_namespace = false;\n"
    "            cfg.core.tier_scheduling = true;\n"
    "            cfg.gateway.replica_count = 1;\n"
    "            cfg.enabled[GX_C_MCP_GATEWAY] = false;\n"
    "            cfg.config.campaign.system = \"ends with a newline\\n\";\n"
    "            cfg.config.campaign.name = \"trailing space \\nx\";\n"
    "        } else {\n"
    "            cfg.core.create_namespace = false;\n"
    "            cfg.core.tier_scheduling = false;\n"
    "            cfg.enabled[GX_C_AUTOSCALING] = true;\n"
    "            cfg.enabled[GX_C_MCP_GATEWAY] = true;\n"
    "            cfg.config.campaign.system = \"\";\n"
    "            cfg.config.campaign.name = \"two newlines\\n\\n\";\n"
    "        }\n"
    "        struct gx_derived derived;\n"
    "        memset(&derived, 0, sizeof derived);\n"
    "        for (size_t i = 0; i < gx_template_count; i++) {\n"
    "            gx_render r;\n"
    "            memset(&r, 0, sizeof r);\n"
    "            r.cfg = &cfg;\n"
    "            r.derived = &derived;\n"
    "            r.arena = arena;\n"
    "            gx_render_template(&r, &gx_template_table[i]);\n"
    "            put(argv[1], v, gx_template_table[i].output, &r.out);\n"
    "            gx_buf_free(&r.out);\n"
    "        }\n"
    "    }\n"
    "    gx_diags_free(&diags);\n"
    "    gx_arena_free(arena);\n"
    "    return 0;\n"
    "}\n";

static const char *const fixture_outputs[] = {
    "generated/blank.yaml", "generated/control.yaml", "generated/escape.yaml",
    "scripts/escape.sh",
};

/* Compiles tests/templates-fixture into tmp/gen, builds the driver into
 * tmp/driver and renders into tmp/render/{a,b,c}. */
static void build_and_render_fixture(const char *tmp)
{
    char *schema = xprintf("%s/schema/glyphoxa.schema.yaml", gx_test_source_dir());
    char *tdir = xprintf("%s/tests/templates-fixture", gx_test_source_dir());
    char *gen = xprintf("%s/gen", tmp);
    char *outf = xprintf("%s/stdout", tmp), *errf = xprintf("%s/stderr", tmp);
    make_dirs(gen);
    char *gargv[] = {(char *)gxgen_path(), schema, tdir, gen, NULL};
    int rc = run(gargv, outf, errf);
    if (rc != 0) {
        char *err = slurp(errf, NULL);
        print_error("gxgen on the fixture failed (%d):\n%s\n", rc, err ? err : "");
        free(err);
    }
    assert_int_equal(rc, 0);

    char *driver_c = xprintf("%s/driver.c", tmp);
    spit(driver_c, driver_source, strlen(driver_source));
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    char *inc_gen = xprintf("-I%s", gen);
    /* the runtime the compiled templates need: render, yaml and base layers */
    static const char *const runtime[] = {"render/gx_render.c", "yaml/gx_yamlout.c",
                                          "yaml/gx_shell.c",    "base/gx_buf.c",
                                          "base/gx_arena.c",    "yaml/gx_node.c",
                                          "base/gx_diag.c"};
    enum { NRUNTIME = sizeof runtime / sizeof runtime[0] };
    static const char *const layers[] = {"base", "yaml", "render"};
    const char *cargv[32];
    size_t n = 0;
    char *driver = xprintf("%s/driver", tmp);
    char *tmpl_c = xprintf("%s/gx_templates.c", gen), *schema_c = xprintf("%s/gx_schema.c", gen);
    const char *fixed[] = {cc, "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror", "-O0"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        cargv[n++] = fixed[i];
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++)
        cargv[n++] = xprintf("-I%s/src/%s", gx_test_source_dir(), layers[i]);
    cargv[n++] = inc_gen;
    cargv[n++] = "-o";
    cargv[n++] = driver;
    cargv[n++] = driver_c;
    cargv[n++] = tmpl_c;
    cargv[n++] = schema_c;
    for (size_t i = 0; i < NRUNTIME; i++)
        cargv[n++] = xprintf("%s/src/%s", gx_test_source_dir(), runtime[i]);
    cargv[n++] = "-lyaml";
    cargv[n++] = "-lnettle";
    cargv[n] = NULL;
    rc = run((char **)cargv, outf, errf);
    if (rc != 0) {
        char *err = slurp(errf, NULL);
        print_error("building the fixture driver failed (%d):\n%s\n", rc, err ? err : "");
        free(err);
    }
    assert_int_equal(rc, 0);

    char *render = xprintf("%s/render", tmp);
    make_dirs(render);
    char *dargv[] = {driver, render, (char *)hostile, NULL};
    assert_int_equal(run(dargv, outf, errf), 0);

    for (size_t i = 7; i < n; i++) /* the -I options and file names built here */
        if (strncmp(cargv[i], "-I", 2) == 0 || strstr(cargv[i], "/src/"))
            if (cargv[i] != inc_gen)
                free((char *)cargv[i]);
    free(render);
    free(driver);
    free(tmpl_c);
    free(schema_c);
    free(inc_gen);
    free(driver_c);
    free(outf);
    free(errf);
    free(gen);
    free(tdir);
    free(schema);
}

static void test_fixture_golden(void **state)
{
    (void)state;
    char *tmp = temp_dir();
    build_and_render_fixture(tmp);
    bool bless = getenv("GX_BLESS") && strcmp(getenv("GX_BLESS"), "1") == 0;
    int failures = 0;
    for (int v = 0; v < 3; v++)
        for (size_t i = 0; i < sizeof fixture_outputs / sizeof fixture_outputs[0]; i++) {
            char *got_path = xprintf("%s/render/%c/%s", tmp, 'a' + v, fixture_outputs[i]);
            char *want_path = xprintf("%s/tests/templates-fixture/expected/%c/%s", gx_test_source_dir(),
                                      'a' + v, fixture_outputs[i]);
            size_t gl, wl;
            char *got = slurp(got_path, &gl);
            assert_non_null(got);
            if (bless) {
                char *dir = strdup(want_path);
                *strrchr(dir, '/') = '\0';
                make_dirs(dir);
                free(dir);
                spit(want_path, got, gl);
            }
            char *want = slurp(want_path, &wl);
            if (!want || wl != gl || memcmp(got, want, gl) != 0) {
                print_error("%s differs from %s (GX_BLESS=1 rewrites it)\n--- got:\n%s\n",
                            got_path, want_path, got);
                failures++;
            }
            free(want);
            free(got);
            free(got_path);
            free(want_path);
        }
    /* control lines leave nothing: the blank template's output is empty */
    for (int v = 0; v < 2; v++) {
        char *p = xprintf("%s/render/%c/generated/blank.yaml", tmp, 'a' + v);
        size_t len;
        char *t = slurp(p, &len);
        assert_int_equal(len, 0);
        free(t);
        free(p);
    }
    remove_tree(tmp);
    free(tmp);
    assert_int_equal(failures, 0);
}

static const gx_node *get(const gx_node *map, const char *key)
{
    const gx_node *n = gx_node_get(map, key);
    if (!n)
        print_error("no key '%s'\n", key);
    assert_non_null(n);
    return n;
}

static void assert_scalar(const gx_node *n, const char *text, bool plain)
{
    assert_int_equal(n->kind, GX_NODE_SCALAR);
    assert_int_equal(n->len, strlen(text));
    assert_memory_equal(n->text, text, n->len);
    assert_int_equal(n->plain, plain);
}

static void test_fixture_parse_back(void **state)
{
    (void)state;
    char *tmp = temp_dir();
    build_and_render_fixture(tmp);
    char *path = xprintf("%s/render/a/generated/escape.yaml", tmp);
    size_t len;
    char *text = slurp(path, &len);
    assert_non_null(text);
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_node *root = NULL;
    bool parsed = gx_node_parse(arena, path, text, len, &root, &diags);
    if (!parsed)
        gx_diags_print(&diags, stderr);
    assert_true(parsed);
    assert_int_equal(root->kind, GX_NODE_MAP);
    assert_scalar(get(root, "name"), "yes", false);
    assert_scalar(get(root, "namespace"), hostile, false);
    assert_scalar(get(root, "joined"), "yes-7-true-dedicated", true);
    assert_scalar(get(root, "count"), "7", true);
    assert_scalar(get(root, "flag"), "true", true);
    assert_scalar(get(root, "topology"), "dedicated", true);
    assert_scalar(get(root, "dedicated"), "true", true);
    const gx_node *pulls = get(root, "pulls");
    assert_int_equal(pulls->kind, GX_NODE_SEQ);
    assert_int_equal(pulls->count, 3);
    assert_scalar(pulls->items[0], "0123", false);
    assert_scalar(pulls->items[1], "- dash", false);
    assert_scalar(pulls->items[2], "plain", true);
    const gx_node *sel = get(root, "selector");
    assert_int_equal(sel->kind, GX_NODE_MAP);
    assert_scalar(get(sel, "a/b"), "on", false);
    assert_scalar(get(sel, "k"), "null", false);
    const gx_node *spec = get(root, "spec");
    const gx_node *tol = get(spec, "tolerations");
    assert_int_equal(tol->kind, GX_NODE_SEQ);
    assert_int_equal(tol->count, 2);
    assert_scalar(get(tol->items[0], "tolerationSeconds"), "30", true);
    assert_scalar(get(tol->items[1], "key"), "yes", false);
    assert_scalar(get(tol->items[1], "value"), "007", false);
    const gx_node *nested = get(spec, "nested");
    assert_int_equal(nested->kind, GX_NODE_SEQ);
    assert_int_equal(nested->count, 2);
    assert_int_equal(get(nested->items[0], "items")->count, 3);
    assert_int_equal(nested->items[1]->kind, GX_NODE_MAP);
    assert_scalar(get(nested->items[1], "a/b"), "on", false);
    const gx_node *bare = get(spec, "bare");
    assert_int_equal(bare->kind, GX_NODE_SEQ);
    assert_int_equal(bare->count, 2);
    assert_scalar(get(root, "system"), "line one\n  indented two\n\nthree", false);
    assert_scalar(get(root, "campaign"), " leading space", false);
    /* the literal block form was used where it can hold the text exactly */
    assert_non_null(strstr(text, "system: |-\n  line one\n    indented two\n\n  three\n"));
    free(text);
    free(path);

    /* variants b and c: "|" with one final newline, quoted fallbacks */
    static const struct {
        char v;
        const char *system, *campaign;
    } more[] = {{'b', "ends with a newline\n", "trailing space \nx"},
                {'c', "", "two newlines\n\n"}};
    for (size_t i = 0; i < 2; i++) {
        path = xprintf("%s/render/%c/generated/escape.yaml", tmp, more[i].v);
        text = slurp(path, &len);
        assert_non_null(text);
        root = NULL;
        assert_true(gx_node_parse(arena, path, text, len, &root, &diags));
        assert_scalar(get(root, "system"), more[i].system, false);
        assert_scalar(get(root, "campaign"), more[i].campaign, false);
        free(text);
        free(path);
    }

    /* the shell script prints exactly the values */
    char *script = xprintf("%s/render/a/scripts/escape.sh", tmp);
    char *outf = xprintf("%s/sh.out", tmp), *errf = xprintf("%s/sh.err", tmp);
    char *argv[] = {"bash", script, NULL};
    assert_int_equal(run(argv, outf, errf), 0);
    char *out = slurp(outf, &len);
    char *want = xprintf("yes\n%s\n7\ntrue\ndedicated\n%s/yes\n--namespace=%s\n0123\n- dash\nplain\n",
                         hostile, hostile, hostile);
    assert_string_equal(out, want);
    free(want);
    free(out);
    free(outf);
    free(errf);
    free(script);

    gx_diags_free(&diags);
    gx_arena_free(arena);
    remove_tree(tmp);
    free(tmp);
}

/* ---- the render runtime ------------------------------------------------------------ */

static void render_init(gx_render *r, gx_arena *arena, gx_tmpl_context ctx)
{
    memset(r, 0, sizeof *r);
    r->arena = arena;
    r->context = ctx;
}

static void test_runtime_scalars(void **state)
{
    (void)state;
    gx_arena *arena = gx_arena_new();
    gx_render r;
    render_init(&r, arena, GX_CTX_YAML);
    gx_render_str(&r, "plain");
    gx_render_text(&r, " ", 1);
    gx_render_str(&r, "no");
    gx_render_text(&r, " ", 1);
    gx_render_str(&r, NULL);
    gx_render_text(&r, " ", 1);
    gx_render_int(&r, -42);
    gx_render_text(&r, " ", 1);
    gx_render_bool(&r, true);
    assert_string_equal(r.out.data, "plain \"no\" \"\" -42 true");
    gx_buf_free(&r.out);

    render_init(&r, arena, GX_CTX_SHELL);
    gx_render_str(&r, "it's");
    gx_render_text(&r, " ", 1);
    gx_render_str(&r, NULL);
    gx_render_text(&r, " ", 1);
    gx_render_int(&r, 8080);
    gx_render_text(&r, " ", 1);
    gx_render_bool(&r, false);
    assert_string_equal(r.out.data, "'it'\\''s' '' '8080' 'false'");
    gx_buf_free(&r.out);

    const char *parts[] = {"a", NULL, gx_render_itoa(&r, INT64_MIN), "-z"};
    assert_string_equal(gx_render_concat(&r, 4, parts), "a-9223372036854775808-z");
    assert_string_equal(gx_render_concat(&r, 0, parts), "");
    assert_true(gx_render_streq(NULL, ""));
    assert_false(gx_render_streq("a", "b"));
    assert_false(gx_render_str_truthy(NULL));
    assert_false(gx_render_str_truthy(""));
    assert_true(gx_render_str_truthy("x"));
    assert_string_equal(gx_render_choice(&gx_fields[GX_F_CORE_TOPOLOGY], 1), "dedicated");
    assert_string_equal(gx_render_choice(&gx_fields[GX_F_CORE_TOPOLOGY], 7), "");
    assert_string_equal(gx_render_choice(&gx_fields[GX_F_CORE_TOPOLOGY], -1), "");
    assert_true(gx_render_blank(" \n\t\r\n", 5));
    assert_true(gx_render_blank("", 0));
    assert_false(gx_render_blank(" x ", 3));
    gx_arena_free(arena);
}

static void test_runtime_truthy_nodes(void **state)
{
    (void)state;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    static const struct {
        const char *yaml;
        bool truthy;
    } cases[] = {{"[]", false}, {"{}", false}, {"~", false}, {"null", false}, {"''", true},
                 {"[a]", true}, {"{a: b}", true}, {"0", true}, {"x", true}};
    assert_false(gx_render_node_truthy(NULL));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gx_node *n = NULL;
        assert_true(gx_node_parse(arena, "t", cases[i].yaml, strlen(cases[i].yaml), &n, &diags));
        assert_int_equal(gx_render_node_truthy(n), cases[i].truthy);
    }
    gx_diags_free(&diags);
    gx_arena_free(arena);
}

/* gx_render_block gives back exactly its input through a YAML reader, as a
 * literal block when it can. */
static void test_runtime_block(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool literal;
    } cases[] = {
        {"one line", true},
        {"a\nb", true},
        {"a\n  more indented\n\nc", true},
        {"ends in newline\n", true},
        {"key: value\n- item\n# comment\n---\n...", true},
        {"héllo ✓", true},
        {"tab\tinside", true},
        {"", false},
        {" leading space", false},
        {"\tleading tab", false},
        {"\nleading newline", false},
        {"two newlines\n\n", false},
        {"\n", false},
        {"trailing space \nx", false},
        {"last line trailing ", false},
        {"blank line with spaces\n   \nx", false},
        {"bell\a", false},
        {"cr\r\nlf", false},
        {"nel\xc2\x85", false},
        {"ls\xe2\x80\xa8", false},
        {"bom\xef\xbb\xbf", false},
        {"bad utf-8 \xff", false},
    };
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].text;
        assert_int_equal(gx_render_block_ok(s, strlen(s)), cases[i].literal);
        for (int indent = 0; indent <= 4; indent += 4) {
            gx_render r;
            render_init(&r, arena, GX_CTX_YAML);
            gx_buf_indent(&r.out, indent);
            gx_render_text(&r, "outer:\n", 7);
            gx_buf_indent(&r.out, indent + 2);
            gx_render_text(&r, "key:", 4);
            gx_render_block(&r, s, indent + 2);
            gx_buf_indent(&r.out, indent + 2);
            gx_render_text(&r, "after: 1\n", 9);
            bool literal = strstr(r.out.data, "key: |") != NULL;
            assert_int_equal(literal, cases[i].literal);
            gx_node *root = NULL;
            if (strstr(s, "\xff")) { /* not representable byte for byte: only check it parses */
                assert_true(gx_node_parse(arena, "b", r.out.data, r.out.len, &root, &diags));
                gx_buf_free(&r.out);
                continue;
            }
            bool ok = gx_node_parse(arena, "b", r.out.data, r.out.len, &root, &diags);
            if (!ok) {
                gx_diags_print(&diags, stderr);
                print_error("case %zu:\n%s", i, r.out.data);
            }
            assert_true(ok);
            const gx_node *outer = gx_node_get(root, "outer");
            assert_non_null(outer);
            const gx_node *v = gx_node_get(outer, "key");
            assert_non_null(v);
            assert_int_equal(v->len, strlen(s));
            assert_memory_equal(v->text, s, v->len);
            assert_non_null(gx_node_get(outer, "after"));
            gx_buf_free(&r.out);
        }
    }
    gx_diags_free(&diags);
    gx_arena_free(arena);
}

/* ---- the compiled-in templates -------------------------------------------------- */

static void all_on(struct gx_config *cfg, int topology)
{
    gx_config_set_defaults(cfg, topology);
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        cfg->enabled[c] = true;
}

/* No output of the real templates keeps a line of only white space (what a
 * control tag's indentation would leave) or trailing white space in YAML. */
static void test_real_templates_leave_no_residue(void **state)
{
    (void)state;
    gx_diags diags = GX_DIAGS_INIT;
    for (int variant = 0; variant < 3; variant++) {
        struct gx_config cfg;
        if (variant == 0)
            all_on(&cfg, GX_CORE_TOPOLOGY_DEDICATED);
        else
            gx_config_set_defaults(&cfg, variant == 1 ? GX_CORE_TOPOLOGY_SHARED
                                                      : GX_CORE_TOPOLOGY_DEDICATED);
        gx_render_set set;
        gx_render_set_init(&set, NULL, 0);
        assert_int_equal(set.count, gx_template_count);
        assert_true(gx_render_set_run(&set, &cfg, variant == 2, &diags));
        for (size_t i = 0; i < set.count; i++) {
            const gx_rendered *it = &set.items[i];
            const char *s = it->text.data ? it->text.data : "";
            size_t len = it->text.len;
            size_t line_start = 0;
            for (size_t k = 0; k <= len; k++) {
                if (k < len && s[k] != '\n')
                    continue;
                size_t n = k - line_start;
                bool ws_only = n > 0;
                for (size_t m = line_start; m < k; m++)
                    if (s[m] != ' ' && s[m] != '\t')
                        ws_only = false;
                bool trailing = n > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t');
                if (ws_only || (trailing && it->tmpl->context == GX_CTX_YAML)) {
                    print_error("%s (variant %d): white space left at byte %zu\n",
                                it->tmpl->output, variant, line_start);
                    fail();
                }
                line_start = k + 1;
            }
            if (!it->skipped)
                assert_true(len > 0 && s[len - 1] == '\n');
        }
        gx_render_set_free(&set);
    }
    gx_diags_free(&diags);
}

/* Every YAML document the real templates render parses, and a namespace that
 * YAML readers would take for a bool comes back as the string. */
static void test_real_templates_parse_back(void **state)
{
    (void)state;
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    all_on(&cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg.core.namespace = "no";
    cfg.core.release_name = "on";
    gx_render_set set;
    gx_render_set_init(&set, NULL, 0);
    assert_true(gx_render_set_run(&set, &cfg, false, &diags));
    size_t with_namespace = 0;
    for (size_t i = 0; i < set.count; i++) {
        const gx_rendered *it = &set.items[i];
        if (it->skipped || it->tmpl->context != GX_CTX_YAML)
            continue;
        /* split the stream into documents at "---" lines */
        const char *s = it->text.data;
        size_t len = it->text.len, start = 0;
        while (start < len) {
            const char *sep = NULL;
            for (size_t k = start; k + 4 <= len; k++)
                if ((k == 0 || s[k - 1] == '\n') && memcmp(s + k, "---\n", 4) == 0 && k > start) {
                    sep = s + k;
                    break;
                }
            size_t end = sep ? (size_t)(sep - s) : len;
            gx_node *root = NULL;
            bool ok = gx_node_parse(arena, it->tmpl->output, s + start, end - start, &root, &diags);
            if (!ok)
                gx_diags_print(&diags, stderr);
            assert_true(ok);
            const gx_node *meta = root ? gx_node_get(root, "metadata") : NULL;
            const gx_node *ns = meta ? gx_node_get(meta, "namespace") : NULL;
            if (ns) {
                assert_int_equal(ns->kind, GX_NODE_SCALAR);
                assert_string_equal(ns->text, "no");
                assert_false(ns->plain);
                with_namespace++;
            }
            start = sep ? end + 4 : len;
        }
    }
    assert_true(with_namespace >= 5);
    gx_render_set_free(&set);
    gx_diags_free(&diags);
    gx_arena_free(arena);
}

/* ---- export ---------------------------------------------------------------------- */

static void t_a(gx_render *r) { gx_render_text(r, "kind: A\n", 8); }
static void t_b(gx_render *r)
{
    static const char text[] = "---\nkind: B\n---\nkind: B2";
    gx_render_text(r, text, sizeof text - 1);
}
static void t_blank(gx_render *r) { gx_render_text(r, " \n\n", 3); }
static void t_dashes(gx_render *r) { gx_render_text(r, "---\nkind: D\n", 12); }
static void t_bare(gx_render *r) { gx_render_text(r, "kind: E", 7); }
static void t_secret(gx_render *r) { gx_render_text(r, "kind: Secret\n", 13); }
static void t_config(gx_render *r) { gx_render_text(r, "kind: ConfigMap\n", 16); }
static void t_infra(gx_render *r) { gx_render_text(r, "auth: {}\n", 9); }
static void t_script(gx_render *r)
{
    gx_render_text(r, "#!/bin/bash\necho ", 17);
    gx_render_str(r, r->cfg->core.namespace);
    gx_render_text(r, "\n", 1);
}
static void t_notes(gx_render *r) { gx_render_text(r, "notes\n", 6); }

/* Rows as the front matter would declare them: a manifest in the stream, one
 * that always holds secrets (left out without them), one that does with
 * credentials, Helm values (0600, not streamed), a script. */
#define MANIFEST(path, fn, ord)                                                            \
    {.output = path, .context = GX_CTX_YAML, .render = fn, .kind = GX_FILE_MANIFEST,      \
     .mode = 0644, .secrecy = GX_SECRECY_NEVER, .stream = true, .order = ord}
#define SECRET(path, fn, ord)                                                              \
    {.output = path, .context = GX_CTX_YAML, .render = fn, .kind = GX_FILE_MANIFEST,      \
     .mode = 0600, .secrecy = GX_SECRECY_ALWAYS, .stream = true, .order = ord,            \
     .omit_without_secrets = true}
#define CONFIG(path, fn, ord)                                                              \
    {.output = path, .context = GX_CTX_YAML, .render = fn, .kind = GX_FILE_MANIFEST,      \
     .mode = 0644, .secrecy = GX_SECRECY_WITH_CREDENTIALS, .stream = true, .order = ord}
#define HELM(path, fn, ord)                                                                \
    {.output = path, .context = GX_CTX_YAML, .render = fn, .kind = GX_FILE_HELM_VALUES,   \
     .mode = 0600, .secrecy = GX_SECRECY_ALWAYS, .stream = false, .order = ord}
#define SCRIPT(path, fn, m)                                                                \
    {.output = path, .context = GX_CTX_SHELL, .render = fn, .kind = GX_FILE_SCRIPT,       \
     .mode = m, .secrecy = GX_SECRECY_NEVER, .stream = false}

static const gx_template table_one[] = {
    MANIFEST("generated/a.yaml", t_a, 10),
    MANIFEST("generated/blank.yaml", t_blank, 20),
    CONFIG("generated/config.yaml", t_config, 30),
    HELM("generated/infra/pg.yaml", t_infra, 40),
    SECRET("generated/secrets.yaml", t_secret, 50),
    SCRIPT("scripts/apply.sh", t_script, 0755),
    SCRIPT("scripts/notes.txt", t_notes, 0644),
};

static const gx_template table_two[] = {
    MANIFEST("generated/b.yaml", t_b, 10),
    CONFIG("generated/config.yaml", t_config, 20),
};

static const gx_template table_dup[] = {
    MANIFEST("generated/a.yaml", t_a, 10),
    MANIFEST("generated/c.yaml", t_config, 20),
    MANIFEST("generated/c.yaml", t_config, 30), /* written twice: fails mid-export */
};

static const gx_template table_outside[] = {
    MANIFEST("elsewhere/a.yaml", t_a, 10),
};

static bool do_export(const struct gx_config *cfg, const char *ws, const char *out,
                      const gx_template *t, size_t n, bool no_secrets, gx_diags *diags)
{
    gx_export_opts o = {.workspace = ws, .out_dir = out, .templates = t, .template_count = n,
                        .no_secrets = no_secrets};
    return gx_export(cfg, &o, diags);
}

/* A listing of every file below dir with mode and content, for comparisons. */
static void snapshot(const char *dir, const char *rel, gx_buf *out)
{
    char *path = rel[0] ? xprintf("%s/%s", dir, rel) : strdup(dir);
    size_t n;
    char **names = list_dir(path, "", &n);
    for (size_t i = 0; i < n; i++) {
        char *sub = rel[0] ? xprintf("%s/%s", rel, names[i]) : strdup(names[i]);
        char *full = xprintf("%s/%s", dir, sub);
        struct stat st;
        assert_int_equal(lstat(full, &st), 0);
        gx_buf_printf(out, "%s %o\n", sub, (unsigned)(st.st_mode & 07777));
        if (S_ISDIR(st.st_mode)) {
            snapshot(dir, sub, out);
        } else {
            size_t len;
            char *t = slurp(full, &len);
            gx_buf_put(out, t, len);
            gx_buf_putc(out, '\n');
            free(t);
        }
        free(full);
        free(sub);
    }
    free_list(names, n);
    free(path);
}

/* Each file the record below ws lists is in place with the record's mode and
 * hash. */
static void assert_record_matches_files(const char *ws, const gx_last_export *rec)
{
    for (size_t i = 0; i < rec->file_count; i++) {
        char *p = xprintf("%s/%s", ws, rec->files[i].path);
        size_t len;
        char *content = slurp(p, &len);
        char hex[65];
        gx_sha256_hex(content, len, hex);
        assert_string_equal(rec->files[i].sha256, hex);
        assert_int_equal(rec->files[i].mode, file_mode(p));
        free(content);
        free(p);
    }
}

static void test_export_modes_record_and_stale_files(void **state)
{
    (void)state;
    char *ws = temp_dir();
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    gx_config_set_defaults(&cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg.core.namespace = "team-a";
    cfg.config.providers.llm.api_key = "sk-test"; /* the config becomes a Secret */
    assert_true(do_export(&cfg, ws, NULL, table_one, 7, false, &diags));
    assert_int_equal(diags.count, 0);

    static const struct {
        const char *path;
        unsigned mode;
    } want[] = {
        {"generated/a.yaml", 0644},        {"generated/config.yaml", 0600},
        {"generated/infra/pg.yaml", 0600}, {"generated/secrets.yaml", 0600},
        {"scripts/apply.sh", 0755},        {"scripts/notes.txt", 0644},
    };
    for (size_t i = 0; i < 6; i++) {
        char *p = xprintf("%s/%s", ws, want[i].path);
        assert_int_equal(file_mode(p), want[i].mode);
        free(p);
    }
    char *blank = xprintf("%s/generated/blank.yaml", ws);
    assert_false(file_exists(blank)); /* white space only: not written */
    char *script = xprintf("%s/scripts/apply.sh", ws);
    char *text = slurp(script, NULL);
    assert_string_equal(text, "#!/bin/bash\necho 'team-a'\n");
    free(text);

    /* the record: every file with its mode and hash */
    gx_arena *arena = gx_arena_new();
    gx_last_export rec;
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_string_equal(rec.namespace_, "team-a");
    assert_string_equal(rec.release_name, "glyphoxa");
    assert_false(rec.no_secrets);
    assert_int_equal(rec.file_count, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(rec.files[i].path, want[i].path);
        assert_int_equal(rec.files[i].mode, want[i].mode);
    }
    assert_record_matches_files(ws, &rec);
    char *recpath = xprintf("%s/%s", ws, GX_LAST_EXPORT_FILE);
    assert_int_equal(file_mode(recpath), 0600);

    /* a second export without those files: they disappear, scripts/ is empty */
    cfg.config.providers.llm.api_key = "";
    assert_true(do_export(&cfg, ws, NULL, table_two, 2, false, &diags));
    char *a = xprintf("%s/generated/a.yaml", ws), *infra = xprintf("%s/generated/infra", ws);
    char *b = xprintf("%s/generated/b.yaml", ws), *config = xprintf("%s/generated/config.yaml", ws);
    char *scripts = xprintf("%s/scripts", ws);
    assert_false(file_exists(a));
    assert_false(file_exists(infra));
    assert_false(file_exists(script));
    assert_true(file_exists(b));
    assert_int_equal(file_mode(config), 0644); /* no credentials: a ConfigMap, 0644 */
    size_t n;
    char **left = list_dir(scripts, "", &n);
    assert_int_equal(n, 0);
    free_list(left, n);
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_int_equal(rec.file_count, 2);
    /* no staging directories are left behind */
    char *state_dir = xprintf("%s/.glyphoxa-deploy", ws);
    left = list_dir(state_dir, "", &n);
    assert_int_equal(n, 1);
    assert_string_equal(left[0], "last-export");
    free_list(left, n);

    free(state_dir);
    free(a);
    free(infra);
    free(b);
    free(config);
    free(scripts);
    free(recpath);
    free(script);
    free(blank);
    gx_arena_free(arena);
    gx_diags_free(&diags);
    remove_tree(ws);
    free(ws);
}

/* link(2) as gx_export calls it: test_render is linked with --wrap=link
 * (CMakeLists.txt), so that while link_fails is set the export meets a file
 * system without hard links (EPERM). */
static bool link_fails;
static const char *link_tamper; /* set: the file linked from gets these bytes first */
int __real_link(const char *from, const char *to);
int __wrap_link(const char *from, const char *to);
int __wrap_link(const char *from, const char *to)
{
    if (link_tamper) {
        FILE *f = fopen(from, "w");
        assert_non_null(f);
        fputs(link_tamper, f);
        fclose(f);
    }
    if (link_fails) {
        errno = EPERM;
        return -1;
    }
    return __real_link(from, to);
}

static ino_t inode_of(const char *dir, const char *rel)
{
    char *p = xprintf("%s/%s", dir, rel);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    free(p);
    return st.st_ino;
}

/* An export that changes one file keeps the others as they were: linked into
 * the new tree (the same inode), or, where hard links fail, copied (the same
 * bytes and mode); only the changed one is rendered anew in place, and the
 * record hashes every file. An export that changes nothing touches nothing. */
static void test_export_unchanged_linked_or_copied(void **state)
{
    (void)state;
    char *ws = temp_dir();
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    gx_config_set_defaults(&cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg.core.namespace = "team-a";
    size_t written = 0, changed = 0;
    gx_export_opts o = {.workspace = ws, .templates = table_one, .template_count = 7,
                        .files_written = &written, .files_changed = &changed};
    assert_true(gx_export(&cfg, &o, &diags));
    assert_int_equal(written, 6);
    assert_int_equal(changed, 6);
    gx_buf before = GX_BUF_INIT;
    snapshot(ws, "generated", &before);
    ino_t a = inode_of(ws, "generated/a.yaml"), script = inode_of(ws, "scripts/apply.sh");

    /* nothing changed: nothing written, every inode kept */
    assert_true(gx_export(&cfg, &o, &diags));
    assert_int_equal(changed, 0);
    assert_true(inode_of(ws, "generated/a.yaml") == a);
    assert_true(inode_of(ws, "scripts/apply.sh") == script);

    /* the script changes: the manifests are linked, the script is new */
    cfg.core.namespace = "team-b";
    assert_true(gx_export(&cfg, &o, &diags));
    assert_int_equal(written, 6);
    assert_int_equal(changed, 1);
    assert_true(inode_of(ws, "generated/a.yaml") == a);
    assert_true(inode_of(ws, "scripts/apply.sh") != script);
    char *path = xprintf("%s/scripts/apply.sh", ws);
    char *text = slurp(path, NULL);
    assert_string_equal(text, "#!/bin/bash\necho 'team-b'\n");
    free(text);

    /* no hard links: the unchanged files are copies, byte for byte and mode */
    link_fails = true;
    cfg.core.namespace = "team-c";
    assert_true(gx_export(&cfg, &o, &diags));
    link_fails = false;
    assert_int_equal(diags.count, 0);
    assert_int_equal(changed, 1);
    assert_true(inode_of(ws, "generated/a.yaml") != a);
    gx_buf after = GX_BUF_INIT;
    snapshot(ws, "generated", &after);
    assert_string_equal(after.data, before.data);
    text = slurp(path, NULL);
    assert_string_equal(text, "#!/bin/bash\necho 'team-c'\n");
    free(text);
    assert_int_equal(file_mode(path), 0755);

    /* a file that changes between its comparison and its copy fails the
     * export; the tree in place stands */
    link_fails = true;
    link_tamper = "kind: X\n";
    cfg.core.namespace = "team-d";
    assert_false(gx_export(&cfg, &o, &diags));
    link_fails = false;
    link_tamper = NULL;
    assert_int_equal(diags.count, 1);
    assert_int_equal(diags.items[0].code, GX_CODE_IO);
    assert_non_null(strstr(diags.items[0].message, "changed while it was exported"));
    gx_diags_free(&diags);
    text = slurp(path, NULL);
    assert_string_equal(text, "#!/bin/bash\necho 'team-c'\n"); /* not swapped in */
    free(text);
    cfg.core.namespace = "team-c";
    char *a_path = xprintf("%s/generated/a.yaml", ws);
    FILE *restore = fopen(a_path, "w");
    assert_non_null(restore);
    fputs("kind: A\n", restore);
    fclose(restore);
    free(a_path);

    /* the record hashes what is in place */
    gx_arena *arena = gx_arena_new();
    gx_last_export rec;
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_int_equal(rec.file_count, 6);
    assert_record_matches_files(ws, &rec);
    gx_arena_free(arena);
    gx_buf_free(&before);
    gx_buf_free(&after);
    free(path);
    gx_diags_free(&diags);
    remove_tree(ws);
    free(ws);
}

static void test_export_failure_keeps_previous_tree(void **state)
{
    (void)state;
    char *ws = temp_dir();
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    gx_config_set_defaults(&cfg, GX_CORE_TOPOLOGY_SHARED);
    assert_true(do_export(&cfg, ws, NULL, table_one, 7, false, &diags));
    gx_buf before = GX_BUF_INIT;
    snapshot(ws, "", &before);

    /* fails while writing: the second copy of generated/c.yaml */
    assert_false(do_export(&cfg, ws, NULL, table_dup, 3, false, &diags));
    assert_true(diags.count > 0);
    gx_diags_free(&diags);
    gx_buf after = GX_BUF_INIT;
    snapshot(ws, "", &after);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.data, before.data, before.len);

    /* fails in the swap itself (moving the second top directory): rolled back */
    gx_files_test_fail_commit_at = 2;
    assert_false(do_export(&cfg, ws, NULL, table_two, 2, false, &diags));
    gx_files_test_fail_commit_at = 0;
    assert_true(diags.count > 0);
    gx_diags_free(&diags);
    gx_buf_reset(&after);
    snapshot(ws, "", &after);
    assert_int_equal(after.len, before.len);
    assert_memory_equal(after.data, before.data, before.len);

    /* an output outside generated/ and scripts/ is refused before anything moves */
    assert_false(do_export(&cfg, ws, NULL, table_outside, 1, false, &diags));
    gx_diags_free(&diags);
    gx_buf_reset(&after);
    snapshot(ws, "", &after);
    assert_memory_equal(after.data, before.data, before.len);

    gx_buf_free(&before);
    gx_buf_free(&after);
    remove_tree(ws);
    free(ws);
}

static void test_export_out_dir(void **state)
{
    (void)state;
    char *ws = temp_dir();
    char *out = xprintf("%s/elsewhere/deep", ws);
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    gx_config_set_defaults(&cfg, GX_CORE_TOPOLOGY_SHARED);
    assert_true(do_export(&cfg, ws, out, table_two, 2, false, &diags));
    char *b = xprintf("%s/generated/b.yaml", out), *wsgen = xprintf("%s/generated", ws);
    assert_true(file_exists(b));
    assert_false(file_exists(wsgen)); /* the workspace is untouched */
    gx_arena *arena = gx_arena_new();
    gx_last_export rec;
    assert_int_equal(gx_last_export_read(arena, out, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_NONE);
    assert_int_equal(diags.count, 0);

    gx_arena_free(arena);
    gx_diags_free(&diags);
    free(b);
    free(wsgen);
    free(out);
    remove_tree(ws);
    free(ws);
}

/* Renders table into a fresh stream with a render set's stream run; the
 * stream and how many outputs it holds. */
static char *stream_of(const gx_template *table, size_t count, const struct gx_config *cfg,
                       bool no_secrets, size_t *outputs)
{
    gx_diags diags = GX_DIAGS_INIT;
    gx_buf stream = GX_BUF_INIT;
    gx_buf_puts(&stream, "kept\n"); /* the stream is appended to */
    gx_render_set set;
    gx_render_set_init(&set, table, count);
    set.stream = &stream;
    assert_true(gx_render_set_run(&set, cfg, no_secrets, &diags));
    assert_int_equal(diags.count, 0);
    *outputs = 0;
    for (size_t i = 0; i < set.count; i++) {
        assert_int_equal(set.items[i].text.len, 0); /* no item keeps text of its own */
        if (gx_rendered_in_stream(&set.items[i]))
            (*outputs)++;
    }
    gx_render_set_free(&set);
    gx_diags_free(&diags);
    assert_memory_equal(stream.data, "kept\n", 5);
    char *text = strdup(stream.data + 5);
    gx_buf_free(&stream);
    return text;
}

static void test_export_stdout(void **state)
{
    (void)state;
    struct gx_config cfg;
    gx_config_set_defaults(&cfg, GX_CORE_TOPOLOGY_SHARED);
    static const gx_template table[] = {
        MANIFEST("generated/a.yaml", t_a, 10),
        MANIFEST("generated/b.yaml", t_b, 20),
        MANIFEST("generated/blank.yaml", t_blank, 30),
        HELM("generated/infra/pg.yaml", t_infra, 40),
        SECRET("generated/secrets.yaml", t_secret, 50),
        SCRIPT("scripts/apply.sh", t_script, 0755),
    };
    size_t outputs = 0;
    char *text = stream_of(table, 6, &cfg, false, &outputs);
    assert_string_equal(text, "---\n# Source: generated/a.yaml\nkind: A\n"
                              "---\n# Source: generated/b.yaml\nkind: B\n---\nkind: B2\n"
                              "---\n# Source: generated/secrets.yaml\nkind: Secret\n");
    assert_int_equal(outputs, 3);
    free(text);

    /* --no-secrets: the Secret is left out */
    text = stream_of(table, 6, &cfg, true, &outputs);
    assert_null(strstr(text, "Secret"));
    assert_int_equal(outputs, 2);
    free(text);

    /* apply order, not table order; a "---" line that opens an output is
     * dropped; an output without a final newline gets one */
    static const gx_template reordered[] = {
        MANIFEST("generated/late.yaml", t_a, 90),
        MANIFEST("generated/dashes.yaml", t_dashes, 5),
        MANIFEST("generated/bare.yaml", t_bare, 7),
    };
    text = stream_of(reordered, 3, &cfg, false, &outputs);
    assert_string_equal(text, "---\n# Source: generated/dashes.yaml\nkind: D\n"
                              "---\n# Source: generated/bare.yaml\nkind: E\n"
                              "---\n# Source: generated/late.yaml\nkind: A\n");
    assert_int_equal(outputs, 3);
    free(text);

    /* nothing to stream: nothing appended */
    static const gx_template none[] = {
        MANIFEST("generated/blank.yaml", t_blank, 30),
        SCRIPT("scripts/apply.sh", t_script, 0755),
    };
    text = stream_of(none, 2, &cfg, false, &outputs);
    assert_string_equal(text, "");
    assert_int_equal(outputs, 0);
    free(text);
}

/* The real templates: a full export, and --no-secrets keeps every secret
 * value out of every file and is recorded. */
static void test_export_real_templates(void **state)
{
    (void)state;
    char *ws = temp_dir();
    gx_diags diags = GX_DIAGS_INIT;
    struct gx_config cfg;
    all_on(&cfg, GX_CORE_TOPOLOGY_SHARED);
    cfg.gateway.admin_key = "ADMINKEY-0123456789";
    cfg.postgresql.postgres_password = "PGPASSWORD-0123456789";
    cfg.config.providers.llm.api_key = "LLMKEY-0123456789";
    cfg.vault.addr = "https://vault.example";
    cfg.vault.token = "VAULTTOKEN-0123456789";
    size_t written = 0;
    gx_export_opts o = {.workspace = ws, .files_written = &written};
    bool ok = gx_export(&cfg, &o, &diags);
    if (!ok)
        gx_diags_print(&diags, stderr);
    assert_true(ok);
    char *secrets = xprintf("%s/generated/secrets.yaml", ws);
    char *config = xprintf("%s/generated/config.yaml", ws);
    assert_int_equal(file_mode(secrets), 0600);
    assert_int_equal(file_mode(config), 0600); /* it holds the LLM key: a Secret */
    gx_arena *arena = gx_arena_new();
    gx_last_export rec;
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_int_equal(rec.file_count, written);
    for (size_t i = 0; i < rec.file_count; i++) {
        char *p = xprintf("%s/%s", ws, rec.files[i].path);
        assert_int_equal(file_mode(p), rec.files[i].mode);
        if (strncmp(rec.files[i].path, "scripts/", 8) == 0)
            assert_int_equal(rec.files[i].mode, 0755);
        free(p);
    }

    /* --no-secrets */
    o.no_secrets = true;
    assert_true(gx_export(&cfg, &o, &diags));
    assert_false(file_exists(secrets));
    assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_OK);
    assert_true(rec.no_secrets);
    static const char *const secret_values[] = {"ADMINKEY-0123456789", "PGPASSWORD-0123456789",
                                                "LLMKEY-0123456789", "VAULTTOKEN-0123456789"};
    for (size_t i = 0; i < rec.file_count; i++) {
        char *p = xprintf("%s/%s", ws, rec.files[i].path);
        size_t len;
        char *t = slurp(p, &len);
        for (size_t k = 0; k < 4; k++)
            if (strstr(t, secret_values[k])) {
                print_error("%s holds %s under --no-secrets\n", rec.files[i].path,
                            secret_values[k]);
                fail();
            }
        /* base64 forms hide in Secrets: there is none at all */
        assert_null(strstr(t, "kind: Secret"));
        free(t);
        free(p);
    }
    gx_arena_free(arena);
    gx_diags_free(&diags);
    free(secrets);
    free(config);
    remove_tree(ws);
    free(ws);
}

/* What the front matter and the schema declare reaches the compiled-in tables,
 * and the exporter reads its decisions from them. */
static const gx_template *row(const char *output)
{
    for (size_t i = 0; i < gx_template_count; i++)
        if (strcmp(gx_template_table[i].output, output) == 0)
            return &gx_template_table[i];
    print_error("no template for %s\n", output);
    fail();
    return NULL;
}

static void test_policy_tables(void **state)
{
    (void)state;
    /* the top-level directories the exporter replaces are the outputs' first segments */
    assert_int_equal(gx_output_top_count, 2);
    assert_string_equal(gx_output_tops[0], GX_EXPORT_TOP_GENERATED);
    assert_string_equal(gx_output_tops[1], GX_EXPORT_TOP_SCRIPTS);
    assert_null(gx_output_tops[2]);
    assert_true(gx_output_top_declared("generated/gateway.yaml"));
    assert_true(gx_output_top_declared("scripts/x.sh"));
    assert_false(gx_output_top_declared("generated"));
    assert_false(gx_output_top_declared("generated/"));
    assert_false(gx_output_top_declared("generatedx/a.yaml"));
    assert_false(gx_output_top_declared("/generated/a.yaml"));
    assert_false(gx_output_top_declared("web/index.html"));

    /* every row: a kind that fits its context, a mode, order only for what is applied */
    for (size_t i = 0; i < gx_template_count; i++) {
        const gx_template *t = &gx_template_table[i];
        assert_int_equal(t->kind == GX_FILE_SCRIPT, t->context == GX_CTX_SHELL);
        assert_true(t->mode != 0);
        if (t->kind == GX_FILE_SCRIPT) {
            assert_int_equal(t->mode, 0755);
            assert_int_equal(t->secrecy, GX_SECRECY_NEVER);
            assert_false(t->stream);
            assert_int_equal(strncmp(t->output, "scripts/", 8), 0);
        }
        if (t->kind == GX_FILE_HELM_VALUES) {
            assert_int_equal(gx_export_mode(t, false, false), 0600);
            assert_false(t->stream);
        }
        if (t->kind == GX_FILE_KUSTOMIZATION) {
            assert_int_equal(t->secrecy, GX_SECRECY_NEVER);
            assert_false(t->stream);
            assert_int_equal(t->order, 0);
        }
        /* sealable: a file that holds secrets, and none once they are sealed */
        if (t->sealable) {
            assert_int_not_equal(t->secrecy, GX_SECRECY_NEVER);
            assert_false(gx_export_holds_secrets(t, true, true));
            assert_int_equal(gx_export_mode(t, true, true), t->mode);
        }
    }
    const gx_template *ns = row("generated/namespace.yaml");
    const gx_template *secrets = row("generated/secrets.yaml");
    const gx_template *config = row("generated/config.yaml");
    assert_int_equal(ns->kind, GX_FILE_MANIFEST);
    assert_true(ns->stream);
    assert_int_equal(secrets->secrecy, GX_SECRECY_ALWAYS);
    assert_true(secrets->omit_without_secrets);
    assert_int_equal(gx_export_mode(secrets, false, false), 0600);
    assert_true(secrets->sealable);
    assert_int_equal(gx_export_mode(secrets, false, true), 0644); /* sealed: a SealedSecret */
    assert_int_equal(config->secrecy, GX_SECRECY_WITH_CREDENTIALS);
    assert_int_equal(gx_export_mode(config, false, false), 0644);
    assert_int_equal(gx_export_mode(config, true, false), 0600);
    assert_int_equal(gx_export_mode(config, true, true), 0644);
    assert_int_equal(gx_export_mode(ns, true, false), 0644);
    assert_int_equal(row("generated/infra/postgresql-values.yaml")->kind, GX_FILE_HELM_VALUES);
    assert_int_equal(row("generated/kustomization.yaml")->kind, GX_FILE_KUSTOMIZATION);

    /* the apply order: every manifest and Helm values file once, the Namespace first */
    size_t applied = 0;
    for (size_t i = 0; i < gx_template_count; i++)
        applied += gx_template_table[i].kind == GX_FILE_MANIFEST ||
                   gx_template_table[i].kind == GX_FILE_HELM_VALUES;
    assert_int_equal(gx_apply_order_count, applied);
    assert_ptr_equal(&gx_template_table[gx_apply_order[0]], ns);
    for (size_t i = 1; i < gx_apply_order_count; i++)
        assert_true(gx_template_table[gx_apply_order[i - 1]].order <
                    gx_template_table[gx_apply_order[i]].order);

    /* components and targets */
    for (int c = 0; c < GX_COMPONENT_COUNT; c++)
        assert_int_equal(gx_components[c].infrastructure,
                         c == GX_C_POSTGRESQL || c == GX_C_SEALED_SECRETS);
    for (int t = 0; t < GX_TARGET_COUNT; t++) {
        const gx_target_info *ti = &gx_targets[t];
        assert_int_equal(ti->kubectl, GX_NEED_ALWAYS);
        assert_non_null(ti->options);
        assert_null(ti->options[ti->option_count]);
        if (t == GX_TARGET_DESTROY) {
            assert_int_equal(ti->option_count, 2);
            assert_string_equal(ti->options[0], "delete-namespace");
            assert_string_equal(ti->options[1], "uninstall-sealed-secrets");
        } else if (t == GX_TARGET_DEFAULT) {
            assert_int_equal(ti->option_count, 1);
            assert_string_equal(ti->options[0], "adopt");
        } else if (t == GX_TARGET_INFRASTRUCTURE) {
            assert_int_equal(ti->option_count, 1);
            assert_string_equal(ti->options[0], "fetch-certificate");
        } else {
            assert_int_equal(ti->option_count, 0);
        }
    }
    assert_int_equal(gx_targets[GX_TARGET_DEFAULT].helm, GX_NEED_NEVER);
    assert_int_equal(gx_targets[GX_TARGET_INFRASTRUCTURE].helm, GX_NEED_WITH_INFRASTRUCTURE);
    assert_int_equal(gx_targets[GX_TARGET_DESTROY].helm, GX_NEED_ALWAYS);
    assert_int_equal(gx_targets[GX_TARGET_STATUS].helm, GX_NEED_OPTIONAL);
}

static void test_last_export_bad_record(void **state)
{
    (void)state;
    char *ws = temp_dir();
    char *sd = xprintf("%s/.glyphoxa-deploy", ws);
    make_dirs(sd);
    char *rp = xprintf("%s/%s", ws, GX_LAST_EXPORT_FILE);
    gx_arena *arena = gx_arena_new();
    gx_diags diags = GX_DIAGS_INIT;
    gx_last_export rec;
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"format\": 2}",
        "{\"format\": 1, \"tool-version\": \"x\", \"namespace\": \"n\", \"release-name\": \"r\", "
        "\"no-secrets\": false, \"files\": [{\"path\": \"p\", \"mode\": \"9\", \"sha256\": \"x\"}]}",
    };
    for (size_t i = 0; i < 4; i++) {
        spit(rp, bad[i], strlen(bad[i]));
        assert_int_equal(gx_last_export_read(arena, ws, &rec, &diags), GX_LAST_EXPORT_BAD);
        assert_int_equal(diags.count, 1);
        gx_diags_free(&diags);
    }
    gx_arena_free(arena);
    remove_tree(ws);
    free(rp);
    free(sd);
    free(ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_templates),
        cmocka_unit_test(test_compile_is_deterministic),
        cmocka_unit_test(test_duplicate_order),
        cmocka_unit_test(test_bad_schema_policy),
        cmocka_unit_test(test_web_assets_checked),
        cmocka_unit_test(test_fixture_golden),
        cmocka_unit_test(test_fixture_parse_back),
        cmocka_unit_test(test_runtime_scalars),
        cmocka_unit_test(test_runtime_truthy_nodes),
        cmocka_unit_test(test_runtime_block),
        cmocka_unit_test(test_real_templates_leave_no_residue),
        cmocka_unit_test(test_real_templates_parse_back),
        cmocka_unit_test(test_export_modes_record_and_stale_files),
        cmocka_unit_test(test_export_unchanged_linked_or_copied),
        cmocka_unit_test(test_export_failure_keeps_previous_tree),
        cmocka_unit_test(test_export_out_dir),
        cmocka_unit_test(test_export_stdout),
        cmocka_unit_test(test_export_real_templates),
        cmocka_unit_test(test_policy_tables),
        cmocka_unit_test(test_last_export_bad_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
