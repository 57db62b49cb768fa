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

int pfz_buffer_reserve(pfz_buffer *b, size_t extra, pf_error *err)
{
    return buffer_reserve(b, extra, err);
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

/* One frame: its source and, once a worker is done with it, its result. */
typedef struct frame_job {
    const uint8_t *src; /* the frame's uncompressed bytes; NULL once an owned source is freed */
    size_t srcSize;
    int owned;    /* src is malloc'd and freed as soon as the frame is made */
    uint8_t *dst; /* malloc'd compressed frame, or NULL before it is made */
    size_t dstSize;
    size_t zstd_error; /* a ZSTD error code, 0 when none */
    int level;         /* the zstd level it is compressed at */
    int made;          /* a thread is done with it (dst set, or the job failed) */
    int in_out;        /* dst was appended to the output and freed */
} frame_job;

/* The frames added and not yet claimed, shared by the compressing threads
 * under lock. Each thread compresses whole frames with its own context and
 * the same parameters, so the bytes do not depend on which thread made a
 * frame or in which order frames were added. */
struct pfz_frame_queue {
    pthread_mutex_t lock;
    pthread_cond_t more;          /* a frame was added, or the queue closes */
    frame_job **jobs;             /* by frame number; NULL: not added */
    uint32_t job_capacity;        /* elements of jobs */
    uint32_t *order;              /* frame numbers in the order they were added */
    uint32_t added;               /* elements of order */
    uint32_t claimed;             /* order[0 .. claimed) are a thread's */
    size_t waiting;               /* source bytes of the frames added and not claimed */
    int closing;                  /* no more frames: threads leave once order is claimed */
    const pfz_frame_store *store; /* asked for each frame first, offered the new ones; or NULL */
    pthread_t helper;
    int helped;          /* helper runs */
    ZSTD_CCtx *own_cctx; /* the calling thread's context (pfz_frame_queue_add, _finish) */
    size_t own_zerr;     /* a parameter own_cctx refused */
    pfz_buffer *out;     /* frames 1, 2... appended as they are made, frame 0 at the end */
    size_t out_start;    /* out's size before the first frame: restored on failure */
    uint32_t appended;   /* the next frame to append to out (from 1) */
    int append_status;   /* PF_OK, or why appending stopped (PF_ERR_NOMEM, PF_ERR_USAGE) */
};

/* Source bytes of frames added and not yet claimed past which the thread
 * adding frames makes some itself: writing a tar stream is much faster
 * than compressing it, and without a bound the frames waiting would hold
 * most of the stream at once. A few frames' worth keeps the helper fed. */
#define QUEUE_MAX_WAITING (4u << 20)

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
        return 1;
    }
    free(j->dst);
    j->dst = NULL;
    j->dstSize = 0;
    return 0;
}

/* make_frame: job j's frame from the store, or compressed with *cctx (made
 * on first use; *zerr keeps a refused parameter) and offered to the store;
 * then an owned source is freed. A job that fails keeps dst NULL, with
 * zstd_error set when zstd said why. */
static void make_frame(const pfz_frame_store *store, frame_job *j, ZSTD_CCtx **cctx, size_t *zerr)
{
    if (!from_store(store, j)) {
        /* the level and the literals' mode are sticky parameters: a frame's
         * bytes depend only on the parameters in force, not on the frames
         * this context made */
        int raw = j->level > 0 && (j->level & PFZ_LEVEL_RAW_LITERALS) != 0;
        int level = raw ? j->level & ~PFZ_LEVEL_RAW_LITERALS : j->level;
        if (*cctx == NULL && *zerr == 0) {
            *cctx = new_cctx(level, zerr);
        }
        size_t r = *cctx == NULL || *zerr != 0
                       ? *zerr
                       : ZSTD_CCtx_setParameter(*cctx, ZSTD_c_compressionLevel, level);
        if (*cctx != NULL && *zerr == 0 && !ZSTD_isError(r)) {
            r = ZSTD_CCtx_setParameter(*cctx, ZSTD_c_literalCompressionMode,
                                       raw ? ZSTD_ps_disable : ZSTD_ps_auto);
        }
        size_t bound = ZSTD_compressBound(j->srcSize);
        j->dst = *cctx != NULL && !ZSTD_isError(r) && *zerr == 0 ? malloc(bound) : NULL;
        r = j->dst != NULL ? ZSTD_compress2(*cctx, j->dst, bound, j->src, j->srcSize) : r;
        if (j->dst == NULL || ZSTD_isError(r)) {
            j->zstd_error = ZSTD_isError(r) ? r : 0;
            free(j->dst);
            j->dst = NULL;
        } else {
            j->dstSize = r;
            if (store != NULL && store->put != NULL) {
                store->put(store->ctx, j->src, j->srcSize, j->level, j->dst, j->dstSize);
            }
        }
    }
    if (j->owned) {
        free((void *)j->src);
        j->src = NULL;
    }
}

