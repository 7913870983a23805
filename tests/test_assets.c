/* test_assets — the files below web/ compiled into the binary (gx_assets.h,
 * written by gen/gxg_emit_assets.c): every file on disk is in the table, byte
 * for byte, with the content type of its extension; the table is sorted and
 * gx_asset_find finds each entry and nothing else; the page references
 * only files compiled in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "gx_test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gx_assets.h"


static char *web_path(const char *rel)
{
    size_t n = strlen(gx_test_source_dir()) + strlen(rel) + 6;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/web%s%s", gx_test_source_dir(), rel[0] ? "/" : "", rel);
    return p;
}

/* Counts the regular files below web/REL (hidden entries skipped, as gxgen
 * does). */
static size_t count_files(const char *rel)
{
    char *dir = web_path(rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(rel) + strlen(e->d_name) + 2;
        char *sub = malloc(len);
        assert_non_null(sub);
        snprintf(sub, len, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        char *full = web_path(sub);
        struct stat st;
        assert_int_equal(stat(full, &st), 0);
        if (S_ISDIR(st.st_mode))
            n += count_files(sub);
        else if (S_ISREG(st.st_mode))
            n++;
        free(full);
        free(sub);
    }
    closedir(d);
    free(dir);
    return n;
}

/* Every embedded asset is the file on disk, byte for byte, and ends with a
 * NUL byte that its length does not count. */
static void test_assets_match_files(void **state)
{
    (void)state;
    assert_int_equal(gx_asset_count, GX_ASSET_COUNT);
    assert_true(gx_asset_count >= 2);
    for (size_t i = 0; i < gx_asset_count; i++) {
        const gx_asset *a = &gx_assets[i];
        char *path = web_path(a->path);
        size_t len;
        char *disk = gx_test_read_file(path, &len);
        if (!disk)
            print_error("web/%s is embedded but cannot be read from %s\n", a->path, path);
        assert_non_null(disk);
        assert_int_equal(a->len, len);
        assert_memory_equal(a->data, disk, len);
        assert_int_equal(a->data[a->len], 0);
        free(disk);
        free(path);
    }
    /* and nothing on disk is missing from the table */
    assert_int_equal(count_files(""), gx_asset_count);
}

static void test_assets_sorted_and_found(void **state)
{
    (void)state;
    for (size_t i = 0; i < gx_asset_count; i++) {
        if (i > 0)
            assert_true(strcmp(gx_assets[i - 1].path, gx_assets[i].path) < 0);
        assert_ptr_equal(gx_asset_find(gx_assets[i].path), &gx_assets[i]);
    }
    assert_null(gx_asset_find(""));
    assert_null(gx_asset_find("missing.html"));
    assert_null(gx_asset_find("/index.html"));
    assert_null(gx_asset_find("index.htm"));
    assert_null(gx_asset_find("index.html/"));
}

static void test_assets_content_types(void **state)
{
    (void)state;
    const gx_asset *page = gx_asset_find("index.html");
    const gx_asset *text = gx_asset_find("hello.txt");
    assert_non_null(page);
    assert_non_null(text);
    assert_string_equal(page->content_type, "text/html; charset=utf-8");
    assert_string_equal(text->content_type, "text/plain; charset=utf-8");
    for (size_t i = 0; i < gx_asset_count; i++) {
        const char *p = gx_assets[i].path;
        const char *t = gx_assets[i].content_type;
        assert_non_null(t);
        size_t n = strlen(p);
        if (n > 5 && strcmp(p + n - 5, ".html") == 0)
            assert_string_equal(t, "text/html; charset=utf-8");
        if (n > 4 && strcmp(p + n - 4, ".css") == 0)
            assert_string_equal(t, "text/css; charset=utf-8");
        if (n > 3 && strcmp(p + n - 3, ".js") == 0)
            assert_string_equal(t, "text/javascript; charset=utf-8");
    }
}

/* The page stands alone: a complete HTML document whose every src= and
 * href= names a file compiled in (or a fragment), and no asset loads
 * anything from anywhere else (no URL with a scheme, no url(), no @import). */
static void test_index_page_is_self_contained(void **state)
{
    (void)state;
    const gx_asset *page = gx_asset_find("index.html");
    assert_non_null(page);
    const char *s = (const char *)page->data;
    assert_int_equal(strlen(s), page->len); /* text: no NUL inside */
    assert_true(strncmp(s, "<!DOCTYPE html>\n", 16) == 0);
    assert_non_null(strstr(s, "<html lang=\"en\">"));
    assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(s, "<title>"));
    assert_non_null(strstr(s, "</html>\n"));
    size_t refs = 0;
    static const char *const attrs[] = {"src=\"", "href=\""};
    for (size_t k = 0; k < 2; k++)
        for (const char *p = strstr(s, attrs[k]); p; p = strstr(p + 1, attrs[k])) {
            const char *v = p + strlen(attrs[k]);
            const char *end = strchr(v, '"');
            assert_non_null(end);
            char ref[200];
            size_t n = (size_t)(end - v);
            assert_true(n > 0 && n < sizeof ref);
            memcpy(ref, v, n);
            ref[n] = '\0';
            if (ref[0] == '#')
                continue;
            if (ref[0] != '/' || !gx_asset_find(ref + 1)) {
                print_error("web/index.html references '%s', which is not compiled in\n", ref);
                fail();
            }
            refs++;
        }
    assert_true(refs >= 2); /* the script and the style sheet */
    assert_null(strstr(s, "<script>")); /* no inline script: the CSP allows none */
    assert_null(strstr(s, " style=\""));
    static const char *const external[] = {"://", "url(", "@import"};
    for (size_t i = 0; i < gx_asset_count; i++) {
        const gx_asset *a = &gx_assets[i];
        for (size_t k = 0; k < sizeof external / sizeof external[0]; k++)
            if (memmem(a->data, a->len, external[k], strlen(external[k]))) {
                print_error("web/%s holds '%s': it must load nothing from elsewhere\n", a->path,
                            external[k]);
                fail();
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assets_match_files),
        cmocka_unit_test(test_assets_sorted_and_found),
        cmocka_unit_test(test_assets_content_types),
        cmocka_unit_test(test_index_page_is_self_contained),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
