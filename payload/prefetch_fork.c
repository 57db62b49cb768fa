/* prefetch_fork.c - the registry of started prefetchers and the
 * pthread_atfork handlers that keep a fork consistent with them: the thread
 * parked at a safe point in the parent, its unfinished work dropped in the
 * child, where it does not exist (payload_prefetch.h, "fork"). */
#include "prefetch_internal.h"

#include <stdlib.h>

#include "big_block.h"
#include "payload.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pf_prefetch *registry;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

int pf_prefetch_init_changed(pf_prefetch *pf)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) {
        return -1;
    }
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
                     pthread_cond_init(&pf->changed, &attr) == 0
                 ? 0
                 : -1;
    pthread_condattr_destroy(&attr);
    return rc;
}

/* fork_prepare: every running thread parked at a safe point, every lock
 * held, so the child gets consistent records. */
static void fork_prepare(void)
{
    pthread_mutex_lock(&registry_lock);
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        pthread_mutex_lock(&pf->lock);
        atomic_store(&pf->pause, 1);
        pthread_cond_broadcast(&pf->changed);
        while (pf->running && !pf->parked) {
            pthread_cond_wait(&pf->changed, &pf->lock);
        }
    }
}

static void fork_parent(void)
{
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        atomic_store(&pf->pause, 0);
        pthread_cond_broadcast(&pf->changed);
        pthread_mutex_unlock(&pf->lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

/* fork_child: the threads do not exist here. Their conditions are made
 * anew (the parked thread is a waiter the child must never wait for),
 * their locks (held since fork_prepare) released, their unfinished work
 * dropped, their finished work aging from now (no walk will pass it here:
 * the child's reads drop it as they go on, see pf_prefetch_drop_old), and they are
 * never started here. */
static void fork_child(void)
{
    for (pf_prefetch *pf = registry; pf != NULL; pf = pf->next_started) {
        (void)pf_prefetch_init_changed(pf); /* glibc's init only writes: it cannot fail */
        pf->no_start = 1;
        pf->joinable = 0;
        pf->running = 0;
        pf->parked = 0;
        pf->idle = 0;
        pf->lent = PF_NONE; /* a sink of the parent's reading thread, not here */
        atomic_store(&pf->pause, 0);
        if (pf->job != PF_NONE) {
            pf_prefetch_close_natives(pf, pf->job, 1);
            pf->frames[pf->job].state = FRAME_IDLE;
            pf->job = PF_NONE;
        }
        pf_big_free(pf->job_data);
        pf->job_data = NULL;
        pf->job_capacity = 0;
        pf->pull_count = 0;
        pf->closing_count = 0; /* numbers in the thread's table, which the child has not */
        for (uint32_t h = 0; h < pf->held_count; h++) {
            prefetch_frame *f = &pf->frames[pf->held[h]];
            if (!f->aging) {
                f->aging = 1;
                f->done_at = pf->clock;
            }
        }
        pthread_mutex_unlock(&pf->lock); /* held by this thread since fork_prepare */
    }
    registry = NULL;
    pthread_mutex_unlock(&registry_lock);
}

static void register_atfork(void)
{
    (void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void pf_prefetch_register(pf_prefetch *pf)
{
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&registry_lock);
    pf->next_started = registry;
    registry = pf;
    pthread_mutex_unlock(&registry_lock);
}

void pf_prefetch_unregister(pf_prefetch *pf)
{
    pthread_mutex_lock(&registry_lock);
    for (pf_prefetch **at = &registry; *at != NULL; at = &(*at)->next_started) {
        if (*at == pf) {
            *at = pf->next_started;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}

void pf_prefetch_registry_lock(void)
{
    pthread_mutex_lock(&registry_lock);
}

void pf_prefetch_registry_unlock(void)
{
    pthread_mutex_unlock(&registry_lock);
}

void pf_prefetch_park(pf_prefetch *pf)
{
    pf->parked = 1;
    pthread_cond_broadcast(&pf->changed);
    while (atomic_load(&pf->pause)) {
        pthread_cond_wait(&pf->changed, &pf->lock);
    }
    pf->parked = 0;
}
