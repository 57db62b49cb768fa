/* output.c - atomic publication of the executable, and removal of the
 * temporary files a killed freeze left; see output.h. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The temporary file's name: ".BASE.pyfreeze-PID-RANDOM", BASE being OUT's
 * last component cut to TEMP_BASE_MAX bytes (so the name fits NAME_MAX, 255,
 * whatever OUT is called), PID the creating process in decimal, RANDOM
 * TEMP_RANDOM_LEN letters and digits. */
#define TEMP_TAG ".pyfreeze-"
#define TEMP_BASE_MAX 200
#define TEMP_RANDOM_LEN 6
/* Names tried before giving up when they exist already: 62^6 names, so only
 * a directory filled on purpose ever needs a second try. */
#define TEMP_ATTEMPTS 100

/* parent_dir: a malloc'd copy of the directory part of path ("." when none). */
static char *parent_dir(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL) {
        return NULL;
    }
    char *dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

/* check_dir: the directory exists, is a directory and we may create files
 * in it. access(2) answers for the real user, who is the one running us. */
static int check_dir(const char *dir, const char *path, pf_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "cannot write '%s': directory '%s' %s; create it first", path, dir,
                            errno == ENOENT ? "does not exist" : strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        return pf_error_set(err, PF_ERR_USAGE, "cannot write '%s': '%s' is not a directory", path,
                            dir);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "cannot write '%s': directory '%s' is not writable (%s); choose "
                            "another -o",
                            path, dir, strerror(errno));
    }
    return PF_OK;
}

int pfz_output_check(const char *path, const char *const *inputs, size_t input_count, pf_error *err)
{
    struct stat out_st;
    int out_exists = stat(path, &out_st) == 0;
    if (out_exists && S_ISDIR(out_st.st_mode)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "output '%s' is a directory: give -o the executable's file name", path);
    }
    if (out_exists && !S_ISREG(out_st.st_mode)) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "output '%s' exists and is not a regular file: choose another -o",
                            path);
    }
    char *dir = parent_dir(path);
    if (dir == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    int rc = check_dir(dir, path, err);
    free(dir);
    if (rc != PF_OK || !out_exists) {
        return rc;
    }
    for (size_t i = 0; i < input_count; i++) {
        struct stat in_st;
        if (inputs[i] == NULL || stat(inputs[i], &in_st) != 0) {
            continue;
        }
        if (in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "output '%s' is the same file as input '%s': it would be "
                                "overwritten; choose another -o",
                                path, inputs[i]);
        }
    }
    return PF_OK;
}

/* random_chars: fills dst[0..n) with letters and digits, from getrandom(2),
 * or from the clock and a counter where it is unavailable (an old kernel, a
 * seccomp policy): the name then is guessable, which O_EXCL makes harmless. */
