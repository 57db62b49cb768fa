/* prefetch_job.c - the prefetch thread doing one frame, outside the lock:
 * decompressing it whole into a buffer, or streaming it and writing its
 * native members into descriptors; then queueing the bundled libraries
 * those need (DT_NEEDED). Between pieces of work it passes safe points,
 * where a fork or a stop can take it. */
#include "prefetch_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "big_block.h"
#include "elf_needed.h"
#include "payload.h"
#include "pf_io.h"

/* safe_point: called between pieces of a job, lock not held, with all the
 * job holds recorded. Parks while a fork is prepared. Returns non-zero when
 * the thread must stop. */
static int safe_point(pf_prefetch *pf)
{
    pf_prefetch_step_aside(pf);
    if (atomic_load(&pf->pause)) {
        pthread_mutex_lock(&pf->lock);
        pf_prefetch_park(pf);
        pthread_mutex_unlock(&pf->lock);
    }
    return atomic_load(&pf->stop);
}

/* open_natives: a descriptor to fill for each of frame j's native members
 * not placed yet (an early job may have), until open_native fails (then
 * none more, ever). Returns how many it made. */
static uint32_t open_natives(pf_prefetch *pf, uint32_t j)
{
    const prefetch_frame *f = &pf->frames[j];
    uint32_t made = 0;
    for (uint32_t k = 0; k < f->native_count && !pf->native_off; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->fd >= 0) {
            continue;
        }
        pf_entry e;
        pf_index_entry(pf->index, n->entry, &e);
        PF_OWN_FD_BEGIN();
        n->fd = pf->opt.open_native(pf->opt.native_context, &e);
        struct stat st;
        int known = n->fd >= 0 && fstat(n->fd, &st) == 0;
        PF_OWN_FD_END();
        if (n->fd >= 0 && !known) {
            pf_prefetch_close_own(n->fd);
            n->fd = -1;
        }
        if (n->fd >= 0) {
            n->dev = (uint64_t)st.st_dev;
            n->ino = (uint64_t)st.st_ino;
        }
        n->filling = n->fd >= 0;
        made += n->filling;
        pf->native_off = n->fd < 0;
    }
    return made;
}

struct pull_walk {
    pf_prefetch *pf;
};

/* pull_needed: the DT_NEEDED visitor: queues the frame of bundled library
 * "libs/<name>", as the native loader would look it up. */
static int pull_needed(const char *name, size_t nameSize, void *context)
{
    pf_prefetch *pf = ((struct pull_walk *)context)->pf;
    char member[PF_LIBS_DIR_SIZE + PF_MAX_NAME_SIZE];
    pf_entry e;
    if (nameSize == 0 || nameSize > PF_MAX_NAME_SIZE - PF_LIBS_DIR_SIZE) {
        return 0;
    }
    memcpy(member, PF_LIBS_DIR, PF_LIBS_DIR_SIZE);
    memcpy(member + PF_LIBS_DIR_SIZE, name, nameSize);
    if (!pf_index_find(pf->index, member, PF_LIBS_DIR_SIZE + nameSize, &e) ||
        e.kind != PF_KIND_LIBRARY) {
        return 0;
    }
    prefetch_frame *f = &pf->frames[e.frame];
    if (f->queued || f->plan == PLAN_SKIP) {
        return 0;
    }
    if (pf->pull_count == pf->pull_capacity) {
        uint32_t capacity = pf->pull_capacity ? pf->pull_capacity * 2u : 16u;
        uint32_t *pulls = realloc(pf->pulls, capacity * sizeof *pulls);
        if (pulls == NULL) {
            return 0; /* the loader will do it */
        }
        pf->pulls = pulls;
        pf->pull_capacity = capacity;
    }
    f->queued = 1;
    pf->pulls[pf->pull_count++] = e.frame;
    return 0;
}

/* pull_libraries: queues the bundled libraries that native member n
 * (placed in n->fd; or in memory at bytes, when not NULL) needs. Damaged
 * ELF headers are the loader's to report: nothing is queued then. */
static void pull_libraries(pf_prefetch *pf, const prefetch_native *n, const uint8_t *bytes)
{
    struct pull_walk walk = {pf};
    if (bytes != NULL) {
        (void)pf_elf_for_each_needed(bytes, n->size, pull_needed, &walk, NULL);
        return;
    }
    PF_OWN_FD_BEGIN();
    void *map = mmap(NULL, n->size, PROT_READ, MAP_PRIVATE, n->fd, 0);
    PF_OWN_FD_END();
    if (map != MAP_FAILED) {
        (void)pf_elf_for_each_needed(map, n->size, pull_needed, &walk, NULL);
        munmap(map, n->size);
    }
}

