/* test_suggest.c - pfz_edit_distance and pfz_suggest: typing errors find
 * the name meant, names far from every one find none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "suggest.h"

#define DIST(a, b) pfz_edit_distance((a), strlen(a), (b))

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(DIST("output", "output"), 0);
    assert_int_equal(DIST("ouput", "output"), 1);   /* a letter left out */
    assert_int_equal(DIST("outptu", "output"), 1);  /* two swapped */
    assert_int_equal(DIST("outpat", "output"), 1);  /* one wrong */
    assert_int_equal(DIST("ooutput", "output"), 1); /* one too many */
    assert_int_equal(DIST("", "pie"), 3);
    assert_int_equal(DIST("kitten", "sitting"), 3);
    char long_name[100];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(DIST(long_name, "a"), SIZE_MAX);
}

static void test_suggest(void **state)
{
    (void)state;
    const char *const names[] = {
        "output",         "module",          "path",           "pie", "hidden-import",
        "exclude-module", "exclude-library", "include-library"};
    size_t n = sizeof names / sizeof names[0];
#define SUGGEST(typed) pfz_suggest((typed), strlen(typed), names, n)
    assert_string_equal(SUGGEST("ouput"), "output");
    assert_string_equal(SUGGEST("modlue"), "module");
    assert_string_equal(SUGGEST("hidden-imports"), "hidden-import");
    assert_string_equal(SUGGEST("hid"), "hidden-import"); /* the only name it starts */
    assert_string_equal(SUGGEST("exclude-libary"), "exclude-library");
    assert_string_equal(SUGGEST("pei"), "pie");
    assert_null(SUGGEST("exclude")); /* the start of two names */
    assert_null(SUGGEST("frobnicate"));
    assert_null(SUGGEST("x"));
    assert_string_equal(SUGGEST("pa"), "path");
    assert_null(SUGGEST("p")); /* "path"? "pie"? too short to tell */
#undef SUGGEST
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
