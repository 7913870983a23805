/* gx_test_fakes — the folders and wrappers of an end-to-end test that runs
 * the real binary with the recording fakes of tests/fakes (kubectl, helm) as
 * its tools. Header-only; include after <cmocka.h> (it asserts): a failed
 * step fails the test.
 *
 * The layout, below one fresh folder per test:
 *   dir            the realpath of a /tmp mkdtemp folder
 *   dir/ws         the workspace (not made: init makes it)
 *   dir/bin        (0755) the wrappers: put first on PATH (path_env)
 *   dir/fake       (0700) the fakes' log and its companions
 *   dir/fake/log   GX_FAKE_LOG */
#ifndef GX_TEST_FAKES_H
#define GX_TEST_FAKES_H

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gx_test_util.h"

#ifndef GX_SOURCE_DIR
#error "gx_test_fakes.h needs GX_SOURCE_DIR (the source tree, where tests/fakes is)"
#endif

typedef struct gx_test_dirs {
    char dir[128];
    char ws[192];
    char bin[192];
    char fake[192];
    char log[256];
    char path_env[512]; /* "PATH=dir/bin:/usr/bin:/bin" */
} gx_test_dirs;

/* Makes the layout from the mkdtemp template tmpl ("/tmp/NAME-XXXXXX"):
 * dir, bin and fake exist afterwards (empty), ws does not. */
static inline void gx_test_dirs_make(gx_test_dirs *d, const char *tmpl)
{
    gx_test_make_temp_dir(tmpl, d->dir, sizeof d->dir);
    snprintf(d->ws, sizeof d->ws, "%s/ws", d->dir);
    snprintf(d->bin, sizeof d->bin, "%s/bin", d->dir);
    snprintf(d->fake, sizeof d->fake, "%s/fake", d->dir);
    snprintf(d->log, sizeof d->log, "%s/log", d->fake);
    snprintf(d->path_env, sizeof d->path_env, "PATH=%s:/usr/bin:/bin", d->bin);
    assert_int_equal(mkdir(d->bin, 0755), 0);
    assert_int_equal(mkdir(d->fake, 0700), 0);
}

/* Writes bin/TOOL (0755), a sh script that sets and exports GX_FAKE_LOG (the
 * layout's log) and each of controls ("NAME=VALUE", NULL-terminated; NULL:
 * none), then execs the fake tests/fakes/TOOL of the source tree with its
 * arguments. A value must not hold a single quote. */
static inline void gx_test_write_fake_wrapper(const gx_test_dirs *d, const char *tool,
                                              const char *const *controls)
{
    char path[PATH_MAX + 16], text[8192];
    snprintf(path, sizeof path, "%s/%s", d->bin, tool);
    int n = snprintf(text, sizeof text, "#!/bin/sh\nGX_FAKE_LOG='%s'\nexport GX_FAKE_LOG\n",
                     d->log);
    for (size_t i = 0; controls && controls[i]; i++) {
        const char *eq = strchr(controls[i], '=');
        assert_non_null(eq);
        assert_null(strchr(eq, '\''));
        n += snprintf(text + n, sizeof text - (size_t)n, "%.*s='%s'\nexport %.*s\n",
                      (int)(eq - controls[i]), controls[i], eq + 1, (int)(eq - controls[i]),
                      controls[i]);
    }
    n += snprintf(text + n, sizeof text - (size_t)n, "exec '%s/tests/fakes/%s' \"$@\"\n",
                  gx_test_source_dir(), tool);
    assert_true(n > 0 && (size_t)n < sizeof text);
    unlink(path);
    gx_test_write_file(path, text, strlen(text), 0755);
}

#endif
