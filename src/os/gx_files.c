#include "gx_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gx_buf.h"
#include "gx_xalloc.h"

int gx_files_test_fail_commit_at = 0;
bool gx_files_test_no_exchange = false;
void (*gx_files_test_after_move)(size_t k) = NULL;

static const char gx_alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* ---- small helpers ------------------------------------------------------------ */

/* a + "/" + b, malloc'd */
static char *gx_path_join(const char *a, const char *b)
{
    return gx_xasprintf("%s/%s", a, b);
}

/* Writes all len bytes; 0 or an errno value. */
static int gx_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : len;
        ssize_t w = write(fd, data, chunk);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (w == 0)
            return EIO; /* a regular file never takes 0 bytes of a non-empty write */
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* close(), reporting a deferred write error (NFS and the like). EINTR on Linux
 * means the descriptor is closed anyway. */
static int gx_close(int fd)
{
    if (close(fd) != 0 && errno != EINTR)
        return errno;
    return 0;
}

static void gx_diag_write_error(gx_diags *diags, const char *file, int err, const char *hint)
{
    switch (err) {
    case ENOSPC:
        gx_diags_add(diags, GX_CODE_IO, file, 0, 0, hint, "disk full: no space left on the device");
        break;
    case EDQUOT:
        gx_diags_add(diags, GX_CODE_IO, file, 0, 0, hint, "disk full: disk quota exceeded");
        break;
    case EFBIG:
        gx_diags_add(diags, GX_CODE_IO, file, 0, 0,
                     "the file-size limit (ulimit -f) or the file system's maximum file "
                     "size was reached; the previous file is unchanged",
                     "file too large: file size limit reached while writing");
        break;
    default:
        gx_diags_add(diags, GX_CODE_IO, file, 0, 0, hint, "cannot write: %s", strerror(err));
        break;
    }
}

/* n characters of [A-Za-z0-9], uniform: a byte b is used only when b < 248
 * (= 4 * 62), so b % 62 takes every value equally often. */
static bool gx_fill_alnum(char *out, size_t n, gx_diags *diags)
{
    unsigned char pool[64];
    size_t avail = 0, pos = 0;
    for (size_t i = 0; i < n;) {
        if (pos == avail) {
            if (!gx_random_bytes(pool, sizeof pool, diags))
                return false;
            avail = sizeof pool;
            pos = 0;
        }
        unsigned char b = pool[pos++];
        if (b < 248)
            out[i++] = gx_alnum[b % 62];
    }
    return true;
}

/* ---- reading ------------------------------------------------------------------ */

bool gx_file_read(gx_arena *arena, const char *path, size_t max_bytes, char **data,
                  size_t *len, gx_diags *diags)
{
    if (max_bytes > SIZE_MAX / 4)
        max_bytes = SIZE_MAX / 4;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "check the spelling and the current directory",
                         "no such file");
        else if (err == EACCES)
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "check the file's permissions",
                         "cannot open: %s", strerror(err));
        else
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot open: %s", strerror(err));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot examine: %s", strerror(errno));
        close(fd);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "give the path of a file", "is a directory");
        close(fd);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        const char *kind = S_ISFIFO(st.st_mode)   ? "a FIFO (named pipe)"
                           : S_ISCHR(st.st_mode)  ? "a character device"
                           : S_ISBLK(st.st_mode)  ? "a block device"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                                                  : "not a regular file";
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "save the content to a regular file and give its path",
                     "is %s; only regular files are read", kind);
        close(fd);
        return false;
    }
    if ((uintmax_t)st.st_size > (uintmax_t)max_bytes) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "check that this is the intended file",
                     "file is too large: %jd bytes; the limit is %zu bytes",
                     (intmax_t)st.st_size, max_bytes);
        close(fd);
        return false;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);

    /* Room for the expected size plus one byte, so reaching EOF needs no growth;
     * then grow (up to max_bytes + 1, enough to notice an excess) if the file
     * turns out longer than fstat said. One more byte for the NUL. */
    size_t room = (size_t)st.st_size + 1;
    char *buf = gx_arena_alloc(arena, room + 1);
    size_t used = 0;
    for (;;) {
        if (used == room) {
            size_t nroom = room * 2 < 4096 ? 4096 : room * 2;
            if (nroom > max_bytes + 1)
                nroom = max_bytes + 1;
            char *nbuf = gx_arena_alloc(arena, nroom + 1);
            memcpy(nbuf, buf, used);
            buf = nbuf;
            room = nroom;
        }
        ssize_t r = read(fd, buf + used, room - used);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "read error: %s", strerror(errno));
            close(fd);
            return false;
        }
        if (r == 0)
            break;
        used += (size_t)r;
        if (used > max_bytes) {
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "check that this is the intended file",
                         "file is too large: more than %zu bytes were read (it grew while "
                         "being read); the limit is %zu bytes",
                         max_bytes, max_bytes);
            close(fd);
            return false;
        }
    }
    close(fd);
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return true;
}

