/* test_boot_config.c - runtime/boot/boot_config.c: the PYTHONPATH entries
 * a child (or a standalone Python) puts on sys.path
 * (pf_boot_append_pythonpath), as python3.11's getpath and site make them,
 * from a working directory the test makes (and removes, for the case
 * python3.11 cannot start in). No interpreter is started: the function
 * works on a PyConfig before Py_InitializeFromConfig. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "boot_internal.h"

#define MAX_ENTRIES 16

static char cwd[PATH_MAX];    /* the working directory made for the test */
static char parent[PATH_MAX]; /* its directory */

/* entries: module_search_paths after appending pythonpath (NULL: none
 * read) to the list start[0..) (NULL-terminated), with or without site;
 * each entry as UTF-8 text, with "C" for the working directory and "P" for
 * its parent written out in place of them, in out[0..), NULL-terminated. */
static void entries(const wchar_t *pythonpath, const char *const *start, int site,
                    char out[MAX_ENTRIES][PATH_MAX + 16], const char **list)
{
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    if (pythonpath != NULL) {
        assert_false(
            PyStatus_Exception(PyConfig_SetString(&config, &config.pythonpath_env, pythonpath)));
    }
    for (size_t i = 0; start != NULL && start[i] != NULL; i++) {
        wchar_t *w = Py_DecodeLocale(start[i], NULL);
        assert_non_null(w);
        assert_false(PyStatus_Exception(PyWideStringList_Append(&config.module_search_paths, w)));
        PyMem_RawFree(w);
    }
    assert_false(PyStatus_Exception(pf_boot_append_pythonpath(&config, site)));
    assert_true(config.module_search_paths.length < MAX_ENTRIES);
    for (Py_ssize_t i = 0; i < config.module_search_paths.length; i++) {
        char *text = Py_EncodeLocale(config.module_search_paths.items[i], NULL);
        assert_non_null(text);
        size_t c = strlen(cwd), p = strlen(parent);
        if (strncmp(text, cwd, c) == 0) {
            snprintf(out[i], sizeof out[i], "C%s", text + c);
        } else if (strncmp(text, parent, p) == 0 && text[p] == '/') {
            snprintf(out[i], sizeof out[i], "P%s", text + p);
        } else {
            snprintf(out[i], sizeof out[i], "%s", text);
        }
        PyMem_Free(text);
        list[i] = out[i];
    }
    list[config.module_search_paths.length] = NULL;
    PyConfig_Clear(&config);
}

/* expect: the entries are exactly want[0..) (NULL-terminated). */
static void expect(const wchar_t *pythonpath, const char *const *start, int site,
                   const char *const *want)
{
    static char out[MAX_ENTRIES][PATH_MAX + 16];
    const char *list[MAX_ENTRIES + 1];
    entries(pythonpath, start, site, out, list);
    size_t i = 0;
    for (; want[i] != NULL; i++) {
        assert_non_null(list[i]);
        assert_string_equal(list[i], want[i]);
    }
    assert_null(list[i]);
}

static int make_cwd(void **state)
{
    (void)state;
    char made[] = "/tmp/pf-test-boot-config.XXXXXX";
    if (mkdtemp(made) == NULL || chdir(made) != 0 || getcwd(cwd, sizeof cwd) == NULL) {
        return -1;
    }
    snprintf(parent, sizeof parent, "%s", cwd);
    *strrchr(parent, '/') = '\0';
    return 0;
}

static int remove_cwd(void **state)
{
    (void)state;
    if (chdir("/") != 0) {
        return -1;
    }
    rmdir(cwd);
    return 0;
}

/* No PYTHONPATH (unset, or -E/-I): nothing added. */
static void test_none(void **state)
{
    (void)state;
    const char *const start[] = {"/already", NULL};
    expect(NULL, start, 0, start);
    expect(NULL, start, 1, start);
}

/* Without site (-S): getpath's abspath only: normalised first, then a
 * relative entry joined to the working directory; an empty entry and `.`
 * are the directory; `..` of a relative entry stays; duplicates stay
 * (python3.11 -S shows them so). */
static void test_getpath(void **state)
{
    (void)state;
    const char *const want[] = {"C/rel/x", "C", "/y", "C", "C/../up", "C", "/abs/z", "C", NULL};
    expect(L"rel/./x::/abs/../y//:.:../up:./:/abs//z/.:", NULL, 0, want);
    const char *const colon[] = {"C", "C", NULL};
    expect(L":", NULL, 0, colon);
    const char *const one[] = {"/x", NULL};
    expect(L"/x", NULL, 0, one);
}

/* With site: site.removeduppaths too: `..` resolved after the join, and an
 * entry already on the list (or earlier in PYTHONPATH) left out. */
static void test_site(void **state)
{
    (void)state;
    const char *const start[] = {"/y", NULL};
    const char *const want[] = {"/y", "C/rel/x", "C", "P/up", NULL};
    expect(L"rel/./x::/abs/../y//:.:../up:./:rel/x", start, 1, want);
    const char *const colon[] = {"C", NULL};
    expect(L":", NULL, 1, colon);
}

/* The working directory removed: relative entries stay as normalised
 * (python3.11 cannot start: "failed to make path absolute"); absolute ones
 * are as always. */
static void test_no_cwd(void **state)
{
    (void)state;
    char made[] = "/tmp/pf-test-boot-config-gone.XXXXXX";
    assert_non_null(mkdtemp(made));
    assert_int_equal(chdir(made), 0);
    assert_int_equal(rmdir(made), 0);
    const char *const want[] = {"rel/x", "/abs", NULL};
    expect(L"rel/./x:/abs/.", NULL, 0, want);
    assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_getpath),
        cmocka_unit_test(test_site),
        cmocka_unit_test(test_no_cwd),
    };
    return cmocka_run_group_tests(tests, make_cwd, remove_cwd);
}
