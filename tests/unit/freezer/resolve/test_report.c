/* test_report.c - the list of warning and note records a freeze returns
 * (resolve/report.c): records are copies, kept in order, freed once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "report.h"

static void test_report_add_copies(void **state)
{
    (void)state;
    pfz_report r = {0};
    char module[32];
    for (int i = 0; i < 40; i++) { /* past the first growth */
        snprintf(module, sizeof module, "mod%d", i);
        pfz_note n = {.kind = PFZ_NOTE_MODULE_NOT_FOUND,
                      .module = module,
                      .importer = "__main__",
                      .file = "app.py",
                      .line = i + 1,
                      .verbose_only = i % 2};
        assert_int_equal(pfz_report_add(&r, &n, NULL), PF_OK);
    }
    strcpy(module, "changed"); /* the records hold copies */
    assert_int_equal(r.note_count, 40);
    for (int i = 0; i < 40; i++) {
        snprintf(module, sizeof module, "mod%d", i);
        assert_string_equal(r.notes[i].module, module);
        assert_int_equal(r.notes[i].line, i + 1);
        assert_int_equal(r.notes[i].verbose_only, i % 2);
        assert_null(r.notes[i].reason);
    }
    pfz_report_free(&r);
    assert_int_equal(r.note_count, 0);
    assert_null(r.notes);
    pfz_report_free(&r); /* twice is fine */
    pfz_report_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_add_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