gx_chart_path gx_chart_path_probe(const char *dir, const char *path)
{
    if (!path || !*path)
        return GX_CHART_PATH_MISSING;
    char full[PATH_MAX];
    int n = path[0] == '/' || !dir || !*dir ? snprintf(full, sizeof full, "%s", path)
                                              : snprintf(full, sizeof full, "%s/%s", dir, path);
    if (n < 0 || (size_t)n >= sizeof full)
        return GX_CHART_PATH_UNREADABLE;
    struct stat st;
    if (stat(full, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? GX_CHART_PATH_MISSING
                                                   : GX_CHART_PATH_UNREADABLE;
    if (S_ISDIR(st.st_mode)) {
        char chart[PATH_MAX];
        if (snprintf(chart, sizeof chart, "%s/Chart.yaml", full) >= (int)sizeof chart)
            return GX_CHART_PATH_UNREADABLE;
        struct stat cs;
        if (stat(chart, &cs) != 0)
            return errno == ENOENT ? GX_CHART_PATH_NO_CHART : GX_CHART_PATH_UNREADABLE;
        return S_ISREG(cs.st_mode) ? GX_CHART_PATH_DIRECTORY : GX_CHART_PATH_NO_CHART;
    }
    if (!S_ISREG(st.st_mode))
        return GX_CHART_PATH_OTHER;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return GX_CHART_PATH_UNREADABLE;
    unsigned char magic[2] = {0, 0};
    ssize_t r;
    do
        r = read(fd, magic, sizeof magic);
    while (r < 0 && errno == EINTR);
    close(fd);
    if (r < 0)
        return GX_CHART_PATH_UNREADABLE;
    return r == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? GX_CHART_PATH_ARCHIVE
                                                           : GX_CHART_PATH_NOT_GZIP;
}

bool gx_file_same(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len &&
                (st.st_mode & 07777) == mode;
    char piece[16384];
    size_t off = 0;
    while (same) {
        /* one byte more than is left: a longer file shows in the same read */
        size_t want = len - off < sizeof piece ? len - off + 1 : sizeof piece;
        ssize_t got = read(fd, piece, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            same = got == 0 && off == len;
            break;
        }
        same = (size_t)got <= len - off && !memcmp(piece, data + off, (size_t)got);
        off += (size_t)got;
        if (same && off == len && (size_t)got < want)
            break; /* a regular file read short: its end, no read of 0 bytes needed */
    }
    close(fd);
    return same;
}

bool gx_file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- writing ------------------------------------------------------------------ */

bool gx_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                          bool durable, gx_diags *diags)
{
    mode &= 07777;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot write: the path names a directory");
        return false;
    }
    /* the directory part: "" -> ".", "/x" -> "/" */
    char *dir;
    if (!slash) {
        dir = gx_xstrdup(".");
    } else {
        size_t dlen = (size_t)(slash - path);
        dir = gx_xstrndup(path, dlen ? dlen : 1);
    }
    /* temp: DIR/.BASE.tmp-XXXXXXXX with BASE cut to keep the name under NAME_MAX */
    size_t blen = strlen(base);
    if (blen > 200)
        blen = 200;
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0; /* keeps the '/' */
    char *tmp = gx_xasprintf("%.*s.%.*s.tmp-XXXXXXXX", (int)dirlen, path, (int)blen, base);
    size_t tlen = strlen(tmp);

    bool ok = false;
    int fd = -1;
    for (int attempt = 0; attempt < 100; attempt++) {
        if (!gx_fill_alnum(tmp + tlen - 8, 8, diags))
            goto out;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd >= 0 || errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "create the directory first",
                         "cannot write: directory %s does not exist", dir);
        else
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL,
                         "cannot create a temporary file in %s: %s", dir, strerror(err));
        goto out;
    }
    int err = 0;
    const char *what = NULL;
    if (fchmod(fd, mode) != 0) {
        err = errno;
        what = "cannot set the file mode";
    } else if ((err = gx_write_all(fd, data, len)) != 0) {
        what = NULL; /* a write error: reported by gx_diag_write_error */
    } else if (durable && fsync(fd) != 0) {
        err = errno;
        what = "cannot flush to disk";
    }
    int cerr = gx_close(fd);
    if (!err && cerr) {
        err = cerr;
        what = NULL;
    }
    if (err) {
        if (what)
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "the previous file is unchanged", "%s: %s", what,
                         strerror(err));
        else
            gx_diag_write_error(diags, path, err,
                                "free space on the file system; the previous file is unchanged");
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) != 0) {
        err = errno;
        if (err == EISDIR)
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "remove or rename the directory",
                         "cannot write: a directory is in the way");
        else
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, "the previous file is unchanged",
                         "cannot replace the file: %s", strerror(err));
        unlink(tmp);
        goto out;
    }
    if (durable) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) {
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0,
                         "the new content is in place but may not survive a power loss",
                         "cannot flush directory %s to disk: %s", dir, strerror(errno));
            if (dfd >= 0)
                close(dfd);
            goto out;
        }
        close(dfd);
    }
    ok = true;
