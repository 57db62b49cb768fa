/* cache_test_util.h - helpers shared by the build cache's tests
 * (freezer/cache/): a temporary root with a cache directory in it, and
 * looking at the files of a cache area. Static functions: each test
 * includes it once. */
#ifndef PF_TEST_CACHE_UTIL_H
#define PF_TEST_CACHE_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_dir.h"

static char root[] = "/tmp/pf-test-cache-XXXXXX";
static char cache_dir[600]; /* root/cache */

static inline void rm_rf(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static inline void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

/* read_file: the whole file, malloc'd with one spare byte. */
static inline uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return b;
}

/* count_files: entries of dir but . and ..; *temps counts names starting ".tmp-". */
static inline size_t count_files(const char *dir, size_t *temps)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    *temps = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0)) {
            continue;
        }
        n++;
        if (strncmp(e->d_name, ".tmp-", 5) == 0) {
            (*temps)++;
        }
    }
    closedir(d);
    return n;
}

/* only_file: the path of the one entry in dir (fails if not exactly one). */
static inline void only_file(const char *dir, char *out, size_t outCapacity)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        found++;
        snprintf(out, outCapacity, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    assert_int_equal(found, 1);
}

/* fresh_cache: an empty cache at cache_dir. */
static inline pfz_cache *fresh_cache(void)
{
    rm_rf(cache_dir);
    pfz_cache *c = NULL;
    pf_error err;
    assert_int_equal(pfz_cache_open(&c, cache_dir, NULL, NULL, &err), PF_OK);
    assert_non_null(c);
    return c;
}

/* setup / teardown: a fresh root (mkdtemp) and its removal. */
static inline int setup(void **state)
{
    (void)state;
    memcpy(root, "/tmp/pf-test-cache-XXXXXX", sizeof root);
    if (mkdtemp(root) == NULL) {
        return -1;
    }
    snprintf(cache_dir, sizeof cache_dir, "%s/cache", root);
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    rm_rf(root);
    return 0;
}

#endif
