/* gx_files — the file-safety layer (docs/architecture.md, "Lock first"): bounded reads, atomic writes,
 * the workspace lock, the export directory swap, tree removal and the OS
 * random source. Depends on gx_arena, gx_buf, gx_diag, gx_xalloc and Linux/glibc
 * (getrandom, flock, renameat2).
 *
 * Conventions for every function here:
 * - Failures are reported as one or more diagnostics added to diags (file is
 *   the path concerned, line/col 0, a message with the OS reason, usually a
 *   hint) and a false / -1 / NULL return. Nothing is printed.
 * - Every descriptor opened here is O_CLOEXEC, so a child process (kubectl,
 *   helm, bash) never inherits a file or the workspace lock.
 * - Modes given to the functions are applied exactly (fchmod/chmod after
 *   creation), whatever the umask; creation itself uses the same mode, so a
 *   file or directory is never more permissive than asked, not even briefly.
 * - Not thread-safe with respect to the test hooks at the end; otherwise the
 *   functions keep no state.
 *
 * Signals: a write that crosses RLIMIT_FSIZE raises SIGXFSZ, whose default
 * action kills the process. The command line must set SIGXFSZ to SIG_IGN at
 * start-up; the write then fails with EFBIG, which these functions report as
 * an ordinary error and clean up after. */
#ifndef GX_FILES_H
#define GX_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "gx_arena.h"
#include "gx_diag.h"

/* The tool's state directory inside a workspace, and the lock file in it. */
#define GX_STATE_DIR ".glyphoxa-deploy"
#define GX_LOCK_FILE GX_STATE_DIR "/lock"

/* ---- reading ---------------------------------------------------------------- */

/* Reads the whole regular file at path into arena memory.
 * On success *data points to len bytes followed by a NUL (the content may hold
 * NULs of its own; len is authoritative) and true is returned.
 * Fails (false, *data and *len untouched, one diagnostic naming path) when the file
 * is missing or unreadable, is a directory, is not a regular file (FIFO,
 * device, socket: these are refused without blocking), is larger than
 * max_bytes (by fstat, before reading), or holds more than max_bytes when read
 * (a file that grows, or a /proc file whose size fstat reports as 0), or on a
 * read error. A file of exactly max_bytes is accepted.
 * Arena use: about the file's size; a file that grows while being read may
 * leave some abandoned buffers behind in the arena. */
bool gx_file_read(gx_arena *arena, const char *path, size_t max_bytes, char **data,
                  size_t *len, gx_diags *diags);

/* True when path is a regular file (not a symbolic link) whose permission bits
 * are mode and which holds exactly the len bytes at data. Compared a piece at a
 * time through one buffer: nothing is kept, whatever the file's size. */
bool gx_file_same(const char *path, const char *data, size_t len, mode_t mode);

/* True when path names a directory entry of any kind (lstat succeeds), a
 * dangling symbolic link included; false when it does not or cannot be
 * examined. Meant for "do not overwrite what is there" checks. */
bool gx_file_exists(const char *path);

/* What a local Helm chart path is (gx_chart_path_probe). */
typedef enum gx_chart_path {
    GX_CHART_PATH_MISSING,    /* nothing there */
    GX_CHART_PATH_ARCHIVE,    /* a regular file that starts with the gzip magic */
    GX_CHART_PATH_DIRECTORY,  /* a directory holding a regular file Chart.yaml */
    GX_CHART_PATH_NOT_GZIP,   /* a regular file that is not gzip-compressed */
    GX_CHART_PATH_NO_CHART,   /* a directory without Chart.yaml */
    GX_CHART_PATH_OTHER,      /* a FIFO, device or socket */
    GX_CHART_PATH_UNREADABLE  /* there, but it cannot be examined or read */
} gx_chart_path;

/* What path is as a Helm chart: a chart archive or a chart directory. A
 * relative path is taken relative to dir (where helm runs); symbolic links
 * are followed, as helm follows them. Reads at most the first two bytes of a
 * file; never blocks on a FIFO. */
gx_chart_path gx_chart_path_probe(const char *dir, const char *path);

/* ---- writing ---------------------------------------------------------------- */