static void random_chars(char *dst, size_t n)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static unsigned counter;
    unsigned char bytes[16];
    if (n > sizeof bytes) {
        n = sizeof bytes;
    }
    if (getrandom(bytes, n, GRND_NONBLOCK) != (ssize_t)n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x = (unsigned long long)ts.tv_nsec ^
                               ((unsigned long long)getpid() << 32) ^ (++counter * 0x9e3779b9u);
        for (size_t i = 0; i < n; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL) {
            bytes[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < n; i++) {
        dst[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
    }
}

/* make_temp_name: writes into dst (dstCapacity bytes, at least NAME_MAX + 1)
 * a fresh temporary name for OUT = path, recording this process. */
static void make_temp_name(char *dst, size_t dstCapacity, const char *path)
{
    /* OUT's last component, trailing slashes ignored as basename(3) does */
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/') {
        end--;
    }
    size_t start = end;
    while (start > 0 && path[start - 1] != '/') {
        start--;
    }
    size_t len = end - start;
    const char *base = path + start;
    if (len == 0 || (len == 1 && base[0] == '/')) {
        base = "pyfreeze";
        len = strlen(base);
    }
    if (len > TEMP_BASE_MAX) {
        len = TEMP_BASE_MAX;
    }
    char rnd[TEMP_RANDOM_LEN + 1];
    random_chars(rnd, TEMP_RANDOM_LEN);
    rnd[TEMP_RANDOM_LEN] = '\0';
    snprintf(dst, dstCapacity, ".%.*s" TEMP_TAG "%ld-%s", (int)len, base, (long)getpid(), rnd);
}

/* temp_name_pid: the PID recorded in name when name has the temporary
 * files' pattern (see make_temp_name), else 0. */
static pid_t temp_name_pid(const char *name)
{
    size_t len = strlen(name), tag = strlen(TEMP_TAG);
    if (name[0] != '.' || len < TEMP_RANDOM_LEN + 1) {
        return 0;
    }
    const char *rnd = name + len - TEMP_RANDOM_LEN;
    for (size_t i = 0; i < TEMP_RANDOM_LEN; i++) {
        char c = rnd[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    const char *dash = rnd - 1, *digits = dash;
    if (*dash != '-') {
        return 0;
    }
    while (digits > name && digits[-1] >= '0' && digits[-1] <= '9') {
        digits--;
    }
    size_t ndigits = (size_t)(dash - digits);
    /* ".B" at least before the tag, one to ten digits, no leading zero */
    if (ndigits == 0 || ndigits > 10 || digits[0] == '0' || (size_t)(digits - name) < tag + 2 ||
        memcmp(digits - tag, TEMP_TAG, tag) != 0) {
        return 0;
    }
    long long pid = strtoll(digits, NULL, 10);
    return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

/* process_gone: whether no process pid exists (for kill(2), in our PID
 * namespace). EPERM means it exists under another user. */
static int process_gone(pid_t pid)
{
    return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH;
}

/* remove_if_stale: removes name from dir_fd when it is a temporary file of
 * ours (its pattern) whose process is gone, unless a process holds it
 * locked: a freeze in another PID namespace sharing the directory, whose PID
 * means nothing here. A symlink with the pattern is removed, never followed;
 * other kinds of file (a directory, a FIFO) are not ours and stay. */
static void remove_if_stale(int dir_fd, const char *name)
{
    pid_t pid = temp_name_pid(name);
    struct stat st, now;
    if (pid <= 0 || !process_gone(pid) || fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        (void)unlinkat(dir_fd, name, 0);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        return;
    }
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return; /* unreadable (another user's): cannot tell, so kept */
    }
    /* Only EWOULDBLOCK says "held": where locks are unsupported (some NFS
     * setups) the dead PID decides alone. */
    if (fstat(fd, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino &&
        !(flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK)) {
        (void)unlinkat(dir_fd, name, 0);
    }
    close(fd);
}

/* remove_stale_temporaries: remove_if_stale on every entry of dir_fd. Best
 * effort: an unreadable directory is skipped. */
static void remove_stale_temporaries(int dir_fd)
{
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && strstr(e->d_name, TEMP_TAG) != NULL) {
            remove_if_stale(dir_fd, e->d_name);
        }
    }
    closedir(d);
}

/* open_anonymous: an O_TMPFILE file in dir_fd, mode 0600, or -1 where
 * O_TMPFILE is not supported (EOPNOTSUPP, or EISDIR from an old kernel) or
 * fails otherwise, or where /proc/self/fd does not show it, so it could not
 * be named at commit without CAP_DAC_READ_SEARCH. */
static int open_anonymous(int dir_fd)
{
    int fd = openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    char proc[64];
    struct stat via_proc, mine;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (stat(proc, &via_proc) != 0 || fstat(fd, &mine) != 0 || via_proc.st_dev != mine.st_dev ||
        via_proc.st_ino != mine.st_ino) {
        close(fd);
        return -1;
    }
    return fd;
}

/* open_named: creates a temporary file with a fresh name in out->dir_fd,
 * mode 0600, and sets out->temp_name. O_EXCL: a file or symlink already
 * there is never opened. Returns the fd, or -1 with errno set. */
static int open_named(pfz_output *out)
{
    char name[NAME_MAX + 1];
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        make_temp_name(name, sizeof name, out->path);
        int fd =
            openat(out->dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST) {
            continue;
        }
        if (fd < 0) {
            return -1;
        }
        out->temp_name = strdup(name);
        if (out->temp_name == NULL) {
            (void)unlinkat(out->dir_fd, name, 0);
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        return fd;
    }
    errno = EEXIST;
    return -1;
}

/* open_dir: OUT's directory, readable when we may read it (to list it for
 * stale temporaries and to fsync it), else O_PATH: a directory of mode 0333
 * still takes new files. Returns the fd or -1 with errno set. */
static int open_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
        fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    return fd;
}

/* release: closes the directory, frees the strings and forgets the file
 * without touching it. */
static void release(pfz_output *out)
{
    if (out->dir_fd >= 0) {
        close(out->dir_fd);
    }
    free(out->path);
    free(out->temp_name);
    out->path = NULL;
    out->temp_name = NULL;
    out->fd = -1;
    out->dir_fd = -1;
    out->anonymous = 0;
}

void pfz_output_abort(pfz_output *out)
{
    if (out == NULL || out->path == NULL) {
        return;
    }
    if (out->fd >= 0) {
        close(out->fd); /* an anonymous file is gone with it */
    }
    if (out->temp_name != NULL) {
        (void)unlinkat(out->dir_fd, out->temp_name, 0);
    }
    release(out);
}

int pfz_output_begin(pfz_output *out, const char *path, pf_error *err)
{
    *out = (pfz_output){.path = NULL, .temp_name = NULL, .fd = -1, .dir_fd = -1};
    char *dir = parent_dir(path);
    out->path = strdup(path);
    if (dir == NULL || out->path == NULL) {
        free(dir);
        release(out);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    int rc = check_dir(dir, path, err);
    if (rc == PF_OK) {
        out->dir_fd = open_dir(dir);
        if (out->dir_fd < 0) {
            rc = pf_error_set(err, PF_ERR_IO, "cannot write '%s': cannot open directory '%s': %s",
                              path, dir, strerror(errno));
        }
    }
    free(dir);
    if (rc != PF_OK) {
        release(out);
        return rc;
    }
    remove_stale_temporaries(out->dir_fd);
    out->fd = open_anonymous(out->dir_fd);
    out->anonymous = out->fd >= 0;
    if (out->fd < 0) {
        out->fd = open_named(out);
    }
    if (out->fd < 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot create a temporary file beside '%s': %s", path,
                          strerror(errno));
        release(out);
        return rc;
    }
    /* Held until commit closes the file: tells remove_if_stale in another
     * PID namespace that this file is being written. */
    (void)flock(out->fd, LOCK_EX | LOCK_NB);
    return PF_OK;
}

/* Bytes of each file mapped at once by same_as_published: both files
 * whole would add their size twice to the freezer's peak resident memory
 * (80 MB for a scipy program frozen again over its output). */
#define COMPARE_WINDOW (8u << 20)

/* same_as_published: whether out->path is already what committing would
 * make it: a regular file (not a link to one) of this user, mode 0755,
 * holding exactly the temporary file's bytes, compared a window at a time. */
static int same_as_published(const pfz_output *out)
{
    struct stat old, mine;
    if (lstat(out->path, &old) != 0 || !S_ISREG(old.st_mode) || (old.st_mode & 07777) != 0755 ||
        old.st_uid != geteuid() || fstat(out->fd, &mine) != 0 || mine.st_size != old.st_size ||
        old.st_size <= 0) {
        return 0;
    }
    int fd = open(out->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    size_t size = (size_t)old.st_size;
    int same = 1;
    for (size_t at = 0; same && at < size; at += COMPARE_WINDOW) {
        size_t n = size - at < COMPARE_WINDOW ? size - at : COMPARE_WINDOW;
        void *a = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, (off_t)at);
        void *b = mmap(NULL, n, PROT_READ, MAP_PRIVATE, out->fd, (off_t)at);
        same = a != MAP_FAILED && b != MAP_FAILED && memcmp(a, b, n) == 0;
        if (a != MAP_FAILED) {
            munmap(a, n);
        }
        if (b != MAP_FAILED) {
            munmap(b, n);
        }
    }
    close(fd);
    return same;
}

/* give_name: links the anonymous file out->fd into out->dir_fd under a
 * fresh temporary name (linkat cannot replace OUT itself) and sets
 * out->temp_name. Through /proc/self/fd, which needs no privilege; with
 * AT_EMPTY_PATH (needs CAP_DAC_READ_SEARCH) if that fails. Returns 0, or -1
 * with errno set. */
static int give_name(pfz_output *out)
{
    char proc[64], name[NAME_MAX + 1];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", out->fd);
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        make_temp_name(name, sizeof name, out->path);
        if (linkat(AT_FDCWD, proc, out->dir_fd, name, AT_SYMLINK_FOLLOW) != 0 &&
            linkat(out->fd, "", out->dir_fd, name, AT_EMPTY_PATH) != 0) {
            if (errno == EEXIST) {
                continue;
            }
            return -1;
        }
        out->temp_name = strdup(name);
        if (out->temp_name == NULL) {
            (void)unlinkat(out->dir_fd, name, 0);
            errno = ENOMEM;
            return -1;
        }
        return 0;
    }
    errno = EEXIST;
    return -1;
}

