/* seek_table_writer.c - compressing the tar stream as independent zstd
 * frames and appending the seekable-format seek table; contract in
 * seek_table_writer.h, format in payload.h.
 *
 * Rule source: zstd contrib/seekable_format/zstd_seekable_compression_format.md.
 * Output is deterministic: ZSTD_compress2 with fixed parameters gives the
 * same bytes for the same input and level. Frames are independent, so two
 * threads compress different frames at once (each frame on one thread, with
 * its own context) and the result is the same as one thread's. Each frame
 * may have its own level (pfz_frames_compress_levels). */
#include "seek_table_writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_literalCompressionMode (PFZ_LEVEL_RAW_LITERALS) */
#include <zstd.h>

#include "payload.h"
#include "pf_le.h"

/* A big buffer's fresh pages are faulted in ahead of its writes, one
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14) per PREFAULT_STEP bytes rather
 * than one page fault per page: on the virtual machines builds run on a
 * fault costs about 8 us, and a freeze fills a tar stream of about 100 MB
 * (docs/performance.md, "Freeze time"). An older kernel refuses the advice
 * and the pages fault in as before. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PREFAULT_MIN_CAPACITY (1u << 20)
#define PREFAULT_STEP (1u << 20)

/* prefault: faults in b's pages up to need bytes and PREFAULT_STEP beyond
 * (within capacity), past those already done. Only speed depends on it. */
static void prefault(pfz_buffer *b, size_t need)
{
    if (b->capacity < PREFAULT_MIN_CAPACITY || need <= b->populated) {
        return;
    }
    const uintptr_t page = 4096u;
    uintptr_t base = (uintptr_t)b->data;
    size_t done = b->populated > b->size ? b->populated : b->size;
    size_t end = b->capacity - need > PREFAULT_STEP ? need + PREFAULT_STEP : b->capacity;
    uintptr_t from = (base + done + page - 1u) & ~(page - 1u);
    uintptr_t to = (base + end) & ~(page - 1u);
    if (to > from) {
        (void)madvise((void *)from, (size_t)(to - from), MADV_POPULATE_WRITE);
    }
    b->populated = end;
}

/* buffer_reserve: makes room for extra more bytes in b, growing by
 * doubling. Returns PF_OK or PF_ERR_NOMEM. */
static int buffer_reserve(pfz_buffer *b, size_t extra, pf_error *err)
{
    if (extra > SIZE_MAX - b->size) {
        return pf_error_set(err, PF_ERR_NOMEM, "buffer would exceed the address space");
    }
    size_t need = b->size + extra;
    if (need <= b->capacity) {
        prefault(b, need);
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
    prefault(b, need);
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
        b->populated = 0;
    }
}

/* One frame's result: from the store or compressed by a worker. */
typedef struct frame_job {
    const uint8_t *src; /* the frame's uncompressed bytes */
    size_t srcSize;
    uint8_t *dst; /* malloc'd compressed frame, or NULL before it is made */
    size_t dstSize;
    size_t zstd_error; /* a ZSTD error code, 0 when none */
    int level;         /* the zstd level it is compressed at */
    int from_store;
} frame_job;

/* The frames left to compress, shared by the compressing threads. Each
 * thread compresses whole frames with its own context and the same
 * parameters, so the bytes do not depend on which thread made a frame. */
typedef struct frame_work {
    frame_job *jobs;
    uint32_t count;
    int level;                    /* the level the contexts start at (the first job's) */
    const pfz_frame_store *store; /* asked for each frame first, offered the new ones; or NULL */
    atomic_uint next;             /* the next job to claim */
} frame_work;

/* new_cctx: a compression context with the frame parameters (level,
 * checksum, content size: PFZ_FRAME_FORMAT_TAG), or NULL; *zerr gets a
 * zstd error code when a parameter is refused. */
static ZSTD_CCtx *new_cctx(int level, size_t *zerr)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    if (cctx == NULL) {
        return NULL;
    }
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    }
    if (!ZSTD_isError(r)) {
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    }
    if (ZSTD_isError(r)) {
        *zerr = r;
    }
    return cctx;
}

/* from_store: takes job j's frame from the store when it has it (the
 * store verifies it). Returns 1 on a hit. */