/* append_ready: appends to q->out the frames made next in order, from
 * q->appended on, each freed once copied, so that the compressed frames
 * and the payload are not held at once; called under q->lock. */
static void append_ready(pfz_frame_queue *q)
{
    while (q->append_status == PF_OK && q->appended < q->job_capacity) {
        frame_job *j = q->jobs[q->appended];
        if (j == NULL || !j->made || j->dst == NULL) {
            return;
        }
        pf_error ignored; /* finish says what went wrong */
        if (j->dstSize > UINT32_MAX) {
            q->append_status = PF_ERR_USAGE;
        } else if (pfz_buffer_append(q->out, j->dst, j->dstSize, &ignored) != PF_OK) {
            q->append_status = PF_ERR_NOMEM;
        } else {
            free(j->dst);
            j->dst = NULL;
            j->in_out = 1;
            q->appended++;
        }
    }
}

/* work: claims and makes frames, with *cctx and *zerr (make_frame),
 * until none is left once the queue closes or, with `until_below` set,
 * until the bytes waiting are below QUEUE_MAX_WAITING. */
static void work(pfz_frame_queue *q, ZSTD_CCtx **cctx, size_t *zerr, int until_below)
{
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!until_below && q->claimed == q->added && !q->closing) {
            pthread_cond_wait(&q->more, &q->lock);
        }
        if (q->claimed == q->added || (until_below && q->waiting < QUEUE_MAX_WAITING)) {
            break;
        }
        frame_job *j = q->jobs[q->order[q->claimed++]];
        q->waiting -= j->srcSize;
        pthread_mutex_unlock(&q->lock);
        make_frame(q->store, j, cctx, zerr);
        pthread_mutex_lock(&q->lock);
        j->made = 1;
        append_ready(q);
    }
    pthread_mutex_unlock(&q->lock);
}

/* queue_worker: the helper thread (a pthread start routine): makes frames
 * as they are added until the queue closes and none is left. */
static void *queue_worker(void *arg)
{
    size_t zerr = 0;
    ZSTD_CCtx *cctx = NULL;
    work(arg, &cctx, &zerr, 0);
    ZSTD_freeCCtx(cctx);
    return NULL;
}

/* queue_open: an empty queue with a helper thread when helper is set and
 * one can be started. Returns NULL when memory runs out. */
static pfz_frame_queue *queue_open(const pfz_frame_store *store, pfz_buffer *out, int helper)
{
    pfz_frame_queue *q = calloc(1, sizeof *q);
    if (q == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q);
        return NULL;
    }
    if (pthread_cond_init(&q->more, NULL) != 0) {
        pthread_mutex_destroy(&q->lock);
        free(q);
        return NULL;
    }
    q->store = store;
    q->out = out;
    q->out_start = out->size;
    q->appended = 1;
    q->helped = helper && pthread_create(&q->helper, NULL, queue_worker, q) == 0;
    return q;
}

int pfz_frame_queue_new(const pfz_frame_store *store, pfz_buffer *out, pfz_frame_queue **q,
                        pf_error *err)
{
    /* two threads when there are two processors: the caller's thread
     * writes what the helper compresses, then helps (pfz_frame_queue_finish) */
    *q = queue_open(store, out, sysconf(_SC_NPROCESSORS_ONLN) >= 2);
    return *q != NULL ? PF_OK
                      : pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
}