out:
    free(tmp);
    free(dir);
    return ok;
}

/* mkdir p (NUL-terminated, no trailing slash), creating parents as needed.
 * p is modified during the call and restored. */
static bool gx_mkdir_p_inner(char *p, size_t len, mode_t mode, gx_diags *diags)
{
    for (int pass = 0; pass < 2; pass++) {
        if (mkdir(p, mode) == 0) {
            if (chmod(p, mode) != 0) {
                gx_diags_add(diags, GX_CODE_IO, p, 0, 0, NULL, "cannot set the directory mode: %s",
                             strerror(errno));
                return false;
            }
            return true;
        }
        int err = errno;
        if (err == EEXIST) {
            struct stat st;
            if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                return true;
            gx_diags_add(diags, GX_CODE_IO, p, 0, 0, "remove or rename it",
                         "cannot create directory: exists and is not a directory");
            return false;
        }
        if ((err != ENOENT && err != ENOTDIR) || pass == 1) {
            gx_diags_add(diags, GX_CODE_IO, p, 0, 0, NULL, "cannot create directory: %s", strerror(err));
            return false;
        }
        /* the parent is missing (or a file is in the way: the parent's step names
         * it): create the parent, then try again */
        size_t cut = len;
        while (cut > 0 && p[cut - 1] != '/')
            cut--;
        while (cut > 1 && p[cut - 1] == '/')
            cut--;
        if (cut == 0 || (cut == 1 && p[0] == '/')) {
            gx_diags_add(diags, GX_CODE_IO, p, 0, 0, NULL, "cannot create directory: %s", strerror(err));
            return false;
        }
        char saved = p[cut];
        p[cut] = '\0';
        bool ok = gx_mkdir_p_inner(p, cut, mode, diags);
        p[cut] = saved;
        if (!ok)
            return false;
    }
    return false;
}

bool gx_mkdir_p(const char *path, mode_t mode, gx_diags *diags)
{
    mode &= 07777;
    size_t len = strlen(path);
    if (len == 0) {
        gx_diags_add(diags, GX_CODE_IO, NULL, 0, 0, NULL, "cannot create a directory with an empty name");
        return false;
    }
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len == 1 && path[0] == '/')
        return true;
    char *p = gx_xstrndup(path, len);
    bool ok = gx_mkdir_p_inner(p, len, mode, diags);
    free(p);
    return ok;
}

