/* frame_cache.c - the reads' cache of decompressed frames; contract in
 * frame_cache.h. Frames are laid out in import order, so a frame read once
 * is mostly read through soon after: a few slots suffice, and a frame goes
 * once all its members are read rather than waiting for the LRU to push
 * it out. */
#include "frame_cache.h"

#include <stdlib.h>

#include "big_block.h"
#include "payload.h"

int pf_frame_cache_init(pf_frame_cache *cache, const pf_index *index, uint32_t frameCount,
                        pf_error *err)
{
    *cache = (pf_frame_cache){.walk_end = index->walk_end};
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        cache->slots[s].frame = PF_NONE;
        cache->recent[s] = PF_NONE;
    }
    cache->unread = calloc(frameCount, sizeof *cache->unread);
    cache->read = calloc(index->entry_count / 8u + 1u, 1);
    if (cache->unread == NULL || cache->read == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the payload");
    }
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (PF_KIND_IS_FILE(e.kind)) {
            cache->unread[e.frame]++; /* the stored frame's count only goes unused */
        }
    }
    return PF_OK;
}

void pf_frame_cache_free(pf_frame_cache *cache)
{
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_big_free(cache->slots[s].data);
    }
    for (size_t k = 0; k < cache->held_count; k++) {
        pf_big_free(cache->held[k]);
    }
    free(cache->held);
    free(cache->unread);
    free(cache->read);
}

void pf_frame_cache_note_read(pf_frame_cache *cache, const pf_entry *e)
{
    uint8_t bit = (uint8_t)(1u << (e->number % 8u));
    if ((cache->read[e->number / 8u] & bit) == 0) {
        cache->read[e->number / 8u] |= bit;
        cache->unread[e->frame]--;
    }
}

/* empty_slot: frees slot c's buffer and leaves it empty. */
static void empty_slot(pf_cached_frame *c)
{
    pf_big_free(c->data);
    c->data = NULL;
    c->capacity = 0;
    c->frame = PF_NONE;
}

/* A program imports each module once, so once a frame's last member is
 * read its bytes are unlikely to be needed again; keeping them would keep
 * up to PF_FRAME_CACHE_SLOTS frames (about 1 MB for the benchmark's
 * stdlib-heavy program) for the life of the process. A member read again
 * decompresses its frame again. */
void pf_frame_cache_drop_read(pf_frame_cache *cache)
{
    if (cache->pins > 0) {
        return; /* pinned bytes may be in these frames */
    }
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &cache->slots[s];
        if (c->frame != PF_NONE && cache->unread[c->frame] == 0) {
            empty_slot(c);
        }
    }
}

/* A frame whose members the program never imports (a module imported in a
 * function, a codec looked up by name) would stay to the process's end: the
 * caller trims when an import is over (payload_reader.h: pf_payload_trim). */
void pf_frame_cache_trim(pf_frame_cache *cache, unsigned keep)
{
    if (cache->pins > 0) {
        return;
    }
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &cache->slots[s];
        int recent = 0;
        for (unsigned r = 0; r < keep && r < PF_FRAME_CACHE_SLOTS; r++) {
            recent |= c->frame == cache->recent[r];
        }
        if (c->frame != PF_NONE && !recent) {
            empty_slot(c);
        }
    }
}

/* note_recent: records a read from frame i in cache->recent. */
static void note_recent(pf_frame_cache *cache, uint32_t i)
{
    if (cache->recent[0] == i) {
        return;
    }
    unsigned r = 1;
    while (r < PF_FRAME_CACHE_SLOTS - 1u && cache->recent[r] != i) {
        r++; /* i's place, moved to the front; else the oldest goes */
    }
    for (; r > 0; r--) {
        cache->recent[r] = cache->recent[r - 1u];
    }
    cache->recent[0] = i;
}

/* hold: puts slot c's buffer aside until the last unpin, leaving the slot
 * empty. Returns PF_OK or PF_ERR_NOMEM. */
static int hold(pf_frame_cache *cache, pf_cached_frame *c, pf_error *err)
{
    if (cache->held_count == cache->held_capacity) {
        size_t capacity = cache->held_capacity ? 2 * cache->held_capacity : 4;
        uint8_t **grown = realloc(cache->held, capacity * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory keeping a frame");
        }
        cache->held = grown;
        cache->held_capacity = capacity;
    }
    cache->held[cache->held_count++] = c->data;
    c->data = NULL;
    c->capacity = 0;
    c->frame = PF_NONE;
    return PF_OK;
}

