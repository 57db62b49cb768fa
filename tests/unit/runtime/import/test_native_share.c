/* test_native_share.c - runtime/import/native_share.c on a real library:
 * libexpat's bytes put at a page-aligned offset of a file (as a stored
 * member sits in a frozen program), copied into a memfd by
 * pf_native_fill_stored, dlopen()ed from the memfd, then shared with
 * pf_native_share: its executable mapping must then be the file's
 * (/proc/self/maps), the memfd's pages punched (fewer blocks), and the code
 * still run (a call gives the same answer as the system copy's). A member
 * at an offset that is not page-aligned is left as loaded. */
#include <dlfcn.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "native_share.h"

#define LIBRARY "/usr/lib/x86_64-linux-gnu/libexpat.so.1"

/* stored_file: a temporary file holding LIBRARY's bytes at offset `at`
 * (zeros before), its path in path; *bytes is a copy of them. */
static int stored_file(char path[64], off_t at, uint8_t **bytes, size_t *size)
{
    int in = open(LIBRARY, O_RDONLY);
    if (in < 0) {
        return -1;
    }
    struct stat st;
    assert_int_equal(fstat(in, &st), 0);
    *size = (size_t)st.st_size;
    *bytes = malloc(*size);
    assert_int_equal(pread(in, *bytes, *size, 0), (ssize_t)*size);
    close(in);
    snprintf(path, 64, "/tmp/pf-share-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, *bytes, *size, at), (ssize_t)*size);
    return fd;
}

/* maps_line: whether /proc/self/maps has a mapping with permissions perms
 * of a path containing name. */
static int maps_line(const char *perms, const char *name)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        found |= strstr(line, perms) != NULL && strstr(line, name) != NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    return found;
}

/* load: LIBRARY's bytes at `at` in a file, through a memfd, shared;
 * returns the bytes pf_native_share mapped. */
static size_t load(off_t at, char path[64], void **handle, int *memfd)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    int file = stored_file(path, at, &bytes, &size);
    if (file < 0) {
        skip();
    }
    *memfd = memfd_create("libexpat-copy", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    assert_true(*memfd >= 0);
    assert_int_equal(pf_native_fill_stored(*memfd, file, (uint64_t)at, size), 0);
    char fdPath[64];
    snprintf(fdPath, sizeof fdPath, "/proc/self/fd/%d", *memfd);
    *handle = dlopen(fdPath, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(*handle);
    size_t mapped = pf_native_share(*memfd, *handle, file, (uint64_t)at, bytes, size);
    close(file);
    free(bytes);
    return mapped;
}

static void test_shared_from_the_file(void **state)
{
    (void)state;
    char path[64];
    void *handle;
    int memfd;
    struct stat before;
    size_t mapped = load(3 * 4096, path, &handle, &memfd);
    assert_true(mapped > 0);
    assert_true(maps_line(" r-xp ", path));
    assert_int_equal(fstat(memfd, &before), 0);
    assert_false(maps_line(" r-xp ", "libexpat-copy"));
    /* the holes: the memfd keeps only the writable segment's pages */
    assert_true((uint64_t)before.st_blocks * 512u < (uint64_t)before.st_size / 2u);
    /* the code runs from the file's pages */
    const char *(*version)(void) = (const char *(*)(void))dlsym(handle, "XML_ExpatVersion");
    assert_non_null(version);
    void *system = dlopen(LIBRARY, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(system);
    const char *(*systemVersion)(void) = (const char *(*)(void))dlsym(system, "XML_ExpatVersion");
    assert_string_equal(version(), systemVersion());
    unlink(path);
}

static void test_unaligned_left_alone(void **state)
{
    (void)state;
    char path[64];
    void *handle;
    int memfd;
    assert_int_equal(load(4096 + 512, path, &handle, &memfd), 0);
    assert_false(maps_line(" r-xp ", path));
    assert_true(maps_line(" r-xp ", "libexpat-copy"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_from_the_file),
        cmocka_unit_test(test_unaligned_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
