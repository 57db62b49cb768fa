/* test_left_out.c - the graph's list of left-out module names
 * (freezer/resolve/left_out.c): kept sorted and each name once, parents
 * added with a dotted name, the --exclude-module mark kept, odd names
 * ignored, freed to empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "module_graph.h"

static void test_sorted_unique_with_parents(void **state)
{
    (void)state;
    pfz_graph g = {0};
    pf_error err;
    const char *added[] = {"pandas.core.frame", "doctest", "pandas", "a.b", "pandas.core", "zz"};
    for (size_t i = 0; i < sizeof added / sizeof *added; i++) {
        assert_int_equal(pfz_graph_add_left_out(&g, added[i], 0, &err), PF_OK);
    }
    assert_int_equal(pfz_graph_add_left_out(&g, "json", 1, &err), PF_OK);
    assert_int_equal(pfz_graph_add_left_out(&g, "doctest", 1, &err), PF_OK);
    assert_int_equal(pfz_graph_add_left_out(&g, "json", 0, &err), PF_OK); /* mark stays */
    assert_int_equal(pfz_graph_add_left_out(&g, "", 1, &err), PF_OK);     /* ignored */
    const char *want[] = {"a",      "a.b",         "doctest",           "json",
                          "pandas", "pandas.core", "pandas.core.frame", "zz"};
    const int excluded[] = {0, 0, 1, 1, 0, 0, 0, 0};
    assert_int_equal(g.left_out_count, sizeof want / sizeof *want);
    for (size_t i = 0; i < g.left_out_count; i++) {
        assert_string_equal(g.left_out[i].name, want[i]);
        assert_int_equal(g.left_out[i].excluded, excluded[i]);
    }
    /* "pandas.core" excluded after it came in as a parent: marked */
    assert_int_equal(pfz_graph_add_left_out(&g, "pandas.core", 1, &err), PF_OK);
    assert_int_equal(g.left_out[5].excluded, 1);
    assert_int_equal(g.left_out[4].excluded, 0);
    pfz_graph_free_left_out(&g);
    assert_null(g.left_out);
    assert_int_equal(g.left_out_count, 0);
    pfz_graph_free(&g); /* nothing left: fine */
}

/* Names that share a prefix sort as strcmp sorts them ("a" < "a.b" <
 * "ab"), so the binary search finds each. */
static void test_prefix_order(void **state)
{
    (void)state;
    pfz_graph g = {0};
    pf_error err;
    const char *added[] = {"ab", "a", "abc", "a_b", "a.c"};
    for (size_t i = 0; i < sizeof added / sizeof *added; i++) {
        assert_int_equal(pfz_graph_add_left_out(&g, added[i], 0, &err), PF_OK);
        assert_int_equal(pfz_graph_add_left_out(&g, added[i], 0, &err), PF_OK);
    }
    assert_int_equal(g.left_out_count, 5);
    for (size_t i = 1; i < g.left_out_count; i++) {
        assert_true(strcmp(g.left_out[i - 1].name, g.left_out[i].name) < 0);
    }
    pfz_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorted_unique_with_parents),
        cmocka_unit_test(test_prefix_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
