/* test_big_block.c - big_block.h: blocks of every size are aligned and
 * usable whole; a big block leaves the process when freed, even after
 * glibc's malloc has raised its mmap threshold (which is what kept frame
 * buffers resident before). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_aligned_and_usable),
        cmocka_unit_test(test_big_block_unmapped_when_freed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
