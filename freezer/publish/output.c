/* output.c - atomic publication of the executable; see output.h. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* parent_dir: a malloc'd copy of the directory part of path ("." when none). */
static char *parent_dir(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return NULL;
    char *dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

/* check_dir: the directory exists, is a directory and we may create files
 * in it. access(2) answers for the real user, who is the one running us. */
static int check_dir(const char *dir, const char *path, pf_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return pf_error_set(err, PF_ERR_USAGE,
                            "cannot write '%s': directory '%s' %s; create it first", path, dir,
                            errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return pf_error_set(err, PF_ERR_USAGE, "cannot write '%s': '%s' is not a directory", path,
                            dir);
    if (access(dir, W_OK | X_OK) != 0)
        return pf_error_set(err, PF_ERR_USAGE,
                            "cannot write '%s': directory '%s' is not writable (%s); choose "
                            "another -o",
                            path, dir, strerror(errno));
    return PF_OK;
}

int pfz_output_check(const char *path, const char *const *inputs, size_t input_count, pf_error *err)
{
    struct stat out_st;
    int out_exists = stat(path, &out_st) == 0;
    if (out_exists && S_ISDIR(out_st.st_mode))
        return pf_error_set(err, PF_ERR_USAGE,
                            "output '%s' is a directory: give -o the executable's file name", path);
    if (out_exists && !S_ISREG(out_st.st_mode))
        return pf_error_set(err, PF_ERR_USAGE,
                            "output '%s' exists and is not a regular file: choose another -o",
                            path);
    char *dir = parent_dir(path);
    if (dir == NULL)
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    int rc = check_dir(dir, path, err);
    free(dir);
    if (rc != PF_OK || !out_exists)
        return rc;
    for (size_t i = 0; i < input_count; i++) {
        struct stat in_st;
        if (inputs[i] == NULL || stat(inputs[i], &in_st) != 0)
            continue;
        if (in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino)
            return pf_error_set(err, PF_ERR_USAGE,
                                "output '%s' is the same file as input '%s': it would be "
                                "overwritten; choose another -o",
                                path, inputs[i]);
    }
    return PF_OK;
}

int pfz_output_begin(pfz_output *out, const char *path, pf_error *err)
{
    out->path = NULL;
    out->temp_path = NULL;
    out->fd = -1;
    char *dir = parent_dir(path);
    char *copy = strdup(path);
    char *temp = NULL;
    int rc = PF_OK;
    if (dir == NULL || copy == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    rc = check_dir(dir, path, err);
    if (rc != PF_OK)
        goto fail;
    /* ".NAME.XXXXXX" beside OUT: hidden, and mkostemp's random suffix with
     * O_EXCL means an existing file or symlink is never opened. */
    char *base_copy = strdup(path);
    if (base_copy == NULL) {
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    const char *base = basename(base_copy);
    int n = asprintf(&temp, "%s/.%s.XXXXXX", dir, base);
    free(base_copy);
    if (n < 0) {
        temp = NULL;
        rc = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    int fd = mkostemp(temp, O_CLOEXEC);
    if (fd < 0) {
        rc = pf_error_set(err, PF_ERR_IO, "cannot create a temporary file beside '%s': %s", path,
                          strerror(errno));
        goto fail;
    }
    free(dir);
    out->path = copy;
    out->temp_path = temp;
    out->fd = fd;
    return PF_OK;
fail:
    free(temp);
    free(copy);
    free(dir);
    return rc;
}

/* release: frees the strings and forgets the file without touching disk. */
static void release(pfz_output *out)
{
    free(out->path);
    free(out->temp_path);
    out->path = NULL;
    out->temp_path = NULL;
    out->fd = -1;
}

void pfz_output_abort(pfz_output *out)
{
    if (out == NULL)
        return;
    if (out->fd >= 0)
        close(out->fd);
    if (out->temp_path != NULL)
        unlink(out->temp_path);
    release(out);
}

/* same_as_published: whether out->path is already what committing would
 * make it: a regular file (not a link to one) of this user, mode 0755,
 * holding exactly the temporary file's bytes. */
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
    void *a = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    void *b = mmap(NULL, size, PROT_READ, MAP_PRIVATE, out->fd, 0);
    close(fd);
    int same = a != MAP_FAILED && b != MAP_FAILED && memcmp(a, b, size) == 0;
    if (a != MAP_FAILED)
        munmap(a, size);
    if (b != MAP_FAILED)
        munmap(b, size);
    return same;
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
     * empty on some filesystems. close is checked too: NFS and full disks
     * may report a write error only there. */
    if (fsync(out->fd) != 0)
        step = "fsync";
    else if (fchmod(out->fd, 0755) != 0)
        step = "chmod";
    if (step == NULL) {
        int fd = out->fd;
        out->fd = -1;
        if (close(fd) != 0)
            step = "close";
    }
    if (step == NULL && rename(out->temp_path, out->path) != 0)
        step = "rename";
    if (step != NULL) {
        int saved = errno;
        pf_error_set(err, PF_ERR_IO, "cannot write '%s': %s failed: %s", out->path, step,
                     strerror(saved));
        pfz_output_abort(out);
        return PF_ERR_IO;
    }
    /* The rename is done; make it durable. A failure here cannot undo it,
     * and the file is complete, so it is not reported. */
    char *dir = parent_dir(out->path);
    if (dir != NULL) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    release(out);
    return PF_OK;
}
