/* Tests of gx_run: the child environment of an apply target
 * (gx_run_build_env) and executable lookup (gx_run_find_executable). Running
 * a target is tested where it happens: the child process in test_proc.c
 * (gx_proc), the command line's apply with its signal forwarding in
 * test_apply.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gx_arena.h"
#include "gx_test_util.h"
#include "gx_run.h"

/* ---- fixture ------------------------------------------------------------ */

typedef struct fx {
    char fakes[PATH_MAX];     /* tests/fakes: executables to look up */
    char path[PATH_MAX + 32]; /* a PATH with them first */
    gx_arena *arena;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->fakes, sizeof f->fakes, "%s/tests/fakes", gx_test_source_dir());
    snprintf(f->path, sizeof f->path, "%s:/usr/bin:/bin", f->fakes);
    f->arena = gx_arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gx_arena_free(f->arena);
    free(f);
    return 0;
}

/* ---- the child environment ---------------------------------------------- */

static void test_build_env(void **state)
{
    fx *f = *state;
    /* the operator's environment passes through unchanged, in its order; the
     * tool sets its GX_* variables over it and adds nothing else */
    const char *const parent[] = {
        "HOME=/h",          "PATH=/p",          "KUBECONFIG=/parent/kc",
        "HELM_KUBETOKEN=t", "AWS_PROFILE=prod", "HTTPS_PROXY=http://proxy:3128",
        "LANG=C.UTF-8",     "GX_DRY_RUN=1",     "BASH_FUNC_f%%=() {  :\n}",
        "not an entry",     NULL,
    };
    const char *const extra[] = {"GX_DELETE_NAMESPACE=1", "GX_HELM=/opt/helm", "not an entry",
                                 "=x", NULL};
    gx_run_env_spec spec = {.target = "default", .kubectl = "/k", .dry_run = false,
                            .timeout_seconds = 300, .extra = extra};
    const char **env = gx_run_build_env(f->arena, &spec, parent);
    const char *const want[] = {
        "HOME=/h",          "PATH=/p",          "KUBECONFIG=/parent/kc",
        "HELM_KUBETOKEN=t", "AWS_PROFILE=prod", "HTTPS_PROXY=http://proxy:3128",
        "LANG=C.UTF-8",     "GX_DRY_RUN=0",     "BASH_FUNC_f%%=() {  :\n}",
        "GX_TARGET=default", "GX_KUBECTL=/k",   "GX_HELM=/opt/helm", "GX_KUBECONFIG=",
        "GX_CONTEXT=",      "GX_TIMEOUT=300",   "GX_DELETE_NAMESPACE=1",
        NULL,
    };
    for (size_t i = 0; want[i] || env[i]; i++) {
        assert_non_null(want[i]);
        assert_non_null(env[i]);
        assert_string_equal(env[i], want[i]);
    }

    /* --kubeconfig (relative: made absolute) and --context; no parent */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    gx_run_env_spec given = {.target = "status", .path = "/x", .kubeconfig = "rel/kc",
                             .context = "ctx", .timeout_seconds = 30};
    env = gx_run_build_env(f->arena, &given, NULL);
    const char *kc = gx_arena_printf(f->arena, "%s/rel/kc", cwd);
    const char *const want2[] = {
        "PATH=/x",
        gx_arena_printf(f->arena, "KUBECONFIG=%s", kc),
        "GX_TARGET=status",
        "GX_KUBECTL=kubectl",
        "GX_HELM=helm",
        gx_arena_printf(f->arena, "GX_KUBECONFIG=%s", kc),
        "GX_CONTEXT=ctx",
        "GX_DRY_RUN=0",
        "GX_TIMEOUT=30",
        NULL,
    };
    for (size_t i = 0; want2[i] || env[i]; i++) {
        assert_non_null(want2[i]);
        assert_non_null(env[i]);
        assert_string_equal(env[i], want2[i]);
    }

    /* given kubeconfig wins over the parent's; default PATH */
    const char *const parent2[] = {"KUBECONFIG=/parent/kc", NULL};
    gx_run_env_spec abs = {.target = "t", .kubeconfig = "/abs/kc", .timeout_seconds = 1};
    env = gx_run_build_env(f->arena, &abs, parent2);
    assert_string_equal(env[0], "KUBECONFIG=/abs/kc");
    assert_string_equal(env[1], "PATH=" GX_RUN_DEFAULT_PATH);

    /* a relative KUBECONFIG of the parent (a list) is resolved against the
     * current directory, not the workspace the child runs in */
    const char *const parent3[] = {"KUBECONFIG=a/kc:/abs/kc2::b", "PATH=/p", NULL};
    gx_run_env_spec plain = {.target = "t", .timeout_seconds = 1};
    env = gx_run_build_env(f->arena, &plain, parent3);
    assert_string_equal(env[0], gx_arena_printf(f->arena, "KUBECONFIG=%s/a/kc:/abs/kc2::%s/b",
                                                cwd, cwd));
}

/* ---- executable lookup -------------------------------------------------- */

static void test_find_executable(void **state)
{
    fx *f = *state;
    char out[PATH_MAX];
    char want[PATH_MAX + 16];

    snprintf(want, sizeof want, "%s/helm", f->fakes);
    assert_true(gx_run_find_executable("helm", f->path, out, sizeof out));
    assert_string_equal(out, want);

    assert_false(gx_run_find_executable("gx-no-such-tool", f->path, out, sizeof out));
    assert_string_equal(out, "");
    assert_false(gx_run_find_executable("", f->path, out, sizeof out));
    assert_false(gx_run_find_executable("kubectl", "/nonexistent:/also-not", out, sizeof out));

    /* paths: regular and executable only */
    assert_true(gx_run_find_executable("/bin/sh", NULL, out, sizeof out));
    assert_string_equal(out, "/bin/sh");
    snprintf(want, sizeof want, "%s/README.md", f->fakes);
    assert_false(gx_run_find_executable(want, NULL, out, sizeof out));
    assert_false(gx_run_find_executable(f->fakes, NULL, out, sizeof out));
    assert_false(gx_run_find_executable("/nonexistent/kubectl", NULL, out, sizeof out));

    /* does not fit */
    char small[8];
    assert_false(gx_run_find_executable("kubectl", f->path, small, sizeof small));
    assert_string_equal(small, "");

    /* relative names and the empty PATH entry mean the current directory */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->fakes), 0);
    char here[PATH_MAX];
    assert_non_null(getcwd(here, sizeof here));
    bool rel = gx_run_find_executable("./kubectl", NULL, out, sizeof out);
    char rel_out[PATH_MAX];
    snprintf(rel_out, sizeof rel_out, "%s", out);
    bool empty = gx_run_find_executable("kubectl", "/nonexistent::/bin", out, sizeof out);
    assert_int_equal(chdir(cwd), 0);
    assert_true(rel);
    snprintf(want, sizeof want, "%s/./kubectl", here);
    assert_string_equal(rel_out, want);
    assert_true(empty);
    snprintf(want, sizeof want, "%s/kubectl", here);
    assert_string_equal(out, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_build_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_executable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
