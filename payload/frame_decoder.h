/* frame_decoder.h - the payload's compressed frames: checking a frame's zstd
 * header against the seek table, decompressing it, telling the owner once
 * its compressed bytes are used (release), and the zstd decoders that do it.
 * The layer under the reader's frame cache and the prefetch thread; it
 * knows nothing of members, caches or threads (format: payload.h). */
#ifndef PF_FRAME_DECODER_H
#define PF_FRAME_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "pf_error.h"
#include "seek_table.h"

/* zstd's decoder, declared as zstd.h declares it (C11 allows the repeat),
 * so the reader's users need not include zstd.h. */
typedef struct ZSTD_DCtx_s ZSTD_DCtx;

/* pf_payload_release: told of a range of the buffer given to
 * pf_payload_open whose compressed bytes have been decompressed: a frame's
 * (either thread), or, now and then, everything from the start to the end
 * of the frame the reads just used (a sweep, on the reads' side; see
 * pf_payload_set_release), so an owner that mapped the buffer from a file
 * can drop those pages from its resident set (madvise MADV_DONTNEED); they
 * are read again from the file if a frame there is needed again. */
typedef void (*pf_payload_release)(const uint8_t *data, size_t size);

/* The frames of one payload. src, table and release do not change once
 * the payload is open and its prefetch started: any thread reads them.
 * sweep_bytes and swept belong to the reads' thread (pf_frames_sweep). */
typedef struct pf_frames {
    const uint8_t *src; /* borrowed payload bytes */
    size_t src_size;    /* bytes at src */
    pf_seek_table table;
    pf_payload_release release; /* told of compressed bytes once decompressed, or NULL */
    size_t sweep_bytes;         /* how far the reads go between sweeps (pf_payload_set_release) */
    size_t swept;               /* bytes from the start released by the last sweep */
} pf_frames;

/* pf_frames_open: reads the seek table at the end of src[0..srcSize)
 * (borrowed: it must outlive frames) into *frames, with no release
 * function. Returns PF_OK, or the errors of pf_seek_table_read
 * (PF_ERR_TRUNCATED, PF_ERR_CORRUPT, PF_ERR_NOMEM); *frames is safe to
 * close either way. */
int pf_frames_open(pf_frames *frames, const uint8_t *src, size_t srcSize, pf_error *err);

/* pf_frames_close: frees the seek table; accepts a zeroed *frames. */
void pf_frames_close(pf_frames *frames);

/* pf_frame_check: checks frame i's (< frame_count) zstd header against the
 * seek table before anything is allocated for it: magic, content checksum
 * flag, content size equal to the table's and at most 32768 times the
 * compressed size (RFC 8878: no block expands more), exactly one frame in
 * the table's compressed bytes. Reads only what does not change: any
 * thread may call it. Returns PF_OK or PF_ERR_CORRUPT. */
int pf_frame_check(const pf_frames *frames, uint32_t i, pf_error *err);

/* pf_frame_decompress: decompresses frame i (passed pf_frame_check) with
 * dctx into dst (room for its decompressed_size bytes; zstd verifies the
 * content checksum), then releases its compressed bytes (pf_frame_release).
 * Any thread, each with its own dctx. Returns PF_OK or PF_ERR_CORRUPT (does
 * not decompress, or not to the seek table's size). */
int pf_frame_decompress(const pf_frames *frames, ZSTD_DCtx *dctx, uint32_t i, uint8_t *dst,
                        pf_error *err);

/* pf_frame_release: hands frame i's compressed bytes to the release
 * function, if any. Any thread may call it. */
void pf_frame_release(const pf_frames *frames, uint32_t i);

/* pf_frames_sweep: after a read of frame i (the reads' thread only),
 * releases the payload from its start through frame i if the frame ends
 * sweep_bytes or more past the end of the last sweep (see
 * pf_payload_set_release). Returns 1 if it swept (frame i's bytes
 * included), else 0. */
int pf_frames_sweep(pf_frames *frames, uint32_t i);

/* The largest decoder either thread keeps between frames: streaming a
 * frame leaves a decoder holding a window about the frame's size (native
 * code: up to 2 MiB at zstd level 6), which whole-frame reads do not need
 * (about 100 KB). 1 MiB kept 0.3 MB more at the peak of the benchmark's
 * stdlib-heavy and numpy programs. */
#define PF_DECODER_KEEP (256u * 1024u)

/* pf_decoder_new: a new zstd decoder as every reader thread needs it
 * (window up to PF_MAX_FRAME_SIZE; checksums ignored in fuzzing builds),
 * allocating through pf_big_alloc (big_block.h: a streamed frame's window,
 * as big as the frame, goes back to the system with the decoder). Returns
 * PF_OK with *out owned by the caller (ZSTD_freeDCtx), or PF_ERR_NOMEM with
 * *out NULL. */
int pf_decoder_new(ZSTD_DCtx **out, pf_error *err);

/* pf_decoder_shrink: replaces *dctx by a new decoder when it holds more
 * than PF_DECODER_KEEP bytes; keeps it if that fails. */
void pf_decoder_shrink(ZSTD_DCtx **dctx);

#endif