/* ---- removing ----------------------------------------------------------------- */

/* Empties the directory open at dfd (which this takes over and closes).
 * where holds its path, for messages; it is restored before returning. */
static bool gx_empty_dir(int dfd, dev_t dev, gx_buf *where, gx_diags *diags)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot read directory: %s",
                     strerror(errno));
        close(dfd);
        return false;
    }
    bool ok = true;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot read directory: %s",
                             strerror(errno));
                ok = false;
            }
            break;
        }
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        size_t mark = where->len;
        gx_buf_putc(where, '/');
        gx_buf_puts(where, name);
        bool isdir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            isdir = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (!isdir && unlinkat(dfd, name, 0) != 0) {
            int err = errno;
            if (err == EISDIR || err == EPERM) { /* a directory after all (d_type lied) */
                struct stat st;
                isdir = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                        S_ISDIR(st.st_mode);
            }
            if (!isdir && err != ENOENT) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot remove: %s",
                             strerror(err));
                ok = false;
            }
        }
        if (isdir) {
            int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            struct stat st;
            if (cfd < 0) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot open directory: %s",
                             strerror(errno));
                ok = false;
            } else if (fstat(cfd, &st) != 0) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot examine: %s",
                             strerror(errno));
                close(cfd);
                ok = false;
            } else if (st.st_dev != dev) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, "unmount it first",
                             "is a mount point; not removed");
                close(cfd);
                ok = false;
            } else if (!gx_empty_dir(cfd, dev, where, diags)) {
                ok = false;
            } else if (unlinkat(dfd, name, AT_REMOVEDIR) != 0) {
                gx_diags_add(diags, GX_CODE_IO, where->data, 0, 0, NULL, "cannot remove directory: %s",
                             strerror(errno));
                ok = false;
            }
        }
        where->len = mark;
        where->data[mark] = '\0';
    }
    closedir(d);
    return ok;
}

bool gx_remove_tree(const char *path, gx_diags *diags)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return true;
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot examine: %s", strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0 && errno != ENOENT) {
            gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot remove: %s", strerror(errno));
            return false;
        }
        return true;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot open directory: %s", strerror(errno));
        return false;
    }
    gx_buf where = GX_BUF_INIT;
    gx_buf_puts(&where, path);
    while (where.len > 1 && where.data[where.len - 1] == '/')
        where.data[--where.len] = '\0';
    bool ok = gx_empty_dir(fd, st.st_dev, &where, diags);
    gx_buf_free(&where);
    if (ok && rmdir(path) != 0) {
        gx_diags_add(diags, GX_CODE_IO, path, 0, 0, NULL, "cannot remove directory: %s", strerror(errno));
        ok = false;
    }
    return ok;
}

/* ---- the workspace lock ----------------------------------------------------------- */

int gx_lock_workspace(const char *workspace_dir, gx_diags *diags)
{
    return gx_lock_workspace_ex(workspace_dir, true, NULL, NULL, diags);
}

