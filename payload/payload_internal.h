/* payload_internal.h - what payload_reader.c and payload_prefetch.c share:
 * the reader's state and its frame checks. Not for other files: the public
 * contract is payload_reader.h. */
#ifndef PF_PAYLOAD_INTERNAL_H
#define PF_PAYLOAD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "payload_reader.h"

typedef struct pf_cached_frame {
    uint32_t frame;    /* frame number, or PF_NONE when the slot is empty */
    uint64_t last_use; /* value of pf_payload.clock at the last read */
    uint8_t *data;     /* decompressed bytes (owned) */
    size_t capacity;   /* bytes allocated at data */
} pf_cached_frame;

typedef struct pf_prefetch pf_prefetch;

/* Everything but `prefetch` belongs to the thread that calls the public
 * functions (the main thread); the prefetch thread reads only src, table,
 * index and release, which do not change once the payload is open. */
struct pf_payload {
    const uint8_t *src; /* borrowed payload bytes */
    size_t src_size;
    pf_seek_table table;
    ZSTD_DCtx *dctx; /* the main thread's decoder */
    uint8_t *frame0; /* decompressed frame 0: the index member (owned) */
    pf_index index;  /* borrows frame0 */
    pf_cached_frame cache[PF_FRAME_CACHE_SLOTS];
    uint32_t *unread; /* per frame: file members not read yet (owned) */
    uint8_t *read;    /* per entry: bit set once the member was read (owned) */
    unsigned pins;    /* pf_payload_pin depth */
    uint8_t **held;   /* buffers taken from slots while pinned, freed at the last unpin */
    size_t held_count, held_capacity;
    uint64_t clock;
    uint8_t *scratch;           /* ZSTD_DStreamOutSize() bytes for pf_payload_copy (owned) */
    pf_payload_release release; /* told of compressed bytes once decompressed, or NULL */
    size_t sweep_bytes;         /* how far the reads go between sweeps (pf_payload_set_release) */
    size_t swept;               /* bytes from the start released by the last sweep */
    pf_prefetch *prefetch;      /* the prefetch thread's state, or NULL (payload_prefetch.c) */
};

/* pf_payload_note_read: counts file entry e as read, once per member
 * (pf_payload.unread): a cached frame whose members have all been read,
 * whichever way (pf_payload_read, pf_payload_copy, a descriptor taken from
 * the prefetch thread), leaves the cache at the next read or last unpin.
 * The reads' side only. */
void pf_payload_note_read(pf_payload *p, const pf_entry *e);

/* pf_payload_setup_dctx: sets a new zstd decoder (NULL: its creation
 * failed) up as every reader thread needs it: window limit, checksums
 * ignored in fuzzing builds. Returns PF_OK or PF_ERR_NOMEM; the caller
 * frees the decoder either way. */
int pf_payload_setup_dctx(ZSTD_DCtx *dctx, pf_error *err);

/* The largest decoder either thread keeps between frames: streaming a
 * frame leaves a decoder holding a window about the frame's size (native
 * code: up to 2 MiB at zstd level 6), which whole-frame reads do not need
 * (about 100 KB). 1 MiB kept 0.3 MB more at the peak of the benchmark's
 * stdlib-heavy and numpy programs. */
#define PF_DECODER_KEEP (256u * 1024u)

/* pf_payload_new_dctx: a new decoder, set up by pf_payload_setup_dctx,
 * allocating through pf_big_alloc (big_block.h: a streamed frame's window,
 * as big as the frame, goes back to the system with the decoder). Returns
 * PF_OK, or PF_ERR_NOMEM with *out NULL. */
int pf_payload_new_dctx(ZSTD_DCtx **out, pf_error *err);

/* pf_payload_shrink_dctx: replaces *dctx by a new decoder when it holds
 * more than PF_DECODER_KEEP bytes; keeps it if that fails. */
void pf_payload_shrink_dctx(ZSTD_DCtx **dctx);

/* pf_payload_check_frame: checks frame i's zstd header against the seek
 * table before anything is allocated for it. Reads only immutable state:
 * any thread may call it. Returns PF_OK or PF_ERR_CORRUPT. */
int pf_payload_check_frame(const pf_payload *p, uint32_t i, pf_error *err);

/* pf_payload_release_frame: hands frame i's compressed bytes to the owner's
 * release function, if any. Any thread may call it. */
void pf_payload_release_frame(const pf_payload *p, uint32_t i);

/* pf_payload_decompress_frame: decompresses frame i (passed
 * pf_payload_check_frame) with dctx into dst (room for its decompressed
 * size), then releases its compressed bytes. Returns PF_OK or
 * PF_ERR_CORRUPT. */
int pf_payload_decompress_frame(const pf_payload *p, ZSTD_DCtx *dctx, uint32_t i, uint8_t *dst,
                                pf_error *err);

/* ---- payload_prefetch.c: the main thread's side (NULL-safe: no prefetch) ---- */

/* pf_prefetch_take_frame: the main thread needs frame i and does not have
 * it. Waits while the prefetch thread decompresses it. Returns 1 and moves
 * the thread's buffer of frame i (from pf_big_alloc: free it with
 * pf_big_free; *capacity bytes, more than the frame's decompressed size)
 * to *data; else returns 0, and the caller
 * decompresses the frame itself (the thread will not start on it). */
int pf_prefetch_take_frame(pf_prefetch *pf, uint32_t i, uint8_t **data, size_t *capacity);

/* pf_prefetch_give_back: a pf_big_alloc buffer of capacity bytes the caller no
 * longer needs (one its cache evicted): kept for the thread to fill again,
 * or freed. Accepts NULL data, and a NULL pf (then it frees). */
void pf_prefetch_give_back(pf_prefetch *pf, uint8_t *data, size_t capacity);

/* pf_prefetch_copy_member: the main thread needs bytes [offset, offset +
 * size) of frame i (a member's data) for sink and does not have the frame.
 * Waits while the prefetch thread decompresses it. When the thread has the
 * frame in a buffer, gives those bytes to sink from there (the buffer stays
 * the prefetcher's) and returns 1 with *sinkResult the sink's return value;
 * else returns 0, and the caller decompresses the frame itself (the thread
 * will not start on it). */
int pf_prefetch_copy_member(pf_prefetch *pf, uint32_t i, uint32_t offset, uint32_t size,
                            pf_payload_sink sink, void *context, int *sinkResult);

/* pf_prefetch_free: stops the thread, waits for it, frees everything it
 * left (buffers not taken, descriptors not taken are closed). */
void pf_prefetch_free(pf_prefetch *pf);

#endif
