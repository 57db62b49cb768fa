/* test_import_filters.c - the import edges the walk leaves out or follows
 * late (resolve/import_filters.c). */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "module_graph_internal.h"

/* The tool lists come from the built-in rules file (package_rules.c). */
static void test_tools(void **state)
{
    (void)state;
    resolver r;
    memset(&r, 0, sizeof r);
    pf_error err = {0};
    assert_int_equal(pfz_mg_rules_init(&r, &err), PF_OK);
    assert_true(pfz_mg_is_dev_tool(&r, "doctest"));
    assert_true(pfz_mg_is_dev_tool(&r, "unittest.mock"));
    assert_false(pfz_mg_is_dev_tool(&r, "unittestx"));
    assert_false(pfz_mg_is_dev_tool(&r, "json"));
    assert_true(pfz_mg_is_build_tool(&r, "setuptools.command"));
    assert_true(pfz_mg_is_build_tool(&r, "_pytest"));
    assert_false(pfz_mg_is_build_tool(&r, "pytestish"));
    assert_true(pfz_mg_top_in(r.left_out, "test", 4));
    assert_false(pfz_mg_top_in(r.left_out, "json", 4));
    assert_true(pfz_mg_same_top_package("unittest.case", "unittest._log"));
    assert_true(pfz_mg_same_top_package("a", "a.b"));
    assert_false(pfz_mg_same_top_package("ab.c", "a.c"));
    pfz_mg_rules_free(&r);
}

/* alias: whether `from <level dots><name> import <from>` (from NULL: a
 * plain import) in module importer names one of importlib's aliases. */
static int alias(const char *name, int level, const char *from, const char *importer)
{
    PyObject *n = PyUnicode_FromString(name);
    PyObject *list = from != NULL ? Py_BuildValue("(s)", from) : NULL;
    pfz_import imp = {.name = n, .level = level, .fromlist = list};
    int r = pfz_mg_is_installed_alias(&imp, importer);
    Py_XDECREF(list);
    Py_DECREF(n);
    return r;
}

static void test_installed_alias(void **state)
{
    (void)state;
    assert_true(alias("importlib._bootstrap", 0, NULL, "app"));
    assert_true(alias("importlib._bootstrap_external", 0, NULL, "app"));
    assert_false(alias("importlib.util", 0, NULL, "app"));
    assert_true(alias("_bootstrap", 1, NULL, "importlib"));
    assert_true(alias("_bootstrap_external", 1, NULL, "importlib.util"));
    assert_false(alias("_bootstrap", 1, NULL, "mypkg")); /* someone else's _bootstrap */
    assert_false(alias("_bootstrap", 1, NULL, "importlib.metadata.x"));
    assert_true(alias("", 1, "_bootstrap", "importlib"));
    assert_false(alias("", 1, "machinery", "importlib"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tools),
        cmocka_unit_test(test_installed_alias),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
