/* prefetch_held.c - what the prefetch thread did and the reads have not
 * taken yet: frames holding a buffer or descriptors (pf->held), the
 * buffers kept for reuse (pf->spare); recording, counting and dropping
 * them. Called with pf->lock held, by either thread (or a fork child). */
#include "prefetch_internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "big_block.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

void pf_prefetch_close_own(int fd)
{
    (void)syscall(SYS_close, fd);
}

int pf_prefetch_own_descriptors(pf_prefetch *pf)
{
    (void)pf;
    /* syscall(2), not close_range(3): the stub's glibc floor (2.31) has no
     * wrapper */
    if (syscall(SYS_close_range, 0u, ~0u, CLOSE_RANGE_UNSHARE) != 0) {
        return -1;
    }
    /* 0-2 are /dev/null, so that nothing writing to "stderr" from this
     * thread (a sanitizer's report) can land in a memfd being filled */
    for (int fd = 0; fd < 3; fd++) {
        int null = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR | O_CLOEXEC);
        if (null != fd) {
            return -1; /* /dev/null missing: memfds would take 0-2 here */
        }
    }
    return 0;
}

/* on_thread: whether the caller is the prefetch thread, whose table the
 * records' descriptors are in. */
static int on_thread(const pf_prefetch *pf)
{
    return pf->running && gettid() == pf->tid;
}

void pf_prefetch_let_go(pf_prefetch *pf, prefetch_native *n)
{
    if (n->fd < 0) {
        return;
    }
    if (on_thread(pf)) {
        pf_prefetch_close_own(n->fd);
    } else if (pf->running) {
        if (pf->closing_count == pf->closing_capacity) {
            uint32_t capacity = pf->closing_capacity ? pf->closing_capacity * 2u : 16u;
            int *closing = realloc(pf->closing, capacity * sizeof *closing);
            if (closing != NULL) {
                pf->closing = closing;
                pf->closing_capacity = capacity;
            }
        }
        if (pf->closing_count < pf->closing_capacity) {
            pf->closing[pf->closing_count++] = n->fd;
        } /* else it stays open in the thread's table until the thread ends */
    }
    n->fd = -1;
}

void pf_prefetch_close_let_go(pf_prefetch *pf)
{
    for (uint32_t k = 0; k < pf->closing_count; k++) {
        pf_prefetch_close_own(pf->closing[k]);
    }
    pf->closing_count = 0;
}

void pf_prefetch_seal(const prefetch_native *n)
{
    PF_OWN_FD_BEGIN();
    (void)fcntl(n->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    PF_OWN_FD_END();
}

void pf_prefetch_close_natives(pf_prefetch *pf, uint32_t i, int fillingOnly)
{
    prefetch_frame *f = &pf->frames[i];
    for (uint32_t k = 0; k < f->native_count; k++) {
        prefetch_native *n = &pf->natives[f->native_first + k];
        if (n->fd >= 0 && (n->filling || !fillingOnly)) {
            pf_prefetch_let_go(pf, n);
        }
        n->filling = 0;
    }
}

uint8_t *pf_prefetch_untake_buffer(pf_prefetch *pf, uint32_t j, size_t *capacity)
{
    uint8_t *data = pf->frames[j].data;
    if (capacity != NULL) {
        *capacity = pf->frames[j].capacity;
    }
    if (data != NULL) {
        pf->frames[j].data = NULL;
        pf->buffered -= pf->payload->table.frames[j].decompressed_size;
    }
    return data;
}

int pf_prefetch_hold(pf_prefetch *pf, uint32_t j)
{
    if (pf->frames[j].held) {
        return 0;
    }
    if (pf->held_count == pf->held_capacity) {
        uint32_t capacity = pf->held_capacity ? pf->held_capacity * 2u : 16u;
        uint32_t *held = realloc(pf->held, capacity * sizeof *held);
        if (held == NULL) {
            return -1;
        }
        pf->held = held;
        pf->held_capacity = capacity;
    }
    pf->held[pf->held_count++] = j;
    pf->frames[j].held = 1;
    return 0;
}

uint32_t pf_prefetch_held_by(const pf_prefetch *pf, int job)
{
    uint32_t count = 0;
    for (uint32_t h = 0; h < pf->held_count; h++) {
        count += pf->frames[pf->held[h]].job == job;
    }
    return count;
}

void pf_prefetch_drop_old(pf_prefetch *pf, uint32_t keep, int all)
{
    uint32_t kept = 0;
    for (uint32_t h = 0; h < pf->held_count; h++) {
        uint32_t j = pf->held[h];
        prefetch_frame *f = &pf->frames[j];
        int passed = j != keep && f->state != FRAME_WORKING &&
                     (all || (f->aging && pf->clock - f->done_at > pf->opt.behind_frames));
        if (passed && f->data != NULL) {
            pf_big_free(pf_prefetch_untake_buffer(pf, j, NULL));
            pf->stats.buffers_dropped++;
        }
        /* A pulled library's descriptors wait for the thread's end: objects
         * of frames far apart may need the same library frame, and an
         * unmapped memfd's pages are not in the resident set. */
        int passedNative = passed && (all || f->job != JOB_PULL);
        int holds = f->data != NULL;
        for (uint32_t k = 0; k < f->native_count; k++) {
            prefetch_native *n = &pf->natives[f->native_first + k];
            if (passedNative && n->fd >= 0) {
                pf_prefetch_let_go(pf, n);
            }
            holds |= n->fd >= 0;
        }
        if (holds) {
            pf->held[kept++] = j;
        } else {
            f->held = 0;
        }
    }
    pf->held_count = kept;
}

void pf_prefetch_free_spares(pf_prefetch *pf)
{
    for (uint32_t k = 0; k < pf->spare_count; k++) {
        pf_big_free(pf->spare[k]);
    }
    pf->spare_count = 0;
}
