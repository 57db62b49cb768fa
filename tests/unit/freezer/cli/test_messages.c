/* test_messages.c - the wording the command prints for the records a
 * freeze returns (cli/messages.c): one check per kind, with and without
 * -v, and a Python error printed as python3 printed it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"

/* printed: what pfz_print_note writes for n on diag (*listing_text gets
 * the listing's; both malloc'd). */
static char *printed(const pfz_note *n, int verbose, char **listing_text)
{
    char *text = NULL, *listed = NULL;
    size_t size = 0, listed_size = 0;
    FILE *diag = open_memstream(&text, &size);
    FILE *listing = open_memstream(&listed, &listed_size);
    pfz_print_note(n, verbose, diag, listing);
    fclose(diag);
    fclose(listing);
    *listing_text = listed;
    return text;
}

static void check(const pfz_note *n, int verbose, const char *diag, const char *listing)
{
    char *listed;
    char *text = printed(n, verbose, &listed);
    assert_string_equal(text, diag);
    assert_string_equal(listed, listing);
    free(text);
    free(listed);
}

static void test_import_warnings(void **state)
{
    (void)state;
    pfz_note n = {.kind = PFZ_NOTE_MODULE_NOT_FOUND,
                  .module = "yaml",
                  .importer = "__main__",
                  .file = "app.py",
                  .line = 3};
    check(&n, 0,
          "pyfreeze: warning: app.py:3: cannot find module 'yaml' (imported by __main__); the "
          "frozen program will raise ImportError there if it runs this import\n",
          "");
    n.reason = "'pkg' is not a package";
    n.module = "pkg.x";
    check(&n, 0,
          "pyfreeze: warning: app.py:3: cannot find module 'pkg.x': 'pkg' is not a package "
          "(imported by __main__); the frozen program will raise ImportError there if it runs "
          "this import\n",
          "");
    n.verbose_only = 1; /* a stdlib importer's: only with -v */
    check(&n, 0, "", "");
    pfz_note rel = {.kind = PFZ_NOTE_BAD_RELATIVE_IMPORT,
                    .module = "..y",
                    .names = "a, ...",
                    .importer = "pkg.m",
                    .file = "pkg/m.py",
                    .line = 4,
                    .reason = "attempted relative import beyond top-level package"};
    check(&rel, 0,
          "pyfreeze: warning: pkg/m.py:4: cannot resolve 'from ..y import a, ...': attempted "
          "relative import beyond top-level package (in pkg.m); the frozen program will raise "
          "ImportError there if it runs this import\n",
          "");
}

static void test_verbose_notes(void **state)
{
    (void)state;
    pfz_note dev = {.kind = PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED,
                    .verbose_only = 1,
                    .module = "doctest",
                    .importer = "pickle",
                    .line = 1799};
    check(&dev, 0, "", "");
    check(&dev, 1,
          "pyfreeze: note: not following pickle's import of doctest in a function at line 1799 "
          "(a development tool); name it with --hidden-import if the program needs it\n",
          "");
    pfz_note build = {.kind = PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED,
                      .verbose_only = 1,
                      .module = "pytest",
                      .importer = "plug.t",
                      .line = 2};
    check(&build, 1,
          "pyfreeze: note: not following plug.t's import of pytest at line 2 (a build or test "
          "tool; plug.t was packed by a collection rule); name it with --hidden-import if the "
          "program needs it\n",
          "");
    pfz_note dist = {.kind = PFZ_NOTE_DISTRIBUTION_PACKED,
                     .verbose_only = 1,
                     .distribution = "plug",
                     .version = "2.0",
                     .file = "plug-2.0.dist-info",
                     .module = "plug",
                     .count = {3, 5}};
    check(&dist, 1, "",
          "distribution plug 2.0 (plug-2.0.dist-info): plug packed whole: 3 more modules; 5 "
          "metadata files\n");
}

