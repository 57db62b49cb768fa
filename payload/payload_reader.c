/* payload_reader.c - the payload reader: opening a payload and reading
 * members from it; contract in payload_reader.h, format in payload.h.
 *
 * Open: seek table -> frame 0 decompressed -> tar header(s) of the index
 * member parsed (tar_index.c) -> index validated (payload_index.c). Reads:
 * the frame holding a member comes from the frame cache (frame_cache.c),
 * which takes it from the prefetch thread (payload_prefetch.h) or
 * decompresses it (frame_decoder.c); frame 0 stays for the payload's life.
 * One ZSTD_DCtx serves every frame read here; the prefetch thread has its
 * own. This file is the top of the payload library: it calls everything
 * below it, nothing calls back into it. */
#include "payload_reader.h"

#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "big_block.h"
#include "frame_cache.h"
#include "payload.h"
#include "tar_index.h"

/* Everything but what the prefetch thread reads (frames' src, table and
 * release; the index), which does not change once the payload is open,
 * belongs to the thread that calls the public functions. */
struct pf_payload {
    pf_frames frames; /* the compressed frames (src borrowed) */
    ZSTD_DCtx *dctx;  /* the reads' decoder */
    uint8_t *frame0;  /* decompressed frame 0: the index member (owned) */
    pf_index index;   /* borrows frame0 */
    pf_frame_cache cache;
    uint8_t *scratch;      /* ZSTD_DStreamOutSize() bytes for pf_payload_copy (owned) */
    pf_prefetch *prefetch; /* the prefetch thread's state, or NULL */
};

void pf_payload_set_release(pf_payload *payload, pf_payload_release release, size_t sweepBytes)
{
    payload->frames.release = release;
    payload->frames.sweep_bytes = sweepBytes;
    payload->frames.swept = 0;
}

