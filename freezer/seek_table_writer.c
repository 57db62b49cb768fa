/* seek_table_writer.c - compressing the tar stream as independent zstd
 * frames and appending the seekable-format seek table; contract in
 * seek_table_writer.h, format in runtime/payload.h.
 *
 * Rule source: zstd contrib/seekable_format/zstd_seekable_compression_format.md.
 * Output is deterministic: one-threaded ZSTD_compress2 with fixed parameters
 * gives the same bytes for the same input and level. */
#include "seek_table_writer.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "payload.h"
#include "pf_le.h"

/* buffer_reserve: makes room for extra more bytes in b, growing by
 * doubling. Returns PF_OK or PF_ERR_NOMEM. */
static int buffer_reserve(pfz_buffer *b, size_t extra, pf_error *err)
{
    if (extra > SIZE_MAX - b->size) {
        return pf_error_set(err, PF_ERR_NOMEM, "buffer would exceed the address space");
    }
    size_t need = b->size + extra;
    if (need <= b->capacity) {
        return PF_OK;
    }
    size_t capacity = b->capacity > 0 ? b->capacity : 4096u;
    while (capacity < need) {
        capacity = capacity > SIZE_MAX / 2u ? need : capacity * 2u;
    }
    uint8_t *data = realloc(b->data, capacity);
    if (data == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory growing a buffer to %zu bytes",
                            capacity);
    }
    b->data = data;
    b->capacity = capacity;
    return PF_OK;
}

int pfz_buffer_append(pfz_buffer *b, const void *src, size_t srcSize, pf_error *err)
{
    int status = buffer_reserve(b, srcSize, err);
    if (status == PF_OK && srcSize > 0) {
        memcpy(b->data + b->size, src, srcSize);
        b->size += srcSize;
    }
    return status;
}

void pfz_buffer_free(pfz_buffer *b)
{
    if (b != NULL) {
        free(b->data);
        b->data = NULL;
        b->size = 0;
        b->capacity = 0;
    }
}

/* compress_one: appends src[0..srcSize) to out as one zstd frame with
 * content size and checksum, and reports its compressed size (bytes). */
static int compress_one(ZSTD_CCtx *cctx, const uint8_t *src, size_t srcSize, pfz_buffer *out,
                        uint32_t *compressedSize, pf_error *err)
{
    size_t bound = ZSTD_compressBound(srcSize);
    /* Reserve room for the worst case, then compress in place. */
    int status = buffer_reserve(out, bound, err);
    if (status != PF_OK) {
        return status;
    }
    size_t r = ZSTD_compress2(cctx, out->data + out->size, bound, src, srcSize);
    if (ZSTD_isError(r)) {
        return pf_error_set(err, PF_ERR_IO, "zstd compression failed: %s", ZSTD_getErrorName(r));
    }
    if (r > UINT32_MAX) {
        return pf_error_set(err, PF_ERR_USAGE, "a compressed frame exceeds 4 GiB");
    }
    out->size += r;
    *compressedSize = (uint32_t)r;
    return PF_OK;
}

int pfz_frames_compress(const uint8_t *src, size_t srcSize, const size_t *bounds,
                        uint32_t frame_count, int level, pfz_buffer *out, pf_error *err)
{
    if (frame_count == 0 || frame_count > PF_MAX_FRAMES || bounds[0] != 0 ||
        bounds[frame_count] != srcSize) {
        return pf_error_set(err, PF_ERR_USAGE,
                            "frame bounds must start at 0, end at the stream size and count "
                            "1..%u frames",
                            PF_MAX_FRAMES);
    }
    for (uint32_t i = 0; i < frame_count; i++) {
        if (bounds[i + 1] <= bounds[i] || bounds[i + 1] - bounds[i] > PF_MAX_FRAME_SIZE) {
            return pf_error_set(err, PF_ERR_USAGE, "frame %u is empty, reversed or over %u bytes",
                                i, PF_MAX_FRAME_SIZE);
        }
    }
    size_t originalSize = out->size; /* restored on failure */
    uint32_t *compressed = calloc(frame_count, sizeof *compressed);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    int status = PF_OK;
    if (compressed == NULL || cctx == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
        goto done;
    }
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    }
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    }
    if (ZSTD_isError(r)) {
        status = pf_error_set(err, PF_ERR_IO, "zstd refused a parameter: %s", ZSTD_getErrorName(r));
        goto done;
    }
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        status = compress_one(cctx, src + bounds[i], bounds[i + 1] - bounds[i], out, &compressed[i],
                              err);
    }
    if (status != PF_OK) {
        goto done;
    }
    /* Seek table: skippable frame header, one 8-byte entry per frame, footer. */
    uint8_t word[8];
    pf_le32_store(word, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(word + 4, frame_count * 8u + PF_SEEK_FOOTER_SIZE);
    status = pfz_buffer_append(out, word, 8, err);
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        pf_le32_store(word, compressed[i]);
        pf_le32_store(word + 4, (uint32_t)(bounds[i + 1] - bounds[i]));
        status = pfz_buffer_append(out, word, 8, err);
    }
    if (status == PF_OK) {
        uint8_t footer[PF_SEEK_FOOTER_SIZE];
        pf_le32_store(footer, frame_count);
        footer[4] = 0; /* descriptor: no per-entry checksums */
        pf_le32_store(footer + 5, PF_SEEK_MAGIC);
        status = pfz_buffer_append(out, footer, sizeof footer, err);
    }
done:
    if (status != PF_OK) {
        out->size = originalSize;
    }
    ZSTD_freeCCtx(cctx);
    free(compressed);
    return status;
}
