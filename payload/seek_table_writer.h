/* seek_table_writer.h - compressing frames and writing the zstd seekable
 * format seek table (rule source: zstd contrib/seekable_format spec). */
#ifndef PFZ_SEEK_TABLE_WRITER_H
#define PFZ_SEEK_TABLE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"

/* A growable byte buffer owned by its user; free data with free(). */
typedef struct pfz_buffer {
    uint8_t *data;
    size_t size;      /* bytes used */
    size_t capacity;  /* bytes allocated */
    size_t populated; /* bytes from data already faulted in (seek_table_writer.c:
                         prefault); 0 in a new buffer */
} pfz_buffer;

/* pfz_buffer_append: appends src[0..srcSize); PF_ERR_NOMEM on failure. */
int pfz_buffer_append(pfz_buffer *b, const void *src, size_t srcSize, pf_error *err);
/* pfz_buffer_reserve: makes room for extra more bytes after b->size, so
 * that appends up to that size do not move data; PF_ERR_NOMEM on failure. */
int pfz_buffer_reserve(pfz_buffer *b, size_t extra, pf_error *err);

/* pfz_buffer_free: frees data and empties b; accepts NULL. */
void pfz_buffer_free(pfz_buffer *b);

/* pfz_frames_compress: compresses the tar stream src[0..srcSize) as
 * frame_count independent zstd frames (checksum and content size set) at
 * the given zstd level; frame i covers src[bounds[i] .. bounds[i+1]) where
 * bounds has frame_count + 1 elements, bounds[0] == 0 and
 * bounds[frame_count] == srcSize. Appends the frames and then the seek table
 * (no per-entry checksums) to out. Errors: PF_ERR_USAGE (bad bounds: not
 * strictly increasing, an empty frame, a frame larger than
 * PF_MAX_FRAME_SIZE), PF_ERR_NOMEM, PF_ERR_IO (zstd failure); on error out
 * keeps its previous size. */
int pfz_frames_compress(const uint8_t *src, size_t srcSize, const size_t *bounds,
                        uint32_t frame_count, int level, pfz_buffer *out, pf_error *err);

/* Identifies how pfz_frames_compress sets up zstd besides the level
 * (checksum and content size on, one thread, whole frame in one call). A
 * frame store keys its frames by it: bump it when those parameters change,
 * so frames compressed the old way are not reused. */
#define PFZ_FRAME_FORMAT_TAG 1u

/* A store of compressed frames consulted before compressing a frame
 * (bytecode_cache.h implements one over a cache directory).
 * get: when the store holds the frame pfz_frames_compress makes from
 * src[0..srcSize) at level, returns 1 with *frame (malloc'd, the caller
 * frees) and *frameSize (bytes) set; else 0. It must verify what it returns
 * (decompress and compare): a wrong frame would corrupt the payload.
 * put: offers the frame just compressed from src; may ignore it.
 * A store with get == NULL is not consulted. get and put are called from
 * the compressing threads, several at once: they must be thread-safe. */
typedef struct pfz_frame_store {
    void *ctx;
    int (*get)(void *ctx, const uint8_t *src, size_t srcSize, int level, uint8_t **frame,
               size_t *frameSize);
    void (*put)(void *ctx, const uint8_t *src, size_t srcSize, int level, const uint8_t *frame,
                size_t frameSize);
} pfz_frame_store;

/* pfz_frames_compress_cached: pfz_frames_compress, taking each frame from
 * store when it has it and offering it each frame it had to compress. The
 * output is byte-identical to pfz_frames_compress's. store may be NULL.
 * Errors: those of pfz_frames_compress. */
int pfz_frames_compress_cached(const uint8_t *src, size_t srcSize, const size_t *bounds,
                               uint32_t frame_count, int level, const pfz_frame_store *store,
                               pfz_buffer *out, pf_error *err);

/* PFZ_LEVEL_RAW_LITERALS: or'ed into a positive level of
 * pfz_frames_compress_levels' levels[i], the frame is compressed at that
 * level with its literals stored as they are, not Huffman-coded (zstd's
 * ZSTD_c_literalCompressionMode = ZSTD_ps_disable, zstd.h): measured on
 * numpy's liblapack and _multiarray_umath at level 4 (zstd 1.5.4), 9-12 %
 * fewer instructions to decompress (callgrind) and 12-40 % faster (zstd -b,
 * interleaved), for 4.5-6 % more compressed bytes. Decoders need nothing
 * new: raw literal blocks are part of every zstd frame format. The frame
 * store keys such a frame by the level with the flag. */
