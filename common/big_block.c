/* big_block.c - mapped blocks for big buffers; see big_block.h. */
#include "big_block.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Bytes before each block, holding its total size (bytes) and whether it
 * was mapped; blocks are aligned to it (a cache line). */
#define HEADER 64u

/* Set by pf_big_map_all in the threads that map every block. */
static _Thread_local int map_all;

void pf_big_map_all(void)
{
    map_all = 1;
}

/* big_alloc: pf_big_alloc, with the mapped block's pages populated when
 * populate is non-zero. */
static void *big_alloc(size_t size, int populate)
{
    if (size > SIZE_MAX - 2u * HEADER) {
        return NULL;
    }
    /* a multiple of the alignment, as aligned_alloc wants (C11 7.22.3.1) */
    size_t total = (size + 2u * HEADER - 1u) / HEADER * HEADER;
    uint8_t *p;
    const size_t mapped = size >= PF_BIG_BLOCK || map_all;
    if (mapped) {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0);
        p = mmap(NULL, total, PROT_READ | PROT_WRITE, flags, -1, 0);
        p = p == MAP_FAILED ? NULL : p;
    } else {
        p = aligned_alloc(HEADER, total);
    }
    if (p == NULL) {
        return NULL;
    }
    memcpy(p, &total, sizeof total);
    memcpy(p + sizeof total, &mapped, sizeof mapped);
    return p + HEADER;
}

void *pf_big_alloc(size_t size)
{
    return big_alloc(size, 0);
}

void *pf_big_alloc_filled(size_t size)
{
    return big_alloc(size, 1);
}

void pf_big_free(void *block)
{
    if (block == NULL) {
        return;
    }
    uint8_t *p = (uint8_t *)block - HEADER;
    size_t total, mapped;
    memcpy(&total, p, sizeof total);
    memcpy(&mapped, p + sizeof total, sizeof mapped);
    if (mapped) {
        munmap(p, total);
    } else {
        free(p);
    }
}
