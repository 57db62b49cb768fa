/* test_big_block.c - big_block.h: blocks of every size are aligned and
 * usable whole; a big block leaves the process when freed, even after
 * glibc's malloc has raised its mmap threshold (which is what kept frame
 * buffers resident before); a filled block's pages are resident before it
 * is written, a plain one's are not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "big_block.h"

/* mapped: whether the page holding address p is mapped in this process. */
static int mapped(const void *p)
{
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
    return msync((void *)page, 1, MS_ASYNC) == 0 || errno != ENOMEM;
}

static void test_sizes_aligned_and_usable(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 4096, PF_BIG_BLOCK - 1u, PF_BIG_BLOCK, 3u << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint8_t *p = pf_big_alloc(sizes[k]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64u, 0);
        memset(p, 0xA5, sizes[k]);
        for (size_t i = 0; i < sizes[k]; i += 4093) {
            assert_int_equal(p[i], 0xA5);
        }
        pf_big_free(p);
    }
    pf_big_free(NULL);
    assert_null(pf_big_alloc(SIZE_MAX - 8u));
}

static void test_big_block_unmapped_when_freed(void **state)
{
    (void)state;
    /* glibc maps this block itself and, when it is freed, raises its mmap
     * threshold to 4 MiB: from then on its own blocks of these sizes would
     * come from the heap and stay mapped after free */
    void *raise = malloc(4u << 20);
    assert_non_null(raise);
    memset(raise, 1, 4u << 20);
    free(raise);
    const size_t sizes[] = {PF_BIG_BLOCK, 400u * 1024u, 3u << 20};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint8_t *p = pf_big_alloc(sizes[k]);
        assert_non_null(p);
        memset(p, 0x5A, sizes[k]);
        assert_true(mapped(p));
        assert_true(mapped(p + sizes[k] - 1u));
        pf_big_free(p);
        assert_false(mapped(p));
        assert_false(mapped(p + sizes[k] - 1u));
    }
}

/* spanned_pages: how many pages [p, p + size) touches. */
static size_t spanned_pages(const void *p, size_t size)
{
    uintptr_t pageSize = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p & ~(pageSize - 1u);
    return ((uintptr_t)p + size - start + pageSize - 1u) / pageSize;
}

/* resident_pages: how many of the pages [p, p + size) touches are
 * resident (mincore(2)), or -1 if it cannot say. */
static long resident_pages(const void *p, size_t size)
{
    uintptr_t pageSize = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p & ~(pageSize - 1u);
    size_t pages = spanned_pages(p, size);
    unsigned char *vec = malloc(pages);
    long n = -1;
    if (vec != NULL && mincore((void *)start, pages * pageSize, vec) == 0) {
        n = 0;
        for (size_t k = 0; k < pages; k++) {
            n += vec[k] & 1u;
        }
    }
    free(vec);
    return n;
}

static void test_filled_block_comes_resident(void **state)
{
    (void)state;
    const size_t size = 1u << 20;
    uint8_t *filled = pf_big_alloc_filled(size);
    uint8_t *lazy = pf_big_alloc(size);
    assert_non_null(filled);
    assert_non_null(lazy);
    assert_int_equal((uintptr_t)filled % 64u, 0);
    /* every page of the filled block, none of the lazy one's (but the
     * first, where the block's size is kept) */
    assert_int_equal(resident_pages(filled, size), (long)spanned_pages(filled, size));
    assert_int_equal(resident_pages(lazy + 65536u, size - 65536u), 0);
    for (size_t i = 0; i < size; i += 4093) {
        assert_int_equal(filled[i], 0); /* anonymous memory: zeroes */
    }
    memset(filled, 0xC3, size);
    assert_int_equal(filled[size - 1u], 0xC3);
    pf_big_free(filled);
    pf_big_free(lazy);
    assert_false(mapped(filled));
    /* small blocks come from malloc either way */
    uint8_t *small = pf_big_alloc_filled(100);
    assert_non_null(small);
    memset(small, 1, 100);
    pf_big_free(small);
    assert_null(pf_big_alloc_filled(SIZE_MAX - 8u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_aligned_and_usable),
        cmocka_unit_test(test_big_block_unmapped_when_freed),
        cmocka_unit_test(test_filled_block_comes_resident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