#define PFZ_LEVEL_RAW_LITERALS 0x10000

/* pfz_frames_compress_levels: pfz_frames_compress_cached with frame i
 * compressed at zstd level levels[i] (frame_count elements; NULL: every
 * frame at level; either may carry PFZ_LEVEL_RAW_LITERALS), so a frame of
 * native code can take a faster level than one of bytecode (pack.h:
 * native_level). The store keys each frame by its
 * own level. The output depends only on the inputs, not on the threads.
 * zstd clamps a level outside its range to the nearest it has. Errors:
 * those of pfz_frames_compress. */
int pfz_frames_compress_levels(const uint8_t *src, size_t srcSize, const size_t *bounds,
                               uint32_t frame_count, int level, const int *levels,
                               const pfz_frame_store *store, pfz_buffer *out, pf_error *err);

/* A frame queue: frames compressed as they are added, on a helper thread
 * beside the caller's (pfz_pack writes the tar stream of the next frames
 * while the helper compresses the last ones), then on both, and appended to
 * the output as soon as the frames before them are: frames 1, 2... in
 * order while they are made, frame 0 put before them at the end, so the
 * compressed frames and the payload are never all held at once. Frames are
 * numbered by their place in the payload and may be added in any order
 * (pfz_pack adds frame 0, the index, last). The bytes are those of
 * pfz_frames_compress_levels over the same frames and levels: each frame
 * is compressed alone with the same parameters, whichever thread makes it.
 * Use from one thread: new, add..., finish, free. */
typedef struct pfz_frame_queue pfz_frame_queue;

/* pfz_frame_queue_new: an empty queue appending frames to out (after what
 * it holds), taking frames from store first and offering it the ones it
 * compresses (store may be NULL; store and out must outlive the queue, and
 * out is the queue's until pfz_frame_queue_free), with a helper thread when
 * there are two processors. *q is freed with pfz_frame_queue_free. Errors:
 * PF_ERR_NOMEM. */
int pfz_frame_queue_new(const pfz_frame_store *store, pfz_buffer *out, pfz_frame_queue **q,
                        pf_error *err);

/* pfz_frame_queue_add: queues frame `number` (< PF_MAX_FRAMES), the bytes
 * src[0..srcSize) (1..PF_MAX_FRAME_SIZE) to compress at zstd level `level`.
 * With owned set, src is malloc'd and the queue frees it once the frame is
 * made (or now, on error); otherwise it is borrowed until
 * pfz_frame_queue_finish returns. When many bytes wait to be compressed
 * (the helper is behind), the calling thread makes frames before it
 * returns, which bounds the memory the waiting frames hold. Errors: PF_ERR_USAGE (number out of
 * range or added before, size out of range), PF_ERR_NOMEM. */
int pfz_frame_queue_add(pfz_frame_queue *q, uint32_t number, const uint8_t *src, size_t srcSize,
                        int level, int owned, pf_error *err);

/* pfz_frame_queue_finish: makes the frames left (the calling thread
 * helps), so that out holds frames 0 .. frame_count-1 in order, then the
 * seek table (no per-entry checksums). Call it once. Errors: PF_ERR_USAGE
 * (the frames added are not exactly 0 .. frame_count-1, or a compressed
 * frame over 4 GiB), PF_ERR_IO (zstd failed), PF_ERR_NOMEM; on error out
 * keeps the size it had before pfz_frame_queue_new. */
int pfz_frame_queue_finish(pfz_frame_queue *q, uint32_t frame_count, pf_error *err);

/* pfz_frame_queue_free: stops the helper (frames not yet begun are
 * dropped), frees owned sources and frames not appended, and q; unless
 * pfz_frame_queue_finish succeeded, out gets back the size it had before
 * pfz_frame_queue_new. Accepts NULL. */
void pfz_frame_queue_free(pfz_frame_queue *q);

#endif