int gx_lock_workspace_ex(const char *workspace_dir, bool exclusive, gx_lock_wait_fn on_wait,
                         void *ctx, gx_diags *diags)
{
    char *state = gx_path_join(workspace_dir, GX_STATE_DIR);
    char *lock = gx_path_join(workspace_dir, GX_LOCK_FILE);
    int fd = -1;
    if (mkdir(state, 0700) == 0) {
        if (chmod(state, 0700) != 0) {
            gx_diags_add(diags, GX_CODE_IO, state, 0, 0, NULL, "cannot set the directory mode: %s",
                         strerror(errno));
            goto out;
        }
    } else if (errno == ENOENT) {
        gx_diags_add(diags, GX_CODE_IO, workspace_dir, 0, 0, "create it with init, or name another workspace",
                     "workspace directory does not exist");
        goto out;
    } else if (errno == EEXIST) {
        struct stat st;
        if (stat(state, &st) != 0 || !S_ISDIR(st.st_mode)) {
            gx_diags_add(diags, GX_CODE_IO, state, 0, 0,
                         "the tool keeps its state in this directory; move the file away",
                         "exists and is not a directory");
            goto out;
        }
        /* records, history and the lock live here: a writer refuses a state
         * directory someone else could change under it */
        struct stat lst;
        if (exclusive && lstat(state, &lst) == 0 &&
            (S_ISLNK(lst.st_mode) || lst.st_uid != geteuid() || (lst.st_mode & 022))) {
            if (S_ISLNK(lst.st_mode))
                gx_diags_add(diags, GX_CODE_IO, state, 0, 0,
                             "make it a directory of the workspace's own (mode 0700)",
                             "is a symbolic link; the tool keeps its records and history "
                             "only in a directory of its own");
            else if (lst.st_uid != geteuid())
                gx_diags_add(diags, GX_CODE_IO, state, 0, 0,
                             "run the tool as the user who owns the workspace",
                             "belongs to another user (uid %ld): they could change the "
                             "records, history and scripts under the tool",
                             (long)lst.st_uid);
            else
                gx_diags_add(diags, GX_CODE_IO, state, 0, 0,
                             "make it private: chmod 700 (the tool creates it so)",
                             "is writable by other users (mode %04o): they could change the "
                             "records, history and scripts under the tool",
                             (unsigned)(lst.st_mode & 07777));
            goto out;
        }
    } else if (!exclusive && (errno == EROFS || errno == EACCES || errno == EPERM)) {
        fd = GX_LOCK_NONE; /* a reader of a workspace no one can write */
        goto out;
    } else {
        gx_diags_add(diags, GX_CODE_IO, state, 0, 0, NULL, "cannot create the state directory: %s",
                     strerror(errno));
        goto out;
    }
    fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
    if (fd < 0 && !exclusive && (errno == EROFS || errno == EACCES || errno == EPERM)) {
        /* a reader: a shared lock needs no write access to the lock file */
        fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0 && (errno == ENOENT || errno == EROFS || errno == EACCES || errno == EPERM)) {
            fd = GX_LOCK_NONE;
            goto out;
        }
    }
    if (fd < 0) {
        gx_diags_add(diags, GX_CODE_IO, lock, 0, 0, NULL, "cannot open the workspace lock: %s",
                     strerror(errno));
        goto out;
    }
    int how = exclusive ? LOCK_EX : LOCK_SH;
    if (flock(fd, how | LOCK_NB) == 0)
        goto out; /* taken at once */
    if (errno == EWOULDBLOCK && on_wait) {
        /* held elsewhere: tell the caller now, and again after a second */
        on_wait(ctx, 0);
        for (int waited = 0; waited < 1000; waited += 50) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
            if (flock(fd, how | LOCK_NB) == 0)
                goto out;
        }
        on_wait(ctx, 1000);
    }
    while (flock(fd, how) != 0) {
        if (errno == EINTR)
            continue;
        gx_diags_add(diags, GX_CODE_IO, lock, 0, 0, NULL, "cannot lock the workspace: %s",
                     strerror(errno));
        close(fd);
        fd = -1;
        break;
    }
out:
    free(state);
    free(lock);
    return fd;
}

void gx_lock_note_holder(int fd, const char *command)
{
    if (fd < 0)
        return;
    char text[512];
    int n = snprintf(text, sizeof text, "%ld %s\n", (long)getpid(), command ? command : "");
    if (n < 0)
        return;
    if ((size_t)n >= sizeof text)
        n = (int)sizeof text - 1, text[n - 1] = '\n';
    if (ftruncate(fd, 0) == 0)
        (void)!pwrite(fd, text, (size_t)n, 0);
}

void gx_lock_clear_holder(int fd)
{
    if (fd >= 0)
        (void)!ftruncate(fd, 0);
}

const char *gx_lock_holder(gx_arena *arena, const char *workspace_dir)
{
    char *lock = gx_path_join(workspace_dir, GX_LOCK_FILE);
    int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
    free(lock);
    if (fd < 0)
        return NULL;
    char text[512];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    if (n <= 0)
        return NULL;
    text[n] = '\0';
    text[strcspn(text, "\n")] = '\0';
    return text[0] ? gx_arena_strdup(arena, text) : NULL;
}