void pf_frame_cache_pin(pf_frame_cache *cache)
{
    cache->pins++;
}

void pf_frame_cache_unpin(pf_frame_cache *cache)
{
    if (cache->pins == 0 || --cache->pins > 0) {
        return;
    }
    for (size_t k = 0; k < cache->held_count; k++) {
        pf_big_free(cache->held[k]);
    }
    cache->held_count = 0;
    pf_frame_cache_drop_read(cache); /* the last frame read may be done with */
}

const uint8_t *pf_frame_cache_find(const pf_frame_cache *cache, uint32_t i)
{
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        if (cache->slots[s].frame == i) {
            return cache->slots[s].data;
        }
    }
    return NULL;
}

/* victim_slot: the slot frame i (not cached) goes to: an empty one, else
 * the least recently used. Past the walk's end (payload.h: walk_end) lie
 * modules imported, if ever, from functions, late and one by one: such
 * frames share one slot, so those a long-running program read once do not
 * stay. */
static pf_cached_frame *victim_slot(pf_frame_cache *cache, uint32_t i)
{
    pf_cached_frame *victim = &cache->slots[0];
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &cache->slots[s];
        if (victim->frame != PF_NONE && (c->frame == PF_NONE || c->last_use < victim->last_use)) {
            victim = c;
        }
    }
    for (unsigned s = 0; i >= cache->walk_end && s < PF_FRAME_CACHE_SLOTS; s++) {
        if (cache->slots[s].frame != PF_NONE && cache->slots[s].frame >= cache->walk_end) {
            victim = &cache->slots[s];
        }
    }
    return victim;
}

/* decompress_into: checks frame i and decompresses it into slot c's buffer
 * (reused, grown only when too small). Returns PF_OK, PF_ERR_CORRUPT or
 * PF_ERR_NOMEM; the slot is left empty on error. */
static int decompress_into(pf_cached_frame *c, const pf_frames *frames, ZSTD_DCtx *dctx, uint32_t i,
                           pf_error *err)
{
    size_t need = (size_t)frames->table.frames[i].decompressed_size + 1u; /* +1: never 0 bytes */
    int status = pf_frame_check(frames, i, err);
    if (status != PF_OK) {
        return status;
    }
    c->frame = PF_NONE;
    if (c->capacity < need) {
        pf_big_free(c->data);
        c->data = pf_big_alloc_filled(need); /* the frame fills it */
        c->capacity = c->data != NULL ? need : 0;
        if (c->data == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory for frame %u (%zu bytes)", i,
                                need - 1u);
        }
    }
    return pf_frame_decompress(frames, dctx, i, c->data, err);
}

int pf_frame_cache_get(pf_frame_cache *cache, pf_frames *frames, ZSTD_DCtx *dctx, pf_prefetch *pf,
                       uint32_t i, const uint8_t **data, pf_error *err)
{
    cache->clock++;
    note_recent(cache, i);
    for (unsigned s = 0; s < PF_FRAME_CACHE_SLOTS; s++) {
        pf_cached_frame *c = &cache->slots[s];
        if (c->frame == i) {
            c->last_use = cache->clock;
            *data = c->data;
            return PF_OK;
        }
    }
    pf_cached_frame *victim = victim_slot(cache, i);
    if (cache->pins > 0 && victim->data != NULL) {
        int status = hold(cache, victim, err);
        if (status != PF_OK) {
            return status;
        }
    }
    uint8_t *ready = NULL;
    size_t readyCapacity = 0;
    if (pf_prefetch_take_frame(pf, i, &ready, &readyCapacity)) {
        /* the prefetch thread's buffer takes the slot; the slot's own goes
         * back to the thread */
        pf_prefetch_give_back(pf, victim->data, victim->capacity);
        victim->data = ready;
        victim->capacity = readyCapacity;
    } else {
        int status = decompress_into(victim, frames, dctx, i, err);
        if (status != PF_OK) {
            return status;
        }
    }
    victim->frame = i;
    victim->last_use = cache->clock;
    *data = victim->data;
    pf_frames_sweep(frames, i);
    return PF_OK;
}