/* queue_grow: room in q->jobs for frame number and in q->order for one
 * more; called under q->lock. Returns 0, or -1 when memory runs out. */
static int queue_grow(pfz_frame_queue *q, uint32_t number)
{
    if (number < q->job_capacity) {
        return 0;
    }
    uint32_t cap = q->job_capacity != 0 ? q->job_capacity : 64u;
    while (cap <= number) {
        cap = cap > PF_MAX_FRAMES / 2u ? PF_MAX_FRAMES : cap * 2u;
    }
    frame_job **jobs = realloc(q->jobs, cap * sizeof *jobs);
    if (jobs == NULL) {
        return -1;
    }
    memset(jobs + q->job_capacity, 0, (cap - q->job_capacity) * sizeof *jobs);
    q->jobs = jobs;
    uint32_t *order = realloc(q->order, cap * sizeof *order);
    if (order == NULL) {
        return -1;
    }
    q->order = order;
    q->job_capacity = cap;
    return 0;
}

int pfz_frame_queue_add(pfz_frame_queue *q, uint32_t number, const uint8_t *src, size_t srcSize,
                        int level, int owned, pf_error *err)
{
    frame_job *j = NULL;
    int status = PF_OK;
    if (number >= PF_MAX_FRAMES || srcSize == 0 || srcSize > PF_MAX_FRAME_SIZE) {
        status = pf_error_set(err, PF_ERR_USAGE,
                              "frame %u: the number is over %u, or it is empty or over %u bytes",
                              number, PF_MAX_FRAMES, PF_MAX_FRAME_SIZE);
    } else if ((j = calloc(1, sizeof *j)) == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
    }
    pthread_mutex_lock(&q->lock);
    if (status == PF_OK && queue_grow(q, number) != 0) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
    } else if (status == PF_OK && q->jobs[number] != NULL) {
        status = pf_error_set(err, PF_ERR_USAGE, "frame %u was added twice", number);
    }
    if (status == PF_OK) {
        *j = (frame_job){.src = src, .srcSize = srcSize, .owned = owned, .level = level};
        q->jobs[number] = j;
        q->order[q->added++] = number;
        q->waiting += srcSize;
        pthread_cond_signal(&q->more);
    }
    pthread_mutex_unlock(&q->lock);
    if (status == PF_OK) {
        work(q, &q->own_cctx, &q->own_zerr, 1); /* the helper is behind: help */
    }
    if (status != PF_OK) {
        free(j);
        if (owned) {
            free((void *)src);
        }
    }
    return status;
}

/* queue_close: no more frames; the calling thread compresses what is left
 * with the helper and waits for it. */
static void queue_close(pfz_frame_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closing = 1;
    pthread_cond_broadcast(&q->more);
    pthread_mutex_unlock(&q->lock);
    work(q, &q->own_cctx, &q->own_zerr, 0);
    if (q->helped) {
        pthread_join(q->helper, NULL);
        q->helped = 0;
    }
}