/* Replaces the file at path with len bytes of data, atomically: readers see the
 * old content or the new, never a mix.
 * How: a temporary file ".NAME.tmp-XXXXXXXX" is created in path's directory
 * (O_EXCL, with mode from the start, then fchmod'd to exactly mode & 07777),
 * written in full (EINTR and short writes handled), and renamed over path.
 * With durable, the temporary file is fsync'd before the rename and the
 * directory after it (for values.yaml); without durable there is no fsync
 * (for derived data).
 * On failure (directory missing, disk full (ENOSPC/EDQUOT), file size limit
 * (EFBIG), I/O error, path is a directory, ...) false is returned with a
 * diagnostic, the temporary file is removed and the file at path is exactly as
 * it was. A process killed between creating the temporary file and the rename
 * leaves that temporary file (mode as asked, partial content) behind; path is
 * still untouched.
 * One exception: when durable and only the fsync of the directory after the
 * rename fails, the new content is already in place; false is returned with a
 * diagnostic saying so.
 * A symbolic link at path is replaced by the file, not followed. */
bool gx_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                          bool durable, gx_diags *diags);

/* Creates the directory path and every missing parent ("mkdir -p"). Each
 * directory created gets exactly mode & 07777; existing directories (or
 * symbolic links to directories) are left as they are. Fails with a diagnostic
 * naming the first component that cannot be created or exists as something
 * other than a directory. Trailing and repeated slashes are accepted. */
bool gx_mkdir_p(const char *path, mode_t mode, gx_diags *diags);

/* Removes path and everything below it ("rm -r", without following symbolic
 * links: a link is removed, never its target). A path that does not exist is
 * success. path may be a file or a link. Does not descend into another file
 * system (a mount point below path is reported and left). Removes all it can,
 * then reports every failure (up to the diags limit). */
bool gx_remove_tree(const char *path, gx_diags *diags);

/* ---- the workspace lock ------------------------------------------------------ */

/* Takes the exclusive workspace lock: creates workspace_dir/.glyphoxa-deploy
 * (mode 0700) if missing, opens .glyphoxa-deploy/lock (created 0600) and waits
 * for an exclusive flock on it (retrying after EINTR). Returns the descriptor
 * that holds the lock, or -1 with a diagnostic (workspace missing, state path
 * not a directory, permission, ...). The lock lasts until gx_unlock_workspace
 * or process exit; it is not inherited across exec. workspace_dir must exist. */
int gx_lock_workspace(const char *workspace_dir, gx_diags *diags);

/* Called while a lock is held elsewhere: once with waited_ms 0 when waiting
 * begins, once more with 1000 after a second of waiting. */
typedef void (*gx_lock_wait_fn)(void *ctx, int waited_ms);

/* gx_lock_workspace with a choice: exclusive (writers) or shared (readers
 * that render); on_wait (may be NULL) hears about waiting. A shared lock on
 * a workspace that cannot be written (read-only file system, no
 * permission) returns GX_LOCK_NONE without a diagnostic: no writer can
 * change it either. gx_unlock_workspace takes GX_LOCK_NONE. */
#define GX_LOCK_NONE (-2)
int gx_lock_workspace_ex(const char *workspace_dir, bool exclusive, gx_lock_wait_fn on_wait,
                         void *ctx, gx_diags *diags);

/* Releases the lock taken by gx_lock_workspace and closes fd. fd < 0 is a no-op. */
void gx_unlock_workspace(int fd);

/* Who holds the lock, for processes waiting for it: the holder of an
 * exclusive lock writes "PID COMMAND\n" into the lock file (fd as returned by
 * gx_lock_workspace*), and clears it before it unlocks; a waiter reads it.
 * Best effort: errors are ignored. command must hold no secret (a command
 * name, never argv). */
void gx_lock_note_holder(int fd, const char *command);
void gx_lock_clear_holder(int fd);
/* The note in workspace_dir's lock file ("PID COMMAND", no newline), in
 * arena; NULL when there is none. */
const char *gx_lock_holder(gx_arena *arena, const char *workspace_dir);

/* ---- the export directory swap ------------------------------------------------ */

/* A staging directory that an export renders into before swapping its
 * top-level directories into place. Life cycle:
 *
 *     gx_staging st = GX_STAGING_INIT;
 *     if (!gx_staging_begin(&st, parent, diags)) return false;
 *     ok = gx_staging_write(&st, "generated/a.yaml", ...) && ...
 *          && gx_staging_commit(&st, tops, 2, dest, diags);
 *     gx_staging_abort(&st);   // always: removes what is left; no-op after commit
 *
 * Until a commit succeeds, dest_dir is never touched. */
