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
 * pf_big_free, never free(3). Thread-safe. A mapped block's pages come
 * one page fault at a time as they are first written: for blocks a caller
 * may leave partly unused (a decoder's context, a buffer reused for
 * smaller frames). */
void *pf_big_alloc(size_t size);

/* pf_big_alloc_filled: pf_big_alloc for a block the caller writes in full
 * straight away (a frame decompressed into it): a mapped block comes with
 * all its pages (mmap(2) MAP_POPULATE), which the kernel allocates in the
 * one call instead of taking a page fault for each. Faults are costly
 * where the kernel runs under a hypervisor that traps them: 12-20 us each
 * on the machine docs/performance.md measured, against about 1 us a page
 * populated. Populated pages are resident, used or not, so a block only
 * partly written costs memory: use pf_big_alloc then. Same contract
 * otherwise. */
void *pf_big_alloc_filled(size_t size);

/* pf_big_map_all: from this call on, every block the calling thread allocates
 * is mapped, whatever its size. For a helper thread that must not call
 * malloc: glibc gives the first thread to call malloc (or free a chunk into
 * its cache) an arena of its own, 64 MiB reserved, and what the arena ever
 * held stays resident after the thread has ended (60 KiB per process for
 * the prefetch thread of the benchmark's ssl+sqlite3 program). */
void pf_big_map_all(void);

/* pf_big_free: frees a block from pf_big_alloc; NULL does nothing. */
void pf_big_free(void *block);

#endif
