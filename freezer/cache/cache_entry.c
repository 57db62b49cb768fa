/* cache_entry.c - one cache entry file: encoding, checking, reading and
 * writing it; the format is in cache_entry.h. */
#include "cache_entry.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "pf_io.h"
#include "pf_le.h"

#define ENTRY_MAGIC "PFZCACHE"

static void le64_put(uint8_t *p, uint64_t v)
{
    pf_le32_store(p, (uint32_t)v);
    pf_le32_store(p + 4, (uint32_t)(v >> 32));
}

static uint64_t le64_get(const uint8_t *p)
{
    return (uint64_t)pf_le32_load(p) | (uint64_t)pf_le32_load(p + 4) << 32;
}

/* crc: zlib's crc32 of p[0..size) (size in bytes; any size_t). */
static uint32_t crc(const uint8_t *p, size_t size)
{
    return (uint32_t)crc32_z(crc32_z(0L, Z_NULL, 0), p, size);
}

/* header_write: the 56-byte header for h and key, body. */
static void header_write(uint8_t out[PFZ_CACHE_ENTRY_HEADER_SIZE], const pfz_cache_entry_header *h,
                         const uint8_t *key, size_t key_size, const uint8_t *body, size_t body_size)
{
    memcpy(out, ENTRY_MAGIC, 8);
    pf_le32_store(out + 8, PFZ_CACHE_FORMAT_VERSION);
    pf_le32_store(out + 12, h->kind);
    le64_put(out + 16, h->size);
    pf_le32_store(out + 24, h->p1);
    pf_le32_store(out + 28, h->p2);
    pf_le32_store(out + 32, h->p3);
    pf_le32_store(out + 36, h->key_size);
    le64_put(out + 40, (uint64_t)key_size + body_size);
    uint32_t body_crc = key_size > 0 ? crc(key, key_size) : 0;
    body_crc = (uint32_t)crc32_z(body_crc, body, body_size);
    pf_le32_store(out + 48, body_crc);
    pf_le32_store(out + 52, crc(out, 52));
}

uint8_t *pfz_cache_entry_encode(const pfz_cache_entry_header *h, const uint8_t *key, size_t keySize,
                                const uint8_t *body, size_t bodySize, size_t *entrySize)
{
    *entrySize = 0;
    if (keySize > PFZ_CACHE_ENTRY_MAX_SIZE || bodySize > PFZ_CACHE_ENTRY_MAX_SIZE - keySize) {
        return NULL;
    }
    size_t size = PFZ_CACHE_ENTRY_HEADER_SIZE + keySize + bodySize;
    uint8_t *bytes = malloc(size);
    if (bytes == NULL) {
        return NULL;
    }
    header_write(bytes, h, key, keySize, body, bodySize);
    if (keySize > 0) {
        memcpy(bytes + PFZ_CACHE_ENTRY_HEADER_SIZE, key, keySize);
    }
    if (bodySize > 0) {
        memcpy(bytes + PFZ_CACHE_ENTRY_HEADER_SIZE + keySize, body, bodySize);
    }
    *entrySize = size;
    return bytes;
}

pfz_cache_entry_status pfz_cache_entry_check(const uint8_t *entry, size_t entrySize,
                                             const pfz_cache_entry_header *want,
                                             const uint8_t **body, size_t *bodySize)
{
    const uint8_t *b = entry;
    if (entrySize < PFZ_CACHE_ENTRY_HEADER_SIZE || memcmp(b, ENTRY_MAGIC, 8) != 0 ||
        pf_le32_load(b + 52) != crc(b, 52)) {
        return PFZ_CACHE_ENTRY_DAMAGED;
    }
    if (pf_le32_load(b + 8) != PFZ_CACHE_FORMAT_VERSION) {
        return PFZ_CACHE_ENTRY_STALE; /* another pyfreeze's entry: stale, not damaged */
    }
    size_t rest = entrySize - PFZ_CACHE_ENTRY_HEADER_SIZE;
    uint64_t declared = le64_get(b + 40);
    if (declared != rest || pf_le32_load(b + 48) != crc(b + PFZ_CACHE_ENTRY_HEADER_SIZE, rest) ||
        pf_le32_load(b + 36) > declared) {
        return PFZ_CACHE_ENTRY_DAMAGED;
    }
    if (pf_le32_load(b + 12) != want->kind || le64_get(b + 16) != want->size ||
        pf_le32_load(b + 24) != want->p1 || pf_le32_load(b + 28) != want->p2 ||
        pf_le32_load(b + 32) != want->p3 || pf_le32_load(b + 36) != want->key_size) {
        return PFZ_CACHE_ENTRY_STALE; /* the source or the settings changed */
    }
    *body = b + PFZ_CACHE_ENTRY_HEADER_SIZE;
    *bodySize = rest;
    return PFZ_CACHE_ENTRY_OK;
}

int pfz_cache_entry_read(const char *path, uint8_t **entry, size_t *entrySize)
{
    *entry = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < (off_t)PFZ_CACHE_ENTRY_HEADER_SIZE ||
        (uint64_t)st.st_size > PFZ_CACHE_ENTRY_MAX_SIZE) {
        close(fd);
        return 0;
    }
    size_t want = (size_t)st.st_size;
    uint8_t *b = malloc(want);
    size_t got = 0;
    while (b != NULL && got < want) {
        ssize_t n = read(fd, b + got, want - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (b == NULL || got != want) {
        free(b);
        return 0;
    }
    *entry = b;
    *entrySize = want;
    return 1;
}

int pfz_cache_entry_write(const char *dir, const char *name, const uint8_t *bytes, size_t size)
{
    char tmp[PATH_MAX], final[PATH_MAX];
    int n1 = snprintf(tmp, sizeof tmp, "%s/.tmp-%s-XXXXXX", dir, name);
    int n2 = snprintf(final, sizeof final, "%s/%s", dir, name);
    if (n1 < 0 || (size_t)n1 >= sizeof tmp || n2 < 0 || (size_t)n2 >= sizeof final) {
        return 0;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        return 0;
    }
    int bad = pf_write_all(fd, bytes, size) != 0;
    bad |= close(fd) != 0;
    if (bad || rename(tmp, final) != 0) {
        unlink(tmp);
        return 0;
    }
    return 1;
}
