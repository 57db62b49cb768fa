/* frame_cache.h - the reads' cache of decompressed frames: which frames
 * are kept (a small LRU, frames past the walk sharing one slot), when they
 * go (once all their members are read, never while pinned), and where a
 * missing frame comes from (the prefetch thread's buffer, else the
 * decoder). The reads' thread only; frame 0 is not cached here (the reader
 * keeps it for the payload's life). */
#ifndef PF_FRAME_CACHE_H
#define PF_FRAME_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "frame_decoder.h"
#include "payload_index.h"
#include "payload_prefetch.h"
#include "pf_error.h"

/* Number of decompressed frames kept besides frame 0 (which holds the index
 * and stays for the payload's life). */
#define PF_FRAME_CACHE_SLOTS 4

typedef struct pf_cached_frame {
    uint32_t frame;    /* frame number, or PF_NONE when the slot is empty */
    uint64_t last_use; /* value of pf_frame_cache.clock at the last read */
    uint8_t *data;     /* decompressed bytes (owned, pf_big_alloc) */
    size_t capacity;   /* bytes allocated at data */
} pf_cached_frame;

typedef struct pf_frame_cache {
    pf_cached_frame slots[PF_FRAME_CACHE_SLOTS];
    uint32_t walk_end; /* the index's walk_end (payload.h) */
    uint32_t *unread;  /* per frame: file members not read yet (owned) */
    uint8_t *read;     /* per entry: bit set once the member was read (owned) */
    unsigned pins;     /* pf_frame_cache_pin depth */
    uint8_t **held;    /* buffers taken from slots while pinned, freed at the last unpin */
    size_t held_count, held_capacity;
    uint64_t clock;                        /* counts the lookups, for the LRU order */
    uint32_t recent[PF_FRAME_CACHE_SLOTS]; /* the last frames read, latest first; PF_NONE */
} pf_frame_cache;

/* pf_frame_cache_init: an empty cache for the frames of a payload whose
 * validated index is `index` (frameCount frames): counts each frame's file
 * members. Returns PF_OK, or PF_ERR_NOMEM; pf_frame_cache_free either way. */
int pf_frame_cache_init(pf_frame_cache *cache, const pf_index *index, uint32_t frameCount,
                        pf_error *err);

/* pf_frame_cache_free: frees the cached and held buffers and the counts. */
void pf_frame_cache_free(pf_frame_cache *cache);

/* pf_frame_cache_get: frame i's (>= 1) decompressed bytes, in *data, valid
 * until the next pf_frame_cache_get, pf_frame_cache_drop_read or last
 * pf_frame_cache_unpin. On a miss the least recently used slot (frames at
 * or past walk_end: theirs) takes the prefetch thread's buffer of the
 * frame if it has one (pf NULL: none), else the frame is checked and
 * decompressed with dctx into the slot's buffer (reused, grown only when
 * too small); either way the reads' sweep follows (pf_frames_sweep).
 * Returns PF_OK, PF_ERR_CORRUPT or PF_ERR_NOMEM. */
int pf_frame_cache_get(pf_frame_cache *cache, pf_frames *frames, ZSTD_DCtx *dctx, pf_prefetch *pf,
                       uint32_t i, const uint8_t **data, pf_error *err);

/* pf_frame_cache_find: frame i's bytes if a slot holds them, else NULL.
 * Does not change the LRU order. */
const uint8_t *pf_frame_cache_find(const pf_frame_cache *cache, uint32_t i);

/* pf_frame_cache_note_read: counts file entry e as read, once per member:
 * a cached frame whose members have all been read, whichever way
 * (pf_payload_read, pf_payload_copy, a descriptor taken from the prefetch
 * thread), leaves the cache at the next pf_frame_cache_drop_read or last
 * unpin. */
void pf_frame_cache_note_read(pf_frame_cache *cache, const pf_entry *e);

/* pf_frame_cache_drop_read: frees the slots of frames whose members have
 * all been read, unless pinned. */
void pf_frame_cache_drop_read(pf_frame_cache *cache);

/* pf_frame_cache_trim: frees the slots of all frames but those of the last
 * keep (at most PF_FRAME_CACHE_SLOTS) frames read from, unless pinned (then
 * nothing). A frame read through (all its members) counts among those last
 * read though it has left the cache. */
void pf_frame_cache_trim(pf_frame_cache *cache, unsigned keep);

/* pf_frame_cache_pin, pf_frame_cache_unpin: see pf_payload_pin. */
void pf_frame_cache_pin(pf_frame_cache *cache);
void pf_frame_cache_unpin(pf_frame_cache *cache);

#endif