void pfz_frame_queue_free(pfz_frame_queue *q)
{
    if (q == NULL) {
        return;
    }
    pthread_mutex_lock(&q->lock);
    q->claimed = q->added; /* what is left is not wanted */
    q->waiting = 0;
    pthread_mutex_unlock(&q->lock);
    queue_close(q);
    for (uint32_t i = 0; i < q->job_capacity; i++) {
        frame_job *j = q->jobs[i];
        if (j != NULL) {
            if (j->owned) {
                free((void *)j->src);
            }
            free(j->dst);
            free(j);
        }
    }
    if (q->out != NULL) { /* unfinished, or finish failed */
        q->out->size = q->out_start;
    }
    ZSTD_freeCCtx(q->own_cctx);
    free(q->jobs);
    free(q->order);
    pthread_cond_destroy(&q->more);
    pthread_mutex_destroy(&q->lock);
    free(q);
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

/* frame_error: the error of frame j that was not appended: zstd's, or
 * the memory it lacked, or an append that failed (q->append_status). */
static int frame_error(const pfz_frame_queue *q, const frame_job *j, pf_error *err)
{
    if (j->zstd_error != 0) {
        return pf_error_set(err, PF_ERR_IO, "zstd compression failed: %s",
                            ZSTD_getErrorName(j->zstd_error));
    }
    if (j->dst != NULL && j->dstSize > UINT32_MAX) {
        return pf_error_set(err, PF_ERR_USAGE, "a compressed frame exceeds 4 GiB");
    }
    return pf_error_set(err, PF_ERR_NOMEM, "out of memory %s",
                        q->append_status != PF_OK ? "building the payload" : "compressing a frame");
}

/* put_first: frame 0 (made) put before the frames appended after
 * q->out_start. */
static int put_first(pfz_frame_queue *q, pf_error *err)
{
    frame_job *j = q->jobs[0];
    if (j->dst == NULL || j->dstSize > UINT32_MAX) {
        return frame_error(q, j, err);
    }
    pfz_buffer *out = q->out;
    int status = buffer_reserve(out, j->dstSize, err);
    if (status == PF_OK) {
        uint8_t *at = out->data + q->out_start;
        memmove(at + j->dstSize, at, out->size - q->out_start);
        memcpy(at, j->dst, j->dstSize);
        out->size += j->dstSize;
        free(j->dst);
        j->dst = NULL;
        j->in_out = 1;
    }
    return status;
}

/* append_seek_table: the skippable frame header, one 8-byte entry per
 * frame of q (compressed size, decompressed size), the footer (no
 * per-entry checksums). Returns PF_OK or PF_ERR_NOMEM. */
static int append_seek_table(const pfz_frame_queue *q, uint32_t frame_count, pfz_buffer *out,
                             pf_error *err)
{
    uint8_t word[8];
    pf_le32_store(word, PF_SEEK_SKIPPABLE_MAGIC);
    pf_le32_store(word + 4, frame_count * 8u + PF_SEEK_FOOTER_SIZE);
    int status = pfz_buffer_append(out, word, 8, err);
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        pf_le32_store(word, (uint32_t)q->jobs[i]->dstSize);
        pf_le32_store(word + 4, (uint32_t)q->jobs[i]->srcSize);
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

int pfz_frame_queue_finish(pfz_frame_queue *q, uint32_t frame_count, pf_error *err)
{
    queue_close(q);
    int status = PF_OK;
    if (frame_count == 0 || frame_count > PF_MAX_FRAMES || q->added != frame_count) {
        status = pf_error_set(err, PF_ERR_USAGE, "%u frames were added, not %u (1..%u)", q->added,
                              frame_count, PF_MAX_FRAMES);
    }
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        if (q->jobs[i] == NULL) { /* added frame_count frames, one of them past the end */
            status = pf_error_set(err, PF_ERR_USAGE, "frame %u was never added", i);
        } else if (i > 0 && !q->jobs[i]->in_out) {
            status = frame_error(q, q->jobs[i], err);
        }
    }
    if (status == PF_OK) {
        status = put_first(q, err);
    }
    if (status == PF_OK) {
        status = append_seek_table(q, frame_count, q->out, err);
    }
    if (status == PF_OK) {
        q->out = NULL; /* done: pfz_frame_queue_free leaves it as it is */
    } else {
        q->out->size = q->out_start;
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
    /* two threads when there are two frames and two processors */
    pfz_frame_queue *q =
        queue_open(store, out, frame_count >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2);
    if (q == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory for the zstd compressor");
    }
    for (uint32_t i = 0; i < frame_count && status == PF_OK; i++) {
        status = pfz_frame_queue_add(q, i, src + bounds[i], bounds[i + 1] - bounds[i],
                                     levels != NULL ? levels[i] : level, 0, err);
    }
    if (status == PF_OK) {
        status = pfz_frame_queue_finish(q, frame_count, err);
    }
    pfz_frame_queue_free(q);
    return status;
}