static void test_driver_warnings(void **state)
{
    (void)state;
    pfz_note cache = {.kind = PFZ_NOTE_NO_CACHE, .reason = "cannot create /x: Permission denied"};
    check(&cache, 0,
          "pyfreeze: warning: cannot create /x: Permission denied; freezing without a cache\n", "");
    pfz_note sde = {
        .kind = PFZ_NOTE_BAD_SOURCE_DATE_EPOCH, .names = "12a", .count = {8589934591ULL}};
    check(&sde, 0,
          "pyfreeze: warning: ignoring SOURCE_DATE_EPOCH='12a' (not a number of seconds up to "
          "8589934591); using 0\n",
          "");
    pfz_note unmatched = {.kind = PFZ_NOTE_OPTION_MATCHED_NOTHING,
                          .names = "--exclude-module",
                          .module = "nosuchthing",
                          .reason = "no module"};
    check(&unmatched, 0,
          "pyfreeze: warning: --exclude-module 'nosuchthing' matched nothing: no module\n", "");
    check(&unmatched, PFZ_SHOW_QUIET, "", "");
}

/* pfz_print_notes prints each record once, in order, as a freeze goes on. */
static void test_print_notes_once(void **state)
{
    (void)state;
    pfz_report r = {0};
    pfz_note n = {.kind = PFZ_NOTE_NO_CACHE, .reason = "one"};
    assert_int_equal(pfz_report_add(&r, &n, NULL), PF_OK);
    char *text = NULL;
    size_t size = 0, printed_count = 0;
    FILE *diag = open_memstream(&text, &size);
    pfz_print_notes(&r, &printed_count, 0, diag, diag);
    n.reason = "two";
    assert_int_equal(pfz_report_add(&r, &n, NULL), PF_OK);
    pfz_print_notes(&r, &printed_count, 0, diag, diag);
    fclose(diag);
    assert_string_equal(text, "pyfreeze: warning: one; freezing without a cache\n"
                              "pyfreeze: warning: two; freezing without a cache\n");
    assert_int_equal(printed_count, 2);
    free(text);
    pfz_report_free(&r);
}

/* floor_text: what pfz_print_glibc_floor writes for f (malloc'd). */
static char *floor_text(const pfz_glibc_floor *f)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    pfz_print_glibc_floor(f, out);
    fclose(out);
    return text;
}

/* The glibc floor in the -v summary line: version, symbol, file. */
static void test_glibc_floor(void **state)
{
    (void)state;
    pfz_glibc_floor f = {.need = {{2, 36, 0}, "arc4random_buf"}, .file = "/x/pyfreeze-stub"};
    char *text = floor_text(&f);
    assert_string_equal(text,
                        "needs glibc >= 2.36 (arc4random_buf@GLIBC_2.36 in /x/pyfreeze-stub)");
    free(text);
    pfz_glibc_floor g = {.need = {{2, 2, 5}, ""}, .file = "libs/libm.so.6", .kind = 19};
    text = floor_text(&g);
    assert_string_equal(text, "needs glibc >= 2.2.5 (GLIBC_2.2.5 in libs/libm.so.6)");
    free(text);
    pfz_glibc_floor none = {0};
    text = floor_text(&none);
    assert_string_equal(text, "needs no versioned glibc symbol");
    free(text);
}

static void test_python_error(void **state)
{
    (void)state;
    static char syntax_text[] = "  File \"bad.py\", line 1\n    (\n    ^\nSyntaxError: '(' was "
                                "never closed\n";
    static char other_text[] = "RecursionError: maximum recursion depth exceeded\n";
    pfz_python_error e = {.file = "bad.py",
                          .is_syntax_error = 1,
                          .text = syntax_text,
                          .text_size = sizeof syntax_text - 1};
    char *text = NULL;
    size_t size = 0;
    FILE *diag = open_memstream(&text, &size);
    pfz_print_python_error(&e, diag);
    e = (pfz_python_error){
        .file = "deep.py", .text = other_text, .text_size = sizeof other_text - 1};
    pfz_print_python_error(&e, diag);
    e = (pfz_python_error){0}; /* none: nothing */
    pfz_print_python_error(&e, diag);
    fclose(diag);
    assert_string_equal(text, "  File \"bad.py\", line 1\n    (\n    ^\nSyntaxError: '(' was never "
                              "closed\npyfreeze: error: cannot compile deep.py:\nRecursionError: "
                              "maximum recursion depth exceeded\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_warnings), cmocka_unit_test(test_verbose_notes),
        cmocka_unit_test(test_driver_warnings), cmocka_unit_test(test_print_notes_once),
        cmocka_unit_test(test_python_error),    cmocka_unit_test(test_glibc_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
