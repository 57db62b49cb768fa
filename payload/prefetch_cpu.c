/* prefetch_cpu.c - keeping the prefetch thread off the CPU the reads run
 * on (step aside), and giving it all its CPUs back when a read waits for
 * it (pf_prefetch_widen). */
#include "prefetch_internal.h"

void pf_prefetch_step_aside(pf_prefetch *pf)
{
    int r = atomic_load_explicit(&pf->reader_cpu, memory_order_relaxed);
    if (r < 0 || r >= CPU_SETSIZE || sched_getcpu() != r) {
        return;
    }
    cpu_set_t other = pf->cpus;
    CPU_CLR(r, &other);
    if (CPU_COUNT(&other) > 0) {
        /* under the lock, as pf_prefetch_widen: a read's widen cannot fall between the
         * flag and the narrowing and be undone by it */
        pthread_mutex_lock(&pf->lock);
        if (sched_setaffinity(0, sizeof other, &other) == 0) {
            pf->narrowed = 1;
        }
        pthread_mutex_unlock(&pf->lock);
    }
}

void pf_prefetch_widen(pf_prefetch *pf)
{
    if (pf->narrowed) {
        pf->narrowed = 0;
        (void)sched_setaffinity(pf->tid, sizeof pf->cpus, &pf->cpus);
    }
}