static int from_store(const pfz_frame_store *store, frame_job *j)
{
    if (store == NULL || store->get == NULL) {
        return 0;
    }
    if (store->get(store->ctx, j->src, j->srcSize, j->level, &j->dst, &j->dstSize) &&
        j->dst != NULL) {
        j->from_store = 1;
        return 1;
    }
    free(j->dst);
    j->dst = NULL;
    j->dstSize = 0;
    return 0;
}

/* compress_jobs: claims jobs until none are left, takes each from the
 * store or compresses it and offers it to the store (a pthread start
 * routine; also run on the calling thread: the store's lookups, checks and
 * writes are spread over the threads too). A job that fails keeps dst
 * NULL, with zstd_error set when zstd said why. */
static void *compress_jobs(void *arg)
{
    frame_work *w = arg;
    size_t zerr = 0;
    ZSTD_CCtx *cctx = NULL;
    for (;;) {
        unsigned i = atomic_fetch_add(&w->next, 1u);
        if (i >= w->count) {
            break;
        }
        frame_job *j = &w->jobs[i];
        if (from_store(w->store, j)) {
            continue;
        }
        if (cctx == NULL && zerr == 0) {
            cctx = new_cctx(w->level > 0 ? w->level & ~PFZ_LEVEL_RAW_LITERALS : w->level, &zerr);
        }
        if (cctx == NULL || zerr != 0) {
            j->zstd_error = zerr;
            continue;
        }
        /* the level and the literals' mode are sticky parameters: a frame's
         * bytes depend only on the parameters in force, not on the frames
         * this context made */
        int raw = j->level > 0 && (j->level & PFZ_LEVEL_RAW_LITERALS) != 0;
        size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel,
                                          raw ? j->level & ~PFZ_LEVEL_RAW_LITERALS : j->level);
        if (!ZSTD_isError(r)) {
            r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_literalCompressionMode,
                                       raw ? ZSTD_ps_disable : ZSTD_ps_auto);
        }
        if (ZSTD_isError(r)) {
            j->zstd_error = r;
            continue;
        }
        size_t bound = ZSTD_compressBound(j->srcSize);
        j->dst = malloc(bound);
        if (j->dst == NULL) {
            continue;
        }
        r = ZSTD_compress2(cctx, j->dst, bound, j->src, j->srcSize);
        if (ZSTD_isError(r)) {
            j->zstd_error = r;
            free(j->dst);
            j->dst = NULL;
            continue;
        }
        j->dstSize = r;
        if (w->store != NULL && w->store->put != NULL) {
            w->store->put(w->store->ctx, j->src, j->srcSize, j->level, j->dst, j->dstSize);
        }
    }
    ZSTD_freeCCtx(cctx);
    return NULL;
}

/* compress_threads: how many threads take or compress `frames` frames: two when
 * there are at least two frames and two processors (the freezer's other
 * work is done by then), else one. */
static int compress_threads(uint32_t frames)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return frames >= 2 && cpus >= 2 ? 2 : 1;
}

int pfz_frames_compress(const uint8_t *src, size_t srcSize, const size_t *bounds,
                        uint32_t frame_count, int level, pfz_buffer *out, pf_error *err)
{
    return pfz_frames_compress_cached(src, srcSize, bounds, frame_count, level, NULL, out, err);
}

/* check_bounds: the frame bounds as pfz_frames_compress wants them.
 * Returns PF_OK or PF_ERR_USAGE. */
static int check_bounds(size_t srcSize, const size_t *bounds, uint32_t frame_count, pf_error *err)
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
    return PF_OK;
}

/* set_jobs: sets each job's source bytes and level (levels[i], or level
 * when levels is NULL). */
static void set_jobs(frame_job *jobs, const uint8_t *src, const size_t *bounds,
                     uint32_t frame_count, int level, const int *levels)
{
    for (uint32_t i = 0; i < frame_count; i++) {
        frame_job *j = &jobs[i];
        j->src = src + bounds[i];
        j->srcSize = bounds[i + 1] - bounds[i];
        j->level = levels != NULL ? levels[i] : level;
    }
}

/* compress_all: every job from the store or compressed, on this thread
 * and, when compress_threads says so, a helper. */
