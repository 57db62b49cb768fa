/* pycache.c - the bytecode CPython itself wrote for a source file; see
 * pycache.h for the rules and where they come from. */
#include "pycache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pf_le.h"

/* The header's flags word (PEP 552). */
#define PYC_FLAG_HASH_BASED 0x1u
#define PYC_FLAG_CHECK_SOURCE 0x2u
#define PYC_HEADER_SIZE 16u

/* No stdlib module's .pyc comes near this; a bigger file is not read. */
#define PYC_MAX_SIZE (64u << 20)

int pfz_pycache_path(char *dst, size_t dstCapacity, const char *path, const char *cache_tag,
                     int optimize)
{
    size_t len = strlen(path);
    if (len < 3 || strcmp(path + len - 3, ".py") != 0) {
        return -1;
    }
    const char *slash = strrchr(path, '/');
    int dirLen = slash != NULL ? (int)(slash - path + 1) : 0; /* with the '/' */
    int nameLen = (int)(len - 3) - dirLen;
    char opt[16] = "";
    if (optimize > 0) {
        snprintf(opt, sizeof opt, ".opt-%d", optimize);
    }
    int n = snprintf(dst, dstCapacity, "%.*s__pycache__/%.*s.%s%s.pyc", dirLen, path, nameLen,
                     path + dirLen, cache_tag, opt);
    return n >= 0 && (size_t)n < dstCapacity ? 0 : -1;
}

/* read_trusted: the whole file at path into a malloc'd buffer, if it is a
 * regular file owned by root or by us, writable by nobody else, and of a
 * sane size. Returns the buffer (*size bytes) or NULL. */
static uint8_t *read_trusted(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    uint8_t *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_uid == 0 || st.st_uid == geteuid()) &&
        !(st.st_mode & (S_IWGRP | S_IWOTH)) && st.st_size >= (off_t)PYC_HEADER_SIZE &&
        (uint64_t)st.st_size <= PYC_MAX_SIZE) {
        size_t want = (size_t)st.st_size, used = 0;
        buf = malloc(want);
        while (buf != NULL && used < want) {
            ssize_t n = read(fd, buf + used, want - used);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) { /* an error, or the file shrank: not what fstat said */
                free(buf);
                buf = NULL;
                break;
            }
            used += (size_t)n;
        }
        *size = used;
    }
    close(fd);
    return buf;
}

/* header_valid: whether a .pyc header is valid for src (pycache.h). */
static int header_valid(const uint8_t *h, const pfz_pycache_source *src, uint32_t magic)
{
    if (pf_le32_load(h) != magic) {
        return 0;
    }
    uint32_t flags = pf_le32_load(h + 4);
    if (flags & ~(PYC_FLAG_HASH_BASED | PYC_FLAG_CHECK_SOURCE)) {
        return 0;
    }
    if (flags & PYC_FLAG_HASH_BASED) {
        return memcmp(h + 8, src->hash, 8) == 0;
    }
    /* _validate_timestamp_pyc: both fields are the source's, mod 2**32 */
    return pf_le32_load(h + 8) == (uint32_t)((uint64_t)src->mtime & 0xFFFFFFFFu) &&
           pf_le32_load(h + 12) == (uint32_t)(src->size & 0xFFFFFFFFu);
}

int pfz_pycache_read(const pfz_pycache_source *src, uint32_t magic, const char *cache_tag,
                     int optimize, uint8_t **data, size_t *dataSize)
{
    *data = NULL;
    *dataSize = 0;
    char path[4096];
    if (pfz_pycache_path(path, sizeof path, src->path, cache_tag, optimize) < 0) {
        return 0;
    }
    size_t size = 0;
    uint8_t *pyc = read_trusted(path, &size);
    if (pyc == NULL) {
        return 0;
    }
    if (size < PYC_HEADER_SIZE || !header_valid(pyc, src, magic)) {
        free(pyc);
        return 0;
    }
    memmove(pyc, pyc + PYC_HEADER_SIZE, size - PYC_HEADER_SIZE);
    *data = pyc;
    *dataSize = size - PYC_HEADER_SIZE;
    return 1;
}
