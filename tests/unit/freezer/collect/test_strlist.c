/* test_strlist.c - the growable string list (strlist.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "strlist.h"

static void test_push_contains_free(void **state)
{
    (void)state;
    pfz_strlist list = {0};
    pf_error err;
    assert_int_equal(pfz_strlist_push(&list, "abcdef", 3, &err), PF_OK);
    for (int i = 0; i < 100; i++) { /* grows */
        assert_int_equal(pfz_strlist_push(&list, "/x", 2, &err), PF_OK);
    }
    assert_int_equal(list.count, 101);
    assert_string_equal(list.items[0], "abc"); /* only len bytes, NUL added */
    assert_true(pfz_strlist_contains(&list, "abc"));
    assert_true(pfz_strlist_contains(&list, "/x"));
    assert_false(pfz_strlist_contains(&list, "abcdef"));
    pfz_strlist_free(&list);
    assert_int_equal(list.count, 0);
    assert_null(list.items);
    assert_false(pfz_strlist_contains(&list, "abc"));
    pfz_strlist_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_contains_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