static void compress_all(frame_job *jobs, uint32_t frame_count, const pfz_frame_store *store)
{
    frame_work work = {.jobs = jobs, .count = frame_count, .level = jobs[0].level, .store = store};
    atomic_init(&work.next, 0u);
    pthread_t helper;
    int helped = compress_threads(frame_count) == 2 &&
                 pthread_create(&helper, NULL, compress_jobs, &work) == 0;
    compress_jobs(&work);
    if (helped) {
        pthread_join(helper, NULL);
    }
}

/* append_frames: appends the frames to out in order, recording each one's
 * compressed size in compressed[]. Returns PF_OK, PF_ERR_IO (zstd
 * failed), PF_ERR_NOMEM or PF_ERR_USAGE (a frame over 4 GiB compressed). */
static int append_frames(const frame_job *jobs, uint32_t frame_count, uint32_t *compressed,
                         pfz_buffer *out, pf_error *err)
{
    int status = PF_OK;
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        const frame_job *j = &jobs[i];
        if (j->dst == NULL) {
            status = j->zstd_error != 0
                         ? pf_error_set(err, PF_ERR_IO, "zstd compression failed: %s",
                                        ZSTD_getErrorName(j->zstd_error))
                         : pf_error_set(err, PF_ERR_NOMEM, "out of memory compressing a frame");
        } else if (j->dstSize > UINT32_MAX) {
            status = pf_error_set(err, PF_ERR_USAGE, "a compressed frame exceeds 4 GiB");
        } else {
            compressed[i] = (uint32_t)j->dstSize;
            status = pfz_buffer_append(out, j->dst, j->dstSize, err);
        }
    }
    return status;
}

/* append_seek_table: the skippable frame header, one 8-byte entry per
 * frame (compressed size, decompressed size), the footer (no per-entry
 * checksums). Returns PF_OK or PF_ERR_NOMEM. */
static int append_seek_table(const uint32_t *compressed, const size_t *bounds, uint32_t frame_count,
                             pfz_buffer *out, pf_error *err)
{
    uint8_t word[8];
    pf_le32_store(word, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(word + 4, frame_count * 8u + PF_SEEK_FOOTER_SIZE);
    int status = pfz_buffer_append(out, word, 8, err);
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
    return status;
}

int pfz_frames_compress_cached(const uint8_t *src, size_t srcSize, const size_t *bounds,
                               uint32_t frame_count, int level, const pfz_frame_store *store,
                               pfz_buffer *out, pf_error *err)
{
    return pfz_frames_compress_levels(src, srcSize, bounds, frame_count, level, NULL, store, out,
                                      err);
}

int pfz_frames_compress_levels(const uint8_t *src, size_t srcSize, const size_t *bounds,
                               uint32_t frame_count, int level, const int *levels,
                               const pfz_frame_store *store, pfz_buffer *out, pf_error *err)
{
    int status = check_bounds(srcSize, bounds, frame_count, err);
    if (status != PF_OK) {
        return status;
    }
    size_t originalSize = out->size; /* restored on failure */
    uint32_t *compressed = calloc(frame_count, sizeof *compressed);
    frame_job *jobs = calloc(frame_count, sizeof *jobs);
    if (compressed == NULL || jobs == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
    } else {
        set_jobs(jobs, src, bounds, frame_count, level, levels);
        compress_all(jobs, frame_count, store);
        /* the room for every frame and the table at once: no doubling */
        size_t total = 8u + 8u * (size_t)frame_count + PF_SEEK_FOOTER_SIZE;
        for (uint32_t i = 0; i < frame_count; i++) {
            total += jobs[i].dstSize;
        }
        status = buffer_reserve(out, total, err);
        if (status == PF_OK) {
            status = append_frames(jobs, frame_count, compressed, out, err);
        }
    }
    if (status == PF_OK) {
        status = append_seek_table(compressed, bounds, frame_count, out, err);
    }
    if (status != PF_OK) {
        out->size = originalSize;
    }
    for (uint32_t i = 0; jobs != NULL && i < frame_count; i++) {
        free(jobs[i].dst);
    }
    free(jobs);
    free(compressed);
    return status;
}
