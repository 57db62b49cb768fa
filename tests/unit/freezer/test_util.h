/* test_util.h - small file helpers shared by the freezer tests (static
 * functions: each test includes it once). */
#ifndef PF_TEST_FREEZER_UTIL_H
#define PF_TEST_FREEZER_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* tu_read_file: the whole file, malloc'd; NULL when it cannot be read. */
static inline uint8_t *tu_read_file(const char *path, size_t *size)
{
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *size = n;
    return buf;
}

/* tu_write_file: creates path with data[0..size) and the given mode; 0 on success. */
static inline int tu_write_file(const char *path, const void *data, size_t size, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = write(fd, data, size);
    close(fd);
    return n == (ssize_t)size ? 0 : -1;
}

/* tu_count_entries: entries of dir other than "." and "..", -1 on error. */
static inline int tu_count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return -1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

/* tu_run: runs path without arguments, its stdout into out[0..outCapacity)
 * (NUL-terminated). Returns its exit status, or -1 when it did not exit. */
static inline int tu_run(const char *path, char *out, size_t outCapacity)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(path, path, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    size_t n = 0;
    ssize_t got;
    while (n + 1 < outCapacity && (got = read(pipefd[0], out + n, outCapacity - 1 - n)) > 0) {
        n += (size_t)got;
    }
    out[n] = '\0';
    close(pipefd[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/* tu_rm_rf: removes a test directory tree (shallow: files and empty dirs). */
static inline void tu_rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof path) {
            continue;
        }
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            chmod(path, 0700);
            tu_rm_rf(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* TU_TMPDIR_FIXTURE(NAME): a file-scope `tmpdir` ("/tmp/NAME-XXXXXX"),
 * made by the group fixture setup() with mkdtemp and removed with its
 * contents by teardown(); pass both to cmocka_run_group_tests. */
#define TU_TMPDIR_FIXTURE(NAME)                                                                    \
    static char tmpdir[] = "/tmp/" NAME "-XXXXXX";                                                 \
    static int setup(void **state)                                                                 \
    {                                                                                              \
        (void)state;                                                                               \
        return mkdtemp(tmpdir) != NULL ? 0 : -1;                                                   \
    }                                                                                              \
    static int teardown(void **state)                                                              \
    {                                                                                              \
        (void)state;                                                                               \
        tu_rm_rf(tmpdir);                                                                          \
        return 0;                                                                                  \
    }

#endif