/* run_buffer: frame j decompressed whole into pf->job_data (a spare buffer
 * when one was at hand, grown if too small), then its native members
 * written from there. Returns 0, or -1 (damage, memory). */
static int run_buffer(pf_prefetch *pf, uint32_t j)
{
    size_t need = (size_t)pf->payload->table.frames[j].decompressed_size + 1u;
    if (pf->job_capacity < need) {
        pf_big_free(pf->job_data);
        pf->job_data = pf_big_alloc_filled(need); /* the frame fills it */
        pf->job_capacity = pf->job_data != NULL ? need : 0;
    }
    if (pf->job_data == NULL ||
        pf_frame_decompress(pf->payload, pf->dctx, j, pf->job_data, NULL) != PF_OK) {
        return -1;
    }
    const prefetch_frame *f = &pf->frames[j];
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (!n->filling) {
            continue; /* placed by an early job, or no descriptor */
        }
        PF_OWN_FD_BEGIN();
        int written = pf_write_all(n->fd, pf->job_data + n->offset, n->size);
        PF_OWN_FD_END();
        if (written != 0) {
            pf_prefetch_close_own(n->fd);
            n->fd = -1;
            n->filling = 0;
        }
        pull_libraries(pf, n, pf->job_data + n->offset);
        if (safe_point(pf)) {
            return -1;
        }
    }
    return 0;
}

/* run_stream: frame j stream-decompressed through pf->scratch, the bytes
 * of each native member being filled appended to its descriptor, the rest
 * discarded; the content checksum is verified at the end before anything
 * is published. Returns 0, or -1 (damage, nothing to write to, stopped). */
static int run_stream(pf_prefetch *pf, uint32_t j)
{
    const pf_frame *fr = &pf->payload->table.frames[j];
    prefetch_frame *f = &pf->frames[j];
    ZSTD_inBuffer in = {pf->payload->src + fr->compressed_offset, fr->compressed_size, 0};
    uint64_t produced = 0;
    size_t left;
    ZSTD_DCtx_reset(pf->dctx, ZSTD_reset_session_only);
    do {
        ZSTD_outBuffer out = {pf->scratch, pf->scratch_size, 0};
        size_t before = in.pos;
        left = ZSTD_decompressStream(pf->dctx, &out, &in);
        if (ZSTD_isError(left) || (out.pos == 0 && in.pos == before)) {
            return -1;
        }
        int writing = 0;
        for (uint32_t k = 0; k < f->native_count; k++) {
            prefetch_native *n = &pf->natives[f->native_first + k];
            uint64_t from = produced > n->offset ? produced : n->offset;
            uint64_t end = (uint64_t)n->offset + n->size;
            uint64_t to = produced + out.pos < end ? produced + out.pos : end;
            int failed = 0;
            if (n->filling && from < to) {
                PF_OWN_FD_BEGIN();
                failed =
                    pf_write_all(n->fd, pf->scratch + (from - produced), (size_t)(to - from)) != 0;
                PF_OWN_FD_END();
            }
            if (failed) {
                pf_prefetch_close_own(n->fd);
                n->fd = -1;
                n->filling = 0;
            }
            writing |= n->filling;
        }
        produced += out.pos;
        if (!writing || produced > fr->decompressed_size || safe_point(pf)) {
            return -1;
        }
    } while (left != 0);
    pf_frame_release(pf->payload, j);
    if (produced != fr->decompressed_size) {
        return -1;
    }
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->filling) {
            pull_libraries(pf, n, NULL);
        }
    }
    return 0;
}

int pf_prefetch_run_job(pf_prefetch *pf, uint32_t j, int job)
{
    if (pf_frame_check(pf->payload, j, NULL) != PF_OK) {
        return -1;
    }
    const prefetch_frame *f = &pf->frames[j];
    uint32_t placing = pf->opt.open_native != NULL ? open_natives(pf, j) : 0;
    if (f->plan == PLAN_BUFFER && job != JOB_EARLY) {
        return run_buffer(pf, j);
    }
    int rc = placing > 0 ? run_stream(pf, j) : -1;
    pf_decoder_shrink(&pf->dctx);
    return rc;
}