int pf_payload_open(pf_payload **out, const uint8_t *src, size_t srcSize, pf_error *err)
{
    size_t dataOffset = 0, dataSize = 0;
    int status;

    *out = NULL;
    pf_payload *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory opening the payload");
    }
    status = pf_frames_open(&p->frames, src, srcSize, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_decoder_new(&p->dctx, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_frame_check(&p->frames, 0, err);
    if (status != PF_OK) {
        goto fail;
    }
    p->frame0 = malloc(p->frames.table.frames[0].decompressed_size + 1u);
    if (p->frame0 == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for frame 0 (%u bytes)",
                              p->frames.table.frames[0].decompressed_size);
        goto fail;
    }
    status = pf_frame_decompress(&p->frames, p->dctx, 0, p->frame0, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_tar_find_index(p->frame0, p->frames.table.frames[0].decompressed_size, &dataOffset,
                               &dataSize, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_index_open(&p->index, p->frame0 + dataOffset, dataSize, &p->frames.table, err);
    if (status != PF_OK) {
        goto fail;
    }
    status = pf_frame_cache_init(&p->cache, &p->index, p->frames.table.frame_count, err);
    if (status != PF_OK) {
        goto fail;
    }
    *out = p;
    return PF_OK;

fail:
    pf_payload_close(p);
    return status;
}

void pf_payload_close(pf_payload *payload)
{
    if (payload == NULL) {
        return;
    }
    pf_prefetch_free(payload->prefetch); /* the thread reads the frames: stop it first */
    pf_frame_cache_free(&payload->cache);
    free(payload->frame0);
    pf_big_free(payload->scratch);
    ZSTD_freeDCtx(payload->dctx);
    pf_frames_close(&payload->frames);
    free(payload);
}

const pf_index *pf_payload_index(const pf_payload *payload)
{
    return &payload->index;
}

const pf_seek_table *pf_payload_seek_table(const pf_payload *payload)
{
    return &payload->frames.table;
}

void pf_payload_pin(pf_payload *payload)
{
    pf_frame_cache_pin(&payload->cache);
}

void pf_payload_unpin(pf_payload *payload)
{
    pf_frame_cache_unpin(&payload->cache);
}

void pf_payload_trim(pf_payload *payload, unsigned keepFrames)
{
    pf_frame_cache_trim(&payload->cache, keepFrames);
    pf_big_free(payload->scratch);
    payload->scratch = NULL;
}

/* file_entry: re-decodes a caller's file entry from the validated index (a
 * caller's copy is not trusted). Returns PF_OK or PF_ERR_USAGE. */
static int file_entry(const pf_payload *payload, const pf_entry *file, pf_entry *e, pf_error *err)
{
    if (file == NULL || file->number >= payload->index.entry_count) {
        return pf_error_set(err, PF_ERR_USAGE, "no such index entry");
    }
    pf_index_entry(&payload->index, file->number, e);
    if (!PF_KIND_IS_FILE(e->kind)) {
        return pf_error_set(err, PF_ERR_USAGE, "index entry %u is not a file entry", e->number);
    }
    return PF_OK;
}

/* cached_frame: frame i's bytes if they are at hand (frame 0 or a cache
 * slot), else NULL. Does not change the LRU order. */
static const uint8_t *cached_frame(const pf_payload *p, uint32_t i)
{
    return i == 0 ? p->frame0 : pf_frame_cache_find(&p->cache, i);
}

int pf_payload_frame_cached(const pf_payload *payload, uint32_t i)
{
    return cached_frame(payload, i) != NULL;
}

/* release_stream_memory: frees what streaming a frame needed and reads do
 * not: the scratch buffer, and a decoder grown past PF_DECODER_KEEP. */
static void release_stream_memory(pf_payload *p)
{
    pf_big_free(p->scratch);
    p->scratch = NULL;
    pf_decoder_shrink(&p->dctx);
}

/* stream_member: gives the member e's bytes to sink while streaming its
 * frame through the scratch buffer (no buffer for the whole frame). */
static int stream_member(pf_payload *payload, const pf_entry *e, pf_payload_sink sink,
                         void *context, pf_error *err)
{
    int status = pf_frame_check(&payload->frames, e->frame, err);
    if (status != PF_OK) {
        return status;
    }
    size_t scratchSize = ZSTD_DStreamOutSize();
    if (payload->scratch == NULL && (payload->scratch = pf_big_alloc(scratchSize)) == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for a decompression buffer");
    }
    const pf_frame *f = &payload->frames.table.frames[e->frame];
    ZSTD_inBuffer in = {payload->frames.src + f->compressed_offset, f->compressed_size, 0};
    uint64_t produced = 0, begin = e->offset, end = (uint64_t)e->offset + e->size;
    size_t left;
    ZSTD_DCtx_reset(payload->dctx, ZSTD_reset_session_only);
    do {
        ZSTD_outBuffer out = {payload->scratch, scratchSize, 0};
        size_t before = in.pos;
        left = ZSTD_decompressStream(payload->dctx, &out, &in);
        if (ZSTD_isError(left)) {
            return pf_error_set(err, PF_ERR_CORRUPT, "frame %u does not decompress: %s", e->frame,
                                ZSTD_getErrorName(left));
        }
        if (out.pos == 0 && in.pos == before) {
            return pf_error_set(err, PF_ERR_CORRUPT, "frame %u ends before its content", e->frame);
        }
        /* the part of [produced, produced + out.pos) that is the member */
        uint64_t from = produced > begin ? produced : begin;
        uint64_t to = produced + out.pos < end ? produced + out.pos : end;
        if (from < to && sink(context, payload->scratch + (from - produced), to - from) != 0) {
            return pf_error_set(err, PF_ERR_IO, "the member's bytes could not be stored");
        }
        produced += out.pos;
        if (produced > f->decompressed_size) {
            break;
        }
    } while (left != 0);
    if (!pf_frames_sweep(&payload->frames, e->frame)) {
        pf_frame_release(&payload->frames, e->frame);
    }
    if (produced != f->decompressed_size) {
        return pf_error_set(err, PF_ERR_CORRUPT, "frame %u gave %llu bytes, the seek table says %u",
                            e->frame, (unsigned long long)produced, f->decompressed_size);
    }
    return PF_OK;
}

/* stored_bytes: the stored member e's bytes, in the payload (payload.h:
 * the stored frame; bounds checked by pf_index_open). */
static const uint8_t *stored_bytes(const pf_payload *payload, const pf_entry *e)
{
    const pf_frame *f = &payload->frames.table.frames[e->frame];
    return payload->frames.src + PF_STORED_DATA_START(f->compressed_offset) + e->offset;
}

int pf_payload_stored(const pf_payload *payload, const pf_entry *file, uint64_t *payloadOffset,
                      pf_error *err)
{
    pf_entry e;
    int status = file_entry(payload, file, &e, err);
    if (status != PF_OK) {
        return status;
    }
    if (!pf_frame_is_stored(&payload->frames.table, e.frame)) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "index entry %u is compressed", e.number);
    }
    *payloadOffset = (uint64_t)(stored_bytes(payload, &e) - payload->frames.src);
    return PF_OK;
}

