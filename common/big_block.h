/* big_block.h - memory for the payload's frame buffers and decoders.
 *
 * Blocks of PF_BIG_BLOCK bytes and more are mapped on their own (mmap(2))
 * and unmapped when freed, so their pages leave the process at once.
 * glibc's malloc maps blocks of 128 KiB and more too at first, but raises
 * its mmap threshold to the size of every mapped block freed (up to 32
 * MiB; see mallopt(3), M_MMAP_THRESHOLD), after which blocks of that size
 * come from the heap or, in the prefetch thread, from its arena. Frame-
 * sized buffers (128-400 KiB, allocated and freed all through start-up)
 * then stayed resident wherever anything lived above them: 2.3 MB more
 * heap for the benchmark's stdlib-heavy program on one CPU. Mapping them
 * also leaves the program's own malloc as python3.11 would have it.
 * Smaller blocks come from malloc. */
#ifndef PF_BIG_BLOCK_H
#define PF_BIG_BLOCK_H

#include <stddef.h>

/* Blocks of this many bytes (and more) are mapped. Below glibc's 128 KiB so
 * that decoders (about 96 KB) are too: the prefetch thread makes one anew
 * after each frame it streams, and from malloc they grew its arena to 1.3
 * MB resident (numpy program's peak: 1.3 MB lower mapped). */
#define PF_BIG_BLOCK (64u * 1024u)

/* pf_big_alloc: a block of at least size bytes, aligned to 64 bytes, or
 * NULL when out of memory. size 0 gives a valid block. Free with
 * pf_big_free, never free(3). Thread-safe. Mapped blocks are not
 * populated up front (MAP_POPULATE): it saved 4,000 page faults of the
 * stdlib-heavy benchmark program but made it start about 2% later. */
void *pf_big_alloc(size_t size);

/* pf_big_free: frees a block from pf_big_alloc; NULL does nothing. */
void pf_big_free(void *block);

#endif
