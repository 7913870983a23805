/* gx_test_util — helpers shared by the cmocka test programs (tests/test_*.c).
 * Header-only; include after <cmocka.h>. */
#ifndef GX_TEST_UTIL_H
#define GX_TEST_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole file at path, malloc'd and NUL-terminated (it may hold NULs: *len
 * says how many bytes, when len is not NULL); NULL (and *len 0) when it cannot
 * be opened. */
static inline char *gx_test_read_file(const char *path, size_t *len)
{
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* Writes len bytes at data to path (created, or emptied first) and gives it
 * exactly mode, whatever the umask. */
static inline void gx_test_write_file(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
}

#endif