int pf_payload_copy(pf_payload *payload, const pf_entry *file, pf_payload_sink sink, void *context,
                    pf_error *err)
{
    pf_entry e;
    int status = file_entry(payload, file, &e, err);
    if (status != PF_OK) {
        return status;
    }
    if (pf_frame_is_stored(&payload->frames.table, e.frame)) {
        if (sink(context, stored_bytes(payload, &e), e.size) != 0) {
            return pf_error_set(err, PF_ERR_IO, "the member's bytes could not be stored");
        }
        return PF_OK;
    }
    const uint8_t *frame = cached_frame(payload, e.frame);
    int sinkResult = 0;
    if (frame != NULL) {
        sinkResult = sink(context, frame + e.offset, e.size);
    }
    if (frame != NULL || pf_prefetch_copy_member(payload->prefetch, e.frame, e.offset, e.size, sink,
                                                 context, &sinkResult)) {
        if (sinkResult != 0) {
            return pf_error_set(err, PF_ERR_IO, "the member's bytes could not be stored");
        }
        pf_frame_cache_note_read(&payload->cache, &e);
        pf_frames_sweep(&payload->frames, e.frame);
        return PF_OK;
    }
    status = stream_member(payload, &e, sink, context, err);
    release_stream_memory(payload);
    if (status == PF_OK) {
        pf_frame_cache_note_read(&payload->cache, &e);
    }
    return status;
}

int pf_payload_read(pf_payload *payload, const pf_entry *file, const uint8_t **data,
                    size_t *dataSize, pf_error *err)
{
    pf_entry e;
    const uint8_t *frame = NULL;

    int status = file_entry(payload, file, &e, err);
    if (status != PF_OK) {
        return status;
    }
    pf_frame_cache_drop_read(&payload->cache); /* the previous read's bytes may go now */
    if (pf_frame_is_stored(&payload->frames.table, e.frame)) {
        *data = stored_bytes(payload, &e); /* in the caller's mapping of the payload */
        *dataSize = e.size;
        return PF_OK;
    }
    if (e.frame == 0) {
        frame = payload->frame0;
    } else {
        status = pf_frame_cache_get(&payload->cache, &payload->frames, payload->dctx,
                                    payload->prefetch, e.frame, &frame, err);
        if (status != PF_OK) {
            return status;
        }
    }
    pf_frame_cache_note_read(&payload->cache, &e);
    *data = frame + e.offset;
    *dataSize = e.size;
    return PF_OK;
}

int pf_payload_take_native(pf_payload *payload, const pf_entry *file, int *fd, pf_error *err)
{
    if (file == NULL || file->number >= payload->index.entry_count) {
        return pf_error_set(err, PF_ERR_USAGE, "no such index entry");
    }
    pf_entry e;
    pf_index_entry(&payload->index, file->number, &e);
    if (e.kind != PF_KIND_NATIVE && e.kind != PF_KIND_LIBRARY) {
        return pf_error_set(err, PF_ERR_USAGE, "index entry %u is not native code", e.number);
    }
    if (pf_frame_is_stored(&payload->frames.table, e.frame)) {
        return pf_error_set(err, PF_ERR_NOT_FOUND, "member %u is stored, not prefetched", e.number);
    }
    int status = pf_prefetch_take_native(payload->prefetch, &e, fd, err);
    if (status == PF_OK) {
        pf_frame_cache_note_read(&payload->cache, &e);
    }
    return status;
}

int pf_payload_prefetch_start(pf_payload *payload, const pf_prefetch_options *options,
                              pf_error *err)
{
    if (payload->prefetch != NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "prefetch already started");
    }
    return pf_prefetch_new(&payload->prefetch, &payload->frames, &payload->index, options, err);
}

void pf_payload_prefetch_stop(pf_payload *payload)
{
    pf_prefetch_free(payload->prefetch);
    payload->prefetch = NULL;
}

void pf_payload_prefetch_stats(pf_payload *payload, pf_prefetch_stats *stats)
{
    pf_prefetch_get_stats(payload->prefetch, stats);
}
