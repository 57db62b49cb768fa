/* test_unmatched_libraries.c - pfz_lib_report_unmatched: a library option
 * whose name or glob matches neither a bundled library nor one left to the
 * target is a warning record naming the option and the name; one that
 * matches is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "unmatched_libraries.h"

static void test_unmatched(void **state)
{
    (void)state;
    pfz_native_lib libs[] = {{.soname = "libssl.so.3"}, {.soname = "libcrypto.so.3"}};
    pfz_native_skipped skipped[] = {{.soname = "libz.so.1", .decision = PFZ_LIB_MANYLINUX},
                                    {.soname = "libfoo.so.2", .decision = PFZ_LIB_EXCLUDED}};
    pfz_native_result deps = {.libs = libs, .lib_count = 2, .skipped = skipped, .skipped_count = 2};
    const char *excludes[] = {"libfoo.so.2", "libnosuch.so.9", "libcry*"};
    const char *includes[] = {"libz.so.1", "libstdc++.so.6"};
    pfz_lib_policy policy = {
        .excludes = excludes, .exclude_count = 3, .includes = includes, .include_count = 2};
    pfz_report report = {0};
    pf_error err;
    assert_int_equal(pfz_lib_report_unmatched(&policy, &deps, &report, &err), PF_OK);
    assert_int_equal(report.note_count, 2);
    assert_int_equal(report.notes[0].kind, PFZ_NOTE_OPTION_MATCHED_NOTHING);
    assert_string_equal(report.notes[0].names, "--exclude-library");
    assert_string_equal(report.notes[0].module, "libnosuch.so.9");
    assert_int_equal(report.notes[0].verbose_only, 0);
    assert_string_equal(report.notes[1].names, "--include-library");
    assert_string_equal(report.notes[1].module, "libstdc++.so.6");
    pfz_report_free(&report);

    /* no extension module at all: every name matched nothing */
    assert_int_equal(pfz_lib_report_unmatched(&policy, NULL, &report, &err), PF_OK);
    assert_int_equal(report.note_count, 5);
    pfz_report_free(&report);
    /* no options, or no report: nothing */
    assert_int_equal(pfz_lib_report_unmatched(NULL, &deps, &report, &err), PF_OK);
    assert_int_equal(report.note_count, 0);
    assert_int_equal(pfz_lib_report_unmatched(&policy, &deps, NULL, &err), PF_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unmatched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
