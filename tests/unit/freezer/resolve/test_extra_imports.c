/* test_extra_imports.c - the imports no statement shows, followed by the
 * resolver (resolve/extra_imports.c with package_rules.c and module_find.c)
 * over a temporary site directory: constant dynamic imports (absolute and
 * relative), six-style lazy names read from a six.py (no warning, the real
 * modules packed), a package's PyInstaller hook (hidden imports packed,
 * excluded imports not followed, with a -v note). */
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

static const struct {
    const char *rel, *text;
} TREE[] = {
    {"app.py", "import early\n"
               "from six.moves import queue\n"
               "import six.moves.copyreg\n"
               "import hooked\n"
               "import importlib.util\n"
               "importlib.util.find_spec('html.parser')\n"
               "def later():\n"
               "    return __import__('colorsys')\n"
               "importlib.import_module('no_such_module_anywhere')\n"},
    /* visited before anything imports six: a function's lazy names */
    {"site/early.py", "def f():\n"
                      "    from six.moves import tkinter_ttk\n"
                      "    from six.moves import sched_mod\n"},
    {"site/six.py", "class _SixMetaPathImporter:\n    pass\n"
                    "class MovedModule:\n    def __init__(self, name, old, new=None): pass\n"
                    "_moved_attributes = [\n"
                    "    MovedModule('queue', 'Queue'),\n"
                    "    MovedModule('copyreg', 'copy_reg'),\n"
                    "    MovedModule('tkinter', 'Tkinter'),\n"
                    "    MovedModule('sched_mod', 'sched_old', 'sched'),\n"
                    "]\n"
                    "__path__ = []\n"},
    {"site/hooked/__init__.py", "import importlib\n"
                                "importlib.import_module('hooked.dyn')\n"
                                "importlib.import_module('.rel', __name__)\n"
                                "from . import core\n"},
    {"site/hooked/core.py", "import heavypkg\n"},
    {"site/hooked/dyn.py", ""},
    {"site/hooked/rel.py", ""},
    {"site/hooked/hidden.py", ""},
    {"site/hooked/unused.py", ""},
    {"site/hooked/_pyinstaller/hook-hooked.py",
     "hiddenimports = ['hooked.hidden']\nexcludedimports = ['heavypkg']\n"},
    {"site/heavypkg/__init__.py", ""},
};

static void test_extra_imports(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    for (size_t i = 0; i < sizeof TREE / sizeof TREE[0]; i++) {
        rt_write(dir, TREE[i].rel, TREE[i].text, (size_t)-1);
    }
    char script[4096], site[4096];
    snprintf(script, sizeof script, "%s/app.py", dir);
    snprintf(site, sizeof site, "%s/site", dir);
    const char *paths[1] = {site};
    pfz_report report = {0};
    pfz_resolve_options opts = {
        .script = script, .paths = paths, .path_count = 1, .report = &report};
    pfz_graph g = {0};
    pf_error err = {0};
    int rc = pfz_graph_build(&g, &opts, &err);
    char *diag = rt_render_notes(&report, 0);
    char *verbose = rt_render_notes(&report, 1);
    if (rc != PF_OK) {
        fprintf(stderr, "build failed: %s\n%s", err.message, diag);
    }
    assert_int_equal(rc, PF_OK);
    /* six's lazy names: the real modules, no warning, nothing else of the table */
    assert_true(rt_has_module(&g, "queue"));
    assert_true(rt_has_module(&g, "copyreg"));
    assert_true(rt_has_module(&g, "sched"));  /* in a function, before six was met */
    assert_null(strstr(diag, "tkinter_ttk")); /* not in the table: left to run time */
    assert_false(rt_has_module(&g, "tkinter"));
    assert_false(rt_has_module(&g, "six.moves"));
    assert_null(strstr(diag, "six"));
    /* constant names given to import functions */
    assert_true(rt_has_module(&g, "html.parser"));
    assert_true(rt_has_module(&g, "colorsys"));
    assert_true(rt_has_module(&g, "hooked.dyn"));
    assert_true(rt_has_module(&g, "hooked.rel"));
    assert_null(strstr(diag, "no_such_module_anywhere")); /* a name only a call gives */
    /* the package's hook: hidden imports packed, excluded ones not followed */
    assert_true(rt_has_module(&g, "hooked.hidden"));
    assert_false(rt_has_module(&g, "hooked.unused"));
    assert_false(rt_has_module(&g, "heavypkg"));
    assert_null(strstr(diag, "heavypkg"));
    assert_non_null(strstr(verbose, "not following hooked.core's import of heavypkg"));
    free(diag);
    free(verbose);
    pfz_graph_free(&g);
    pfz_report_free(&report);
    rt_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extra_imports),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
