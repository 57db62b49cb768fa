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
#include "render_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_graph.h"

static int has_module(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++) {
        if (strcmp(g->modules[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_left_out(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->left_out_count; i++) {
        if (strcmp(g->left_out[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* build: the graph of script text app (in a temporary directory) with the
 * extra roots given, with --follow-all-imports when follow_all is set;
 * *verbose is what -v prints (malloc'd). */
static void build(const char *app, const char *const *roots, size_t root_count, pfz_graph *g,
                  char **verbose, int follow_all)
{
    char *dir = rt_mkdtemp();
    rt_write(dir, "app.py", app, (size_t)-1);
    char script[4096];
    snprintf(script, sizeof script, "%s/app.py", dir);
    pfz_report report = {0};
    pfz_resolve_options opts = {.script = script,
                                .report = &report,
                                .extra_roots = roots,
                                .extra_root_count = root_count,
                                .follow_all_imports = follow_all};
    pf_error err = {0};
    int rc = pfz_graph_build(g, &opts, &err);
    if (rc != PF_OK) {
        fail_msg("build failed: %s", err.message);
    }
    *verbose = rt_render_notes(&report, 1);
    pfz_report_free(&report);
    rt_rmtree(dir);
}

static void test_lock_only(void **state)
{
    (void)state;
    pfz_graph g = {0};
    char *verbose;
    build("def lock():\n"
          "    from multiprocessing import RLock\n"
          "    return RLock()\n",
          NULL, 0, &g, &verbose, 0);
    assert_true(has_module(&g, "multiprocessing.context"));
    assert_true(has_module(&g, "multiprocessing.synchronize"));
    assert_false(has_module(&g, "multiprocessing.managers"));
    assert_false(has_module(&g, "hmac"));
    assert_false(has_module(&g, "xmlrpc.client"));
    assert_true(is_left_out(&g, "multiprocessing.managers"));
    assert_true(is_left_out(&g, "hmac"));
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
    build("import multiprocessing as mp\n"
          "def main():\n"
          "    with mp.Manager(serializer='xmlrpclib') as m:\n"
          "        return m\n",
          NULL, 0, &g, &verbose, 0);
    assert_true(has_module(&g, "multiprocessing.managers"));
    assert_true(has_module(&g, "hmac"));
    assert_true(has_module(&g, "xmlrpc.client"));
    assert_false(is_left_out(&g, "hmac"));
    assert_null(strstr(verbose, "a feature's import"));
    free(verbose);
    pfz_graph_free(&g);
    /* naming Manager in a module that imports multiprocessing only by a
     * constant name (no import statement of it) opens nothing */
    build("class Manager:\n    pass\n"
          "def f():\n    return __import__('multiprocessing.synchronize')\n",
          NULL, 0, &g, &verbose, 0);
    assert_true(has_module(&g, "multiprocessing.synchronize"));
    assert_false(has_module(&g, "multiprocessing.managers"));
    free(verbose);
    pfz_graph_free(&g);
    build("import multiprocessing\n", NULL, 0, &g, &verbose, 1);
    assert_true(has_module(&g, "multiprocessing.managers"));
    assert_true(has_module(&g, "xmlrpc.client"));
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
    build("import re\n"
          "print(re.sub(r'x', 'y', 'N{EM DASH} xx'))\n",
          NULL, 0, &g, &verbose, 0);
    assert_true(is_left_out(&g, "unicodedata"));
    assert_non_null(strstr(verbose, "re._parser's import of unicodedata"));
    free(verbose);
    pfz_graph_free(&g);
    build("import re\n"
          "DASH = re.compile(r'[a-z]+\\N{EM DASH}[a-z]+')\n",
          NULL, 0, &g, &verbose, 0);
    assert_false(is_left_out(&g, "unicodedata"));
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