void gx_unlock_workspace(int fd)
{
    if (fd < 0)
        return;
    (void)flock(fd, LOCK_UN);
    close(fd);
}

/* ---- the export directory swap ------------------------------------------------------ */

bool gx_staging_begin(gx_staging *st, const char *parent_dir, gx_diags *diags)
{
    st->dir = NULL;
    st->keep = false;
    char *tmpl = gx_path_join(parent_dir, ".glyphoxa-staging-XXXXXX");
    if (!mkdtemp(tmpl)) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            gx_diags_add(diags, GX_CODE_IO, parent_dir, 0, 0, NULL, "directory does not exist");
        else
            gx_diags_add(diags, GX_CODE_IO, parent_dir, 0, 0, NULL,
                         "cannot create a staging directory: %s", strerror(err));
        free(tmpl);
        return false;
    }
    st->dir = tmpl;
    return true;
}

/* relative, no empty / "." / ".." segments */
static bool gx_relpath_ok(const char *p)
{
    if (*p == '\0' || *p == '/')
        return false;
    for (;;) {
        const char *s = strchr(p, '/');
        size_t n = s ? (size_t)(s - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!s)
            return true;
        p = s + 1;
    }
}

bool gx_staging_write(gx_staging *st, const char *relpath, const char *data, size_t len,
                      mode_t mode, gx_diags *diags)
{
    mode &= 07777;
    if (!st->dir) {
        gx_diags_add(diags, GX_CODE_IO, relpath, 0, 0, NULL, "internal error: no staging directory");
        return false;
    }
    if (!gx_relpath_ok(relpath)) {
        gx_diags_add(diags, GX_CODE_IO, relpath, 0, 0, NULL,
                     "internal error: not a plain relative path for a rendered file");
        return false;
    }
    char *full = gx_path_join(st->dir, relpath);
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = open(full, flags, mode);
    if (fd < 0 && errno == ENOENT) {
        char *cut = strrchr(full, '/'); /* exists: full = dir "/" relpath */
        *cut = '\0';
        bool made = gx_mkdir_p(full, st->dir_mode ? (mode_t)st->dir_mode : GX_STAGING_DIR_MODE,
                               diags);
        *cut = '/';
        if (!made) {
            free(full);
            return false;
        }
        fd = open(full, flags, mode);
    }
    bool ok = false;
    if (fd < 0) {
        if (errno == EEXIST)
            gx_diags_add(diags, GX_CODE_IO, relpath, 0, 0, NULL,
                         "internal error: rendered twice in one export");
        else
            gx_diags_add(diags, GX_CODE_IO, relpath, 0, 0, NULL, "cannot create in %s: %s", st->dir,
                         strerror(errno));
        goto out;
    }
    int err = fchmod(fd, mode) != 0 ? errno : 0;
    if (err) {
        gx_diags_add(diags, GX_CODE_IO, relpath, 0, 0, NULL, "cannot set the file mode: %s",
                     strerror(err));
        close(fd);
        goto out;
    }
    err = gx_write_all(fd, data, len);
    int cerr = gx_close(fd);
    if (!err)
        err = cerr;
    if (err) {
        gx_diag_write_error(diags, relpath, err,
                            "free space on the file system; the previous export is unchanged");
        goto out;
    }
    ok = true;
out:
    free(full);
    return ok;
}

enum gx_move { GX_MOVE_NONE, GX_MOVE_NEW, GX_MOVE_EXCHANGED, GX_MOVE_ASIDE };

typedef struct gx_commit_item {
    char *src;   /* STAGING/NAME */
    char *dst;   /* DEST/NAME */
    char *aside; /* STAGING/.old-NAME (fallback only) */
    bool dst_exists;
    enum gx_move done;
    int undo_err; /* errno of a failed undo, else 0 */
} gx_commit_item;

