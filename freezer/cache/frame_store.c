/* frame_store.c - the build cache of compressed payload frames: the
 * pfz_frame_store over the cache directory; rules in frame_store.h. */
#include "frame_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* The name frame_get made last on this thread, for the frame_put of the
 * same frame that follows a miss (seek_table_writer.c make_frame: get,
 * compress, put, with nothing between on the thread): a cold freeze took
 * the crc32 of its whole tar stream twice. Only a miss leaves it, and put
 * takes it only for the same source (address, size, level) and clears it. */
static _Thread_local struct {
    const uint8_t *src;
    size_t srcSize;
    int level;
    char name[64];
} last_get;

/* frame_name: "<crc32>-<size>-l<level>" in hex/decimal; the zstd version
 * and format tag are checked in the header. */
static void frame_name(char name[64], const uint8_t *src, size_t srcSize, int level)
{
    uint32_t crc = (uint32_t)crc32_z(crc32_z(0L, Z_NULL, 0), src, srcSize);
    snprintf(name, 64, "%08x-%zu-l%d", (unsigned)crc, srcSize, level);
}

static pfz_cache_entry_header frame_header_of(size_t srcSize, int level)
{
    return (pfz_cache_entry_header){.kind = PFZ_CACHE_ENTRY_FRAME,
                                    .size = srcSize,
                                    .p1 = ZSTD_versionNumber(),
                                    .p2 = (uint32_t)level,
                                    .p3 = PFZ_FRAME_FORMAT_TAG,
                                    .key_size = 0};
}

/* frame_matches: 1 when frame[0..frameSize) is exactly one zstd frame that
 * declares srcSize bytes and decompresses (its XXH64 content checksum
 * verified by zstd) to bytes equal to src; 0 when such a frame decompresses
 * to anything else (a damaged or misnamed entry); -1 when it is not such a
 * frame or memory runs out. */
static int frame_matches(const uint8_t *frame, size_t frameSize, const uint8_t *src, size_t srcSize)
{
    if (ZSTD_findFrameCompressedSize(frame, frameSize) != frameSize ||
        ZSTD_getFrameContentSize(frame, frameSize) != (unsigned long long)srcSize) {
        return -1;
    }
    uint8_t *plain = malloc(srcSize > 0 ? srcSize : 1);
    if (plain == NULL) {
        return -1;
    }
    size_t r = ZSTD_decompress(plain, srcSize, frame, frameSize);
    int same = !ZSTD_isError(r) && r == srcSize && memcmp(plain, src, srcSize) == 0;
    free(plain);
    return same;
}

/* frame_get: the pfz_frame_store get over a pfz_cache. A frame that
 * decompresses to other bytes than src counts as rejected. */
static int frame_get(void *ctx, const uint8_t *src, size_t srcSize, int level, uint8_t **frame,
                     size_t *frameSize)
{
    pfz_cache *c = ctx;
    *frame = NULL;
    *frameSize = 0;
    if (c == NULL) {
        return 0;
    }
    char name[64];
    frame_name(name, src, srcSize, level);
    last_get.src = src;
    last_get.srcSize = srcSize;
    last_get.level = level;
    memcpy(last_get.name, name, sizeof name);
    uint8_t *entry = NULL;
    size_t body_size = 0;
    const uint8_t *body = NULL;
    pfz_cache_entry_header want = frame_header_of(srcSize, level);
    int match = -1;
    if (pfz_cache_get(c, PFZ_CACHE_AREA_FRAMES, name, &want, &entry, &body, &body_size)) {
        match = frame_matches(body, body_size, src, srcSize);
    }
    if (match == 1) {
        /* the body is at the end of entry: move it to the front and keep it */
        memmove(entry, body, body_size);
        *frame = entry;
        *frameSize = body_size;
        entry = NULL;
    } else if (match == 0) {
        pfz_cache_count(c, PFZ_CACHE_REJECTED);
    }
    free(entry);
    if (match == 1) {
        last_get.src = NULL; /* a hit is not followed by a put */
    }
    pfz_cache_count(c, match == 1 ? PFZ_CACHE_FRAME_HIT : PFZ_CACHE_FRAME_MISS);
    return match == 1;
}

/* frame_put: the pfz_frame_store put over a pfz_cache. */
static void frame_put(void *ctx, const uint8_t *src, size_t srcSize, int level,
                      const uint8_t *frame, size_t frameSize)
{
    pfz_cache *c = ctx;
    if (c == NULL || frame == NULL) {
        return;
    }
    char name[64];
    if (last_get.src == src && last_get.srcSize == srcSize && last_get.level == level) {
        memcpy(name, last_get.name, sizeof name);
    } else {
        frame_name(name, src, srcSize, level);
    }
    last_get.src = NULL;
    pfz_cache_entry_header h = frame_header_of(srcSize, level);
    pfz_cache_put(c, PFZ_CACHE_AREA_FRAMES, name, &h, NULL, 0, frame, frameSize);
}

pfz_frame_store pfz_cache_frame_store(pfz_cache *c)
{
    return (pfz_frame_store){.ctx = c, .get = frame_get, .put = frame_put};
}