int pfz_output_commit(pfz_output *out, pf_error *err)
{
    const char *step = NULL;
    /* Nothing changed (a freeze run again on the same inputs): the file
     * stays, only its time moves on, so build tools see it up to date. No
     * fsync nor rename: a warm freeze of hello world spent about 20 ms
     * waiting on them. */
    if (same_as_published(out) && utimensat(AT_FDCWD, out->path, NULL, AT_SYMLINK_NOFOLLOW) == 0) {
        pfz_output_abort(out);
        return PF_OK;
    }
    /* fsync before rename: otherwise a crash can leave OUT renamed but
     * empty on some filesystems. The final mode is set before the file has
     * a name, so it never shows under one half-made. close is checked too:
     * NFS and full disks may report a write error only there. */
    if (fsync(out->fd) != 0) {
        step = "fsync";
    } else if (fchmod(out->fd, 0755) != 0) {
        step = "chmod";
    } else if (out->anonymous && give_name(out) != 0) {
        step = "link";
    }
    if (step == NULL) {
        int fd = out->fd;
        out->fd = -1;
        if (close(fd) != 0) {
            step = "close";
        }
    }
    /* From here to the rename a kill leaves the named file: the next
     * publication into this directory removes it (remove_stale_temporaries). */
    if (step == NULL && renameat(out->dir_fd, out->temp_name, AT_FDCWD, out->path) != 0) {
        step = "rename";
    }
    if (step != NULL) {
        int saved = errno;
        pf_error_set(err, PF_ERR_IO, "cannot write '%s': %s failed: %s", out->path, step,
                     strerror(saved));
        pfz_output_abort(out);
        return PF_ERR_IO;
    }
    free(out->temp_name); /* renamed: nothing to remove any more */
    out->temp_name = NULL;
    /* The rename is done; make it durable. A failure here cannot undo it,
     * and the file is complete, so it is not reported. (An O_PATH
     * directory cannot be fsynced: EBADF, ignored alike.) */
    (void)fsync(out->dir_fd);
    release(out);
    return PF_OK;
}
