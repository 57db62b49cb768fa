/* frame_decoder.c - checking, decompressing and releasing the payload's
 * zstd frames, and the decoders that do it; contract in frame_decoder.h,
 * format in payload.h. Shared by the reads' thread (frame_cache.c,
 * payload_reader.c) and the prefetch thread (prefetch_job.c), each with its
 * own decoder: nothing here changes state another thread reads. */
#include "frame_decoder.h"

/* ZSTD_createDCtx_advanced (pf_decoder_new); ZSTD_d_forceIgnoreChecksum
 * in fuzzing builds */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "big_block.h"
#include "pf_le.h"

/* zstd frame header (RFC 8878 section 3.1.1): u32 magic, then the
 * Frame_Header_Descriptor whose bit 2 is Content_Checksum_flag. */
#define ZSTD_FRAME_MAGIC 0xFD2FB528u
#define ZSTD_DESCRIPTOR_CHECKSUM 0x04u
/* Each zstd block is at least 4 bytes (3-byte header + 1 byte of RLE) and
 * yields at most 128 KiB, so no frame expands more than 32768 times. A size
 * claiming more is damage, refused before allocating for it. */
#define ZSTD_MAX_EXPANSION 32768u
/* Frames are at most PF_MAX_FRAME_SIZE (2^30) bytes; a single-segment frame's
 * window is its content size, so allow windows that large. */
#define PF_ZSTD_WINDOW_LOG_MAX 30

int pf_frames_open(pf_frames *frames, const uint8_t *src, size_t srcSize, pf_error *err)
{
    *frames = (pf_frames){.src = src, .src_size = srcSize};
    return pf_seek_table_read(src, srcSize, &frames->table, err);
}

void pf_frames_close(pf_frames *frames)
{
    pf_seek_table_free(&frames->table);
}

void pf_frame_release(const pf_frames *frames, uint32_t i)
{
    if (frames->release != NULL) {
        const pf_frame *f = &frames->table.frames[i];
        frames->release(frames->src + f->compressed_offset, f->compressed_size);
    }
}

int pf_frames_sweep(pf_frames *frames, uint32_t i)
{
    const pf_frame *f = &frames->table.frames[i];
    size_t end = (size_t)f->compressed_offset + f->compressed_size;
    if (frames->release == NULL || end < frames->swept ||
        end - frames->swept < frames->sweep_bytes) {
        return 0;
    }
    frames->release(frames->src, end);
    frames->swept = end;
    return 1;
}

/* Linux 5.14's value (include/uapi/asm-generic/mman-common.h); the stub
 * is built with glibc 2.31's headers, which predate it. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

/* populate_read: maps the pages of src[0..size) (a frame in the mapped
 * executable, about to be read whole) with one madvise(2) instead of a
 * read fault every 64 KiB (the kernel's fault-around): 180 fewer faults for
 * the benchmark's stdlib-heavy program, 225 for numpy's. Pages already
 * mapped stay; memory that is not a file mapping (a payload in a buffer),
 * or a kernel before 5.14 (EINVAL), leaves the reads to fault as before. */
static void populate_read(const uint8_t *src, size_t size)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)src & ~(page - 1u);
    if (size > 0 && (uintptr_t)src + size > (uintptr_t)src) {
        (void)madvise((void *)start, (uintptr_t)src + size - start, MADV_POPULATE_READ);
    }
}

int pf_frame_check(const pf_frames *frames, uint32_t i, pf_error *err)
{
    const pf_frame *f = &frames->table.frames[i];
    const uint8_t *src = frames->src + f->compressed_offset;
    populate_read(src, f->compressed_size);

    if (f->compressed_size < 5u || pf_le32_load(src) != ZSTD_FRAME_MAGIC) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u is not a zstd frame", i);
    }
    if (!(src[4] & ZSTD_DESCRIPTOR_CHECKSUM)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u has no content checksum", i);
    }
    unsigned long long contentSize = ZSTD_getFrameContentSize(src, f->compressed_size);
    if (contentSize == ZSTD_CONTENTSIZE_ERROR || contentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u has a bad or no content size", i);
    }
    if (contentSize != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "frame %u holds %llu bytes, the seek table says %u", i, contentSize,
                            f->decompressed_size);
    }
    if ((uint64_t)f->decompressed_size > (uint64_t)f->compressed_size * ZSTD_MAX_EXPANSION) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "frame %u claims %u bytes from %u compressed: impossible for zstd", i,
                            f->decompressed_size, f->compressed_size);
    }
    size_t frameSize = ZSTD_findFrameCompressedSize(src, f->compressed_size);
    if (ZSTD_isError(frameSize) || frameSize != f->compressed_size) {
        return pf_error_set(
            err, PF_ERR_CORRUPT, "frame %u does not fill its %u bytes in the seek table (%s)", i,
            f->compressed_size, ZSTD_isError(frameSize) ? ZSTD_getErrorName(frameSize) : "size");
    }
    return PF_OK;
}

int pf_frame_decompress(const pf_frames *frames, ZSTD_DCtx *dctx, uint32_t i, uint8_t *dst,
                        pf_error *err)
{
    const pf_frame *f = &frames->table.frames[i];
    size_t r = ZSTD_decompressDCtx(dctx, dst, f->decompressed_size,
                                   frames->src + f->compressed_offset, f->compressed_size);
    pf_frame_release(frames, i);
    if (ZSTD_isError(r)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u does not decompress: %s", i,
                            ZSTD_getErrorName(r));
    }
    if (r != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u gave %zu bytes, the seek table says %u",
                            i, r, f->decompressed_size);
    }
    return PF_OK;
}

/* setup_decoder: sets a new zstd decoder (NULL: its creation failed) up as
 * every reader thread needs it: window limit, checksums ignored in fuzzing
 * builds. Returns PF_OK or PF_ERR_NOMEM; the caller frees the decoder
 * either way. */
static int setup_decoder(ZSTD_DCtx *dctx, pf_error *err)
{
    if (dctx == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd decoder");
    }
    if (ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, PF_ZSTD_WINDOW_LOG_MAX))) {
        return pf_error_set(err, PF_ERR_NOMEM, "zstd refused a window log of %d",
                            PF_ZSTD_WINDOW_LOG_MAX);
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Lets mutated frames reach the tar and index checks. */
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
#endif
    return PF_OK;
}

/* decoder_alloc: zstd's allocations for a decoder. Its context (about 96
 * KB, partly used by a given frame) is allocated lazily; a streaming
 * decoder's buffer for a window of PF_DECODER_KEEP bytes or more (a big
 * native frame streamed by the prefetch thread, which writes through the
 * whole window) comes populated (big_block.h). */
static void *decoder_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return size >= PF_DECODER_KEEP ? pf_big_alloc_filled(size) : pf_big_alloc(size);
}

static void decoder_free(void *opaque, void *address)
{
    (void)opaque;
    pf_big_free(address);
}

int pf_decoder_new(ZSTD_DCtx **out, pf_error *err)
{
    static const ZSTD_customMem mem = {decoder_alloc, decoder_free, NULL};
    *out = ZSTD_createDCtx_advanced(mem);
    int status = setup_decoder(*out, err);
    if (status != PF_OK) {
        ZSTD_freeDCtx(*out);
        *out = NULL;
    }
    return status;
}

void pf_decoder_shrink(ZSTD_DCtx **dctx)
{
    ZSTD_DCtx *fresh;
    if (ZSTD_sizeof_DCtx(*dctx) > PF_DECODER_KEEP && pf_decoder_new(&fresh, NULL) == PF_OK) {
        ZSTD_freeDCtx(*dctx);
        *dctx = fresh;
    }
}
