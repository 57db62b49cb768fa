/* test_frame_levels.c - pfz_frame_level (pack/frame_levels.c): a frame at
 * least half native code gets native_level, others level; no native_level
 * means level for all. That pfz_pack counts each frame's native bytes and
 * compresses each frame at its level is test_pack.c's test_pack_levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frame_levels.h"

static void test_levels(void **state)
{
    (void)state;
    pfz_pack_input in = {.level = 6, .native_level = 4};
    assert_int_equal(pfz_frame_level(&in, 0, 1024), 6);          /* the index */
    assert_int_equal(pfz_frame_level(&in, 60000, 63000), 4);     /* mostly native */
    assert_int_equal(pfz_frame_level(&in, 20000, 62000), 6);     /* a third */
    assert_int_equal(pfz_frame_level(&in, 31000, 62000), 4);     /* exactly half */
    assert_int_equal(pfz_frame_level(&in, 30999, 62000), 6);     /* just under */
    assert_int_equal(pfz_frame_level(&in, 1ull << 40, 1000), 4); /* no overflow */
    in.native_level = 0;
    assert_int_equal(pfz_frame_level(&in, 60000, 63000), 6);
    in.native_level = 6;
    assert_int_equal(pfz_frame_level(&in, 60000, 63000), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