static int gx_exchange(const char *a, const char *b)
{
    if (gx_files_test_no_exchange) {
        errno = EINVAL;
        return -1;
    }
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

/* Performs one move. Returns 0, or an errno value when nothing changed, or -1
 * when the fallback moved the old tree aside and could neither move the new one
 * in nor the old one back (dest/NAME is then missing; the old tree is at aside). */
static int gx_commit_move(gx_commit_item *it, size_t step)
{
    if (gx_files_test_fail_commit_at > 0 && (size_t)gx_files_test_fail_commit_at == step)
        return EIO;
    if (!it->dst_exists) {
        if (rename(it->src, it->dst) != 0)
            return errno;
        it->done = GX_MOVE_NEW;
        return 0;
    }
    if (gx_exchange(it->src, it->dst) == 0) {
        it->done = GX_MOVE_EXCHANGED;
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return errno;
    /* no RENAME_EXCHANGE here: old aside, new in, old back if that fails */
    if (rename(it->dst, it->aside) != 0)
        return errno;
    if (rename(it->src, it->dst) != 0) {
        int err = errno;
        if (rename(it->aside, it->dst) != 0)
            return -1; /* only with outside interference */
        return err;
    }
    it->done = GX_MOVE_ASIDE;
    return 0;
}

/* Undoes one move; true when dest is as before. */
static bool gx_commit_undo(gx_commit_item *it)
{
    switch (it->done) {
    case GX_MOVE_NEW:
        return rename(it->dst, it->src) == 0;
    case GX_MOVE_EXCHANGED:
        return renameat2(AT_FDCWD, it->src, AT_FDCWD, it->dst, RENAME_EXCHANGE) == 0;
    case GX_MOVE_ASIDE:
        return rename(it->dst, it->src) == 0 && rename(it->aside, it->dst) == 0;
    case GX_MOVE_NONE:
        break;
    }
    return true;
}

static bool gx_top_name_ok(const char *name)
{
    return name[0] != '\0' && name[0] != '.' && !strchr(name, '/');
}

bool gx_staging_commit(gx_staging *st, const char *const *top_dirs, size_t n,
                       const char *dest_dir, gx_diags *diags)
{
    if (!st->dir) {
        gx_diags_add(diags, GX_CODE_IO, dest_dir, 0, 0, NULL, "internal error: no staging directory");
        return false;
    }
    struct stat sst, dst;
    if (stat(st->dir, &sst) != 0) {
        gx_diags_add(diags, GX_CODE_IO, st->dir, 0, 0, NULL, "staging directory vanished: %s",
                     strerror(errno));
        return false;
    }
    if (stat(dest_dir, &dst) != 0) {
        gx_diags_add(diags, GX_CODE_IO, dest_dir, 0, 0, NULL, "cannot use as the export directory: %s",
                     strerror(errno));
        return false;
    }
    if (!S_ISDIR(dst.st_mode)) {
        gx_diags_add(diags, GX_CODE_IO, dest_dir, 0, 0, NULL, "is not a directory");
        return false;
    }
    gx_commit_item *items = gx_xcalloc(n, sizeof *items);
    size_t made = 0;
    bool ok = false;

    /* check everything before moving anything */
    for (size_t i = 0; i < n; i++) {
        const char *name = top_dirs[i];
        gx_commit_item *it = &items[i];
        it->src = gx_path_join(st->dir, name);
        it->dst = gx_path_join(dest_dir, name);
        it->aside = gx_xasprintf("%s/.old-%s", st->dir, name);
        it->done = GX_MOVE_NONE;
        it->dst_exists = false;
        it->undo_err = 0;
        made = i + 1;
        if (!gx_top_name_ok(name)) {
            gx_diags_add(diags, GX_CODE_IO, name, 0, 0, NULL,
                         "internal error: not a top-level directory name");
            goto out;
        }
        struct stat s;
        if (lstat(it->src, &s) != 0 || !S_ISDIR(s.st_mode)) {
            gx_diags_add(diags, GX_CODE_IO, it->dst, 0, 0, NULL,
                         "internal error: nothing was staged for this directory");
            goto out;
        }
        if (lstat(it->dst, &s) == 0) {
            if (S_ISLNK(s.st_mode)) {
                gx_diags_add(diags, GX_CODE_IO, it->dst, 0, 0,
                             "export replaces this directory as a whole; remove the link or "
                             "export with --out DIR",
                             "is a symbolic link; not replaced");
                goto out;
            }
            if (!S_ISDIR(s.st_mode)) {
                gx_diags_add(diags, GX_CODE_IO, it->dst, 0, 0,
                             "export writes a directory here; move the file away",
                             "exists and is not a directory");
                goto out;
            }
            if (s.st_dev != sst.st_dev) {
                gx_diags_add(diags, GX_CODE_IO, it->dst, 0, 0,
                             "export replaces this directory by renaming; it cannot be a "
                             "mount point",
                             "is on another file system than the staging directory %s",
                             st->dir);
                goto out;
            }
            it->dst_exists = true;
        } else if (errno != ENOENT) {
            gx_diags_add(diags, GX_CODE_IO, it->dst, 0, 0, NULL, "cannot examine: %s", strerror(errno));
            goto out;
        }
    }
    if (dst.st_dev != sst.st_dev) {
        gx_diags_add(diags, GX_CODE_IO, dest_dir, 0, 0,
                     "stage the export in a directory on the same file system",
                     "is on another file system than the staging directory %s", st->dir);
        goto out;
    }

    /* move, undoing earlier moves if one fails */
    for (size_t i = 0; i < n; i++) {
        int err = gx_commit_move(&items[i], i + 1);
        if (err == 0) {
            if (gx_files_test_after_move)
                gx_files_test_after_move(i + 1);
            continue;
        }
        /* undo first, so that the message can say truthfully where things are */
        bool restored = err != -1;
        for (size_t j = i; j-- > 0;) {
            items[j].undo_err = gx_commit_undo(&items[j]) ? 0 : errno;
            if (items[j].undo_err)
                restored = false;
        }
        if (err == -1)
            gx_diags_add(diags, GX_CODE_IO, items[i].dst, 0, 0, "move it back by hand",
                         "cannot replace the directory, nor put the previous one back; "
                         "the previous one is at %s",
                         items[i].aside);
        else
            gx_diags_add(diags, GX_CODE_IO, items[i].dst, 0, 0,
                         restored ? "the previous export was left as it was" : NULL,
                         "cannot replace the directory: %s", strerror(err));
        for (size_t j = 0; j < i; j++) {
            if (items[j].undo_err)
                gx_diags_add(diags, GX_CODE_IO, items[j].dst, 0, 0,
                             "the previous tree is in the staging directory, which is kept",
                             "cannot put the previous directory back: %s (staging directory "
                             "%s)",
                             strerror(items[j].undo_err), st->dir);
        }
        if (!restored)
            st->keep = true;
        goto out;
    }
    ok = true;

out:
    for (size_t i = 0; i < made; i++) {
        free(items[i].src);
        free(items[i].dst);
        free(items[i].aside);
    }
    free(items);
    if (ok) {
        st->keep = false;
        gx_staging_abort(st); /* removes what is left of the staging directory */
    }
    return ok;
}

void gx_staging_abort(gx_staging *st)
{
    if (!st->dir)
        return;
    if (!st->keep) {
        gx_diags ignored = GX_DIAGS_INIT;
        (void)gx_remove_tree(st->dir, &ignored);
        gx_diags_free(&ignored);
    }
    free(st->dir);
    st->dir = NULL;
    st->keep = false;
}

/* ---- the OS random source ------------------------------------------------------------ */

bool gx_random_bytes(void *buf, size_t n, gx_diags *diags)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            gx_diags_add(diags, GX_CODE_IO, NULL, 0, 0, "the kernel's random source (getrandom) is needed",
                         "cannot get random bytes: %s", strerror(errno));
            return false;
        }
        p += r;
        n -= (size_t)r;
    }
    return true;
}

char *gx_random_token(gx_arena *arena, size_t nchars, gx_diags *diags)
{
    char *s = gx_arena_alloc(arena, nchars + 1);
    if (!gx_fill_alnum(s, nchars, diags))
        return NULL;
    s[nchars] = '\0';
    return s;
}
