/* test_gated_imports.c - the stdlib features imported on use
 * (resolve/gated_imports.c with the built-in rules file's
 * [gated_imports]): multiprocessing's manager module and connection's
 * hmac and XML-RPC are packed only when a module that imports
 * multiprocessing names the feature; a library inside the package naming
 * it does not count, a string constant does; the rest is left out with a
 * -v note; --follow-all-imports follows them all. A gate name that is no
 * identifier (re._parser's "\N{") is a fragment: it opens the gate when a
 * string constant of the program contains it. */
#include "resolve_test_util.h"
#include "graph_probe.h"
#include "render_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_graph.h"

static void test_lock_only(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    rt_build_script("def lock():\n"
                    "    from multiprocessing import RLock\n"
                    "    return RLock()\n",
                    NULL, 0, 0, &g, &verbose);
    assert_true(rt_has_module(&g, "multiprocessing.context"));
    assert_true(rt_has_module(&g, "multiprocessing.synchronize"));
    assert_false(rt_has_module(&g, "multiprocessing.managers"));
    assert_false(rt_has_module(&g, "hmac"));
    assert_false(rt_has_module(&g, "xmlrpc.client"));
    assert_true(rt_is_left_out(&g, "multiprocessing.managers"));
    assert_true(rt_is_left_out(&g, "hmac"));
    assert_non_null(strstr(verbose, "not following multiprocessing.context's import of "
                                    "multiprocessing.managers at line 55 (a feature's import, "
                                    "followed only when a module that imports multiprocessing "
                                    "uses one of: Manager)"));
    free(verbose);
    pfz_graph_free(&g);
}

static void test_named_features(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    /* the names sit in a function; the package is imported elsewhere in
     * the module; the XML-RPC serializer is named by a string */
    rt_build_script("import multiprocessing as mp\n"
                    "def main():\n"
                    "    with mp.Manager(serializer='xmlrpclib') as m:\n"
                    "        return m\n",
                    NULL, 0, 0, &g, &verbose);
    assert_true(rt_has_module(&g, "multiprocessing.managers"));
    assert_true(rt_has_module(&g, "hmac"));
    assert_true(rt_has_module(&g, "xmlrpc.client"));
    assert_false(rt_is_left_out(&g, "hmac"));
    assert_null(strstr(verbose, "a feature's import"));
    free(verbose);
    pfz_graph_free(&g);
    /* naming Manager in a module that imports multiprocessing only by a
     * constant name (no import statement of it) opens nothing */
    rt_build_script("class Manager:\n    pass\n"
                    "def f():\n    return __import__('multiprocessing.synchronize')\n",
                    NULL, 0, 0, &g, &verbose);
    assert_true(rt_has_module(&g, "multiprocessing.synchronize"));
    assert_false(rt_has_module(&g, "multiprocessing.managers"));
    free(verbose);
    pfz_graph_free(&g);
    rt_build_script("import multiprocessing\n", NULL, 0, 1, &g, &verbose);
    assert_true(rt_has_module(&g, "multiprocessing.managers"));
    assert_true(rt_has_module(&g, "xmlrpc.client"));
    free(verbose);
    pfz_graph_free(&g);
}

/* A pattern's named character escape opens re._parser's import of
 * unicodedata: the fragment "\N{" inside a longer raw string constant
 * counts, an ordinary pattern or the same letters without the backslash
 * do not. */
static void test_fragment(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    rt_build_script("import re\n"
                    "print(re.sub(r'x', 'y', 'N{EM DASH} xx'))\n",
                    NULL, 0, 0, &g, &verbose);
    assert_true(rt_is_left_out(&g, "unicodedata"));
    assert_non_null(strstr(verbose, "re._parser's import of unicodedata"));
    free(verbose);
    pfz_graph_free(&g);
    rt_build_script("import re\n"
                    "DASH = re.compile(r'[a-z]+\\N{EM DASH}[a-z]+')\n",
                    NULL, 0, 0, &g, &verbose);
    assert_false(rt_is_left_out(&g, "unicodedata"));
    assert_null(strstr(verbose, "re._parser's import of unicodedata"));
    free(verbose);
    pfz_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_only),
        cmocka_unit_test(test_named_features),
        cmocka_unit_test(test_fragment),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