typedef struct gx_staging {
    char *dir;  /* the staging directory (malloc'd); NULL when none is active */
    bool keep;  /* set when a failed rollback left old data in dir: abort keeps it */
    unsigned dir_mode; /* mode of the directories gx_staging_write creates
                        * (e.g. generated/infra/); GX_STAGING_INIT sets
                        * GX_STAGING_DIR_MODE, a caller may narrow it */
} gx_staging;

/* Default mode of the directories gx_staging_write creates. */
#define GX_STAGING_DIR_MODE 0755

#define GX_STAGING_INIT {NULL, false, GX_STAGING_DIR_MODE}

/* Creates a fresh private (0700) directory parent_dir/.glyphoxa-staging-XXXXXX.
 * parent_dir must exist and be on the same file system as the dest_dir of the
 * commit, so that the commit is made of renames: use
 * "WORKSPACE/.glyphoxa-deploy" for a workspace export, and the output directory
 * itself for "export --out DIR". st must be GX_STAGING_INIT or finished
 * (committed or aborted). */
bool gx_staging_begin(gx_staging *st, const char *parent_dir, gx_diags *diags);

/* Writes a new file relpath (e.g. "generated/infra/postgresql.yaml") in the
 * staging directory with exactly mode, creating its parent directories
 * (GX_STAGING_DIR_MODE). No fsync: rendered files are derived data.
 * relpath must be relative, without empty, "." or ".." segments; writing the
 * same relpath twice in one staging is an error (O_EXCL). */
bool gx_staging_write(gx_staging *st, const char *relpath, const char *data, size_t len,
                      mode_t mode, gx_diags *diags);

/* Moves each staged top-level directory top_dirs[i] (a single name not starting
 * with '.', e.g. "generated", "scripts") to dest_dir/top_dirs[i], replacing
 * the whole previous tree (files only in the old tree disappear).
 * Checked first, before anything moves: each top dir was staged as a
 * directory; each destination is absent or a real directory (not a file, not a
 * symbolic link); everything is on one file system.
 * An existing destination is swapped with renameat2(RENAME_EXCHANGE); where the
 * file system does not support that, the old tree is renamed aside and the new
 * one renamed in (the old one is put back if that fails). An absent destination
 * gets a plain rename. If moving any top dir fails, the ones already moved are
 * swapped back, dest_dir is as before, false is returned and the staging
 * directory remains for gx_staging_abort. On success the old trees are removed
 * with the staging directory and st is finished (removal problems are not
 * errors: leftovers stay under parent_dir/.glyphoxa-staging-*).
 * Each top dir is replaced atomically; the set is not (a crash between two
 * renames leaves a new "generated" beside an old "scripts"). */
bool gx_staging_commit(gx_staging *st, const char *const *top_dirs, size_t n,
                       const char *dest_dir, gx_diags *diags);

/* Removes the staging directory and all in it, and finishes st. Safe to call
 * on a finished or GX_STAGING_INIT st. Errors are ignored (leftovers stay). If
 * a failed rollback set st->keep, the directory is kept (it holds the old tree
 * named in the commit's diagnostic) and st is finished all the same. */
void gx_staging_abort(gx_staging *st);

/* ---- the OS random source ---------------------------------------------------- */

/* Fills buf with n bytes from getrandom(2) (waiting once for the kernel's pool
 * at boot; EINTR and short reads retried). False with a diagnostic when the
 * kernel refuses. */
bool gx_random_bytes(void *buf, size_t n, gx_diags *diags);

/* A NUL-terminated string of nchars characters drawn uniformly from
 * [A-Za-z0-9] (rejection sampling: no modulo bias; about 5.95 bits each, so 32
 * characters carry about 190 bits), allocated in arena. For generated admin
 * keys and database passwords. NULL with a diagnostic when the random source
 * fails. */
char *gx_random_token(gx_arena *arena, size_t nchars, gx_diags *diags);

/* ---- test hooks: for tests/test_files.c only; the tool never sets them ---- */

/* When > 0, the gx_staging_commit move number k (1-based, counting top dirs)
 * fails as if with EIO, to exercise the rollback. */
extern int gx_files_test_fail_commit_at;
/* When true, RENAME_EXCHANGE behaves as unsupported, to exercise the fallback. */
extern bool gx_files_test_no_exchange;
/* When set, called after gx_staging_commit moved top dir number k (1-based),
 * e.g. to kill the process between two moves. */
extern void (*gx_files_test_after_move)(size_t k);

#endif
