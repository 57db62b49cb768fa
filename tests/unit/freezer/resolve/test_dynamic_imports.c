/* test_dynamic_imports.c - the calls that import a module by a constant
 * name (resolve/dynamic_imports.c), read from code compiled by the
 * embedded python3.11; and the candidate names of an extension module's
 * read-only data (resolve/native_imports.c) over a fixture shared object. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dynamic_imports.h"
#include "native_imports.h"

/* found: "name|base|package|in_function" lines, one per name reported. */
static char found[4096];

static int collect(void *ctx, const pfz_dynamic_import *imp, pf_error *err)
{
    (void)ctx;
    (void)err;
    const char *base = imp->base == PFZ_DYN_CONST     ? "const"
                       : imp->base == PFZ_DYN_NAME    ? "__name__"
                       : imp->base == PFZ_DYN_PACKAGE ? "__package__"
                                                      : "-";
    size_t used = strlen(found);
    snprintf(found + used, sizeof found - used, "%s|%s|%s|%d\n", PyUnicode_AsUTF8(imp->name), base,
             imp->package != NULL ? PyUnicode_AsUTF8(imp->package) : "-", imp->in_function);
    return PF_OK;
}

/* scan: the lines found in source. */
static const char *scan(const char *source)
{
    found[0] = '\0';
    PyObject *code = rt_compile(source, "m.py");
    pf_error err = {0};
    assert_int_equal(pfz_scan_dynamic_imports(code, collect, NULL, &err), PF_OK);
    Py_DECREF(code);
    return found;
}

static void test_constant_names(void **state)
{
    (void)state;
    assert_string_equal(scan("import importlib\nimportlib.import_module('a.b')\n"), "a.b|-|-|0\n");
    assert_string_equal(scan("from importlib import import_module\n"
                             "def f():\n    return import_module('.sub', __name__)\n"),
                        ".sub|__name__|-|1\n");
    assert_string_equal(scan("import importlib\nimportlib.import_module('..x', 'p.q')\n"),
                        "..x|const|p.q|0\n");
    assert_string_equal(scan("import importlib\ndef f():\n"
                             "    importlib.import_module('.y', package=__package__)\n"),
                        ".y|__package__|-|1\n");
    assert_string_equal(scan("m = __import__('zz')\n"), "zz|-|-|0\n");
    assert_string_equal(scan("import importlib.util\nimportlib.util.find_spec('html.parser')\n"),
                        "html.parser|-|-|0\n");
    assert_string_equal(scan("from importlib.util import find_spec\nfind_spec('json')\n"),
                        "json|-|-|0\n");
    assert_string_equal(scan("from test.support.import_helper import import_fresh_module\n"
                             "def f():\n"
                             "    return import_fresh_module('uuid', fresh=['_uuid'], "
                             "blocked=['_a', '_b'])\n"),
                        "uuid|-|-|1\n_uuid|-|-|1\n_a|-|-|1\n_b|-|-|1\n");
    assert_string_equal(scan("import pkgutil\npkgutil.resolve_name('p.q:attr')\n"
                             "pkgutil.get_loader('r')\n"),
                        "p.q|-|-|0\nr|-|-|0\n");
    assert_string_equal(scan("import importlib.resources as ir\n"
                             "import importlib.resources\n"
                             "importlib.resources.files('pkgdata')\n"),
                        "pkgdata|-|-|0\n");
    /* nested code, in a class body */
    assert_string_equal(scan("import importlib\nclass C:\n"
                             "    m = importlib.import_module('inner')\n"),
                        "inner|-|-|0\n");
}

static void test_not_constant(void **state)
{
    (void)state;
    assert_string_equal(scan("import importlib\nname = 'x'\nimportlib.import_module(name)\n"), "");
    assert_string_equal(scan("import importlib\nx = 1\n"
                             "importlib.import_module('enc.{}'.format(x))\n"),
                        "");
    assert_string_equal(scan("import importlib\nx = 'a'\nimportlib.import_module('p.' + x)\n"), "");
    assert_string_equal(scan("import importlib\nimportlib.import_module(f'p.{1}')\n"), "");
    /* names common as methods count only on the right object */
    assert_string_equal(scan("finder = None\nfinder.find_spec('x')\n"), "");
    assert_string_equal(scan("loader = None\nloader.get_data('x')\n"), "");
    assert_string_equal(scan("import importlib\nimportlib.import_module('')\n"), "");
}

/* distribution names (importlib.metadata, pkg_resources): "dist:" lines */
static char dists[1024];

static int collect_dists(void *ctx, const pfz_dynamic_import *imp, pf_error *err)
{
    (void)ctx;
    (void)err;
    size_t used = strlen(dists);
    snprintf(dists + used, sizeof dists - used, "%s:%s\n",
             imp->group          ? "group"
             : imp->distribution ? "dist"
                                 : "module",
             PyUnicode_AsUTF8(imp->name));
    return PF_OK;
}

static const char *scan_dists(const char *source)
{
    dists[0] = '\0';
    PyObject *code = rt_compile(source, "m.py");
    pf_error err = {0};
    assert_int_equal(pfz_scan_dynamic_imports(code, collect_dists, NULL, &err), PF_OK);
    Py_DECREF(code);
    return dists;
}

static void test_distribution_names(void **state)
{
    (void)state;
    assert_string_equal(scan_dists("from importlib import metadata\n"
                                   "metadata.version('numpy')\nmetadata.requires('a-b')\n"),
                        "dist:numpy\ndist:a-b\n");
    assert_string_equal(scan_dists("import importlib.metadata\n"
                                   "def f():\n    return importlib.metadata.metadata('x')\n"),
                        "dist:x\n");
    assert_string_equal(scan_dists("import pkg_resources\npkg_resources.get_distribution('r')\n"
                                   "pkg_resources.require('s')\n"),
                        "dist:r\ndist:s\n");
    assert_string_equal(scan_dists("from importlib.metadata import distribution\n"
                                   "distribution('d')\n"),
                        "dist:d\n");
    /* files: of a distribution on metadata, of a package on resources */
    assert_string_equal(scan_dists("from importlib import metadata, resources\n"
                                   "metadata.files('dd')\nresources.files('pp')\n"),
                        "dist:dd\nmodule:pp\n");
    /* version is a common name: only metadata's counts */
    assert_string_equal(scan_dists("version = None\nversion('x')\nobj = None\nobj.version('y')\n"),
                        "");
}

/* entry-point groups: pkg_resources.iter_entry_points("g") and the group=
 * keyword of importlib.metadata.entry_points / EntryPoints.select, when it
 * is the first of only keyword arguments */
static void test_entry_point_groups(void **state)
{
    (void)state;
    assert_string_equal(scan_dists("import pkg_resources\n"
                                   "for e in pkg_resources.iter_entry_points('a.b'): pass\n"),
                        "group:a.b\n");
    assert_string_equal(scan_dists("from importlib import metadata\n"
                                   "metadata.entry_points(group='g1')\n"
                                   "metadata.entry_points().select(group='g2', name='n')\n"),
                        "group:g1\ngroup:g2\n");
    assert_string_equal(scan_dists("from importlib.metadata import entry_points\n"
                                   "def f(eps):\n    return entry_points(group='g3'), "
                                   "eps.select(group='g4')\n"),
                        "group:g3\ngroup:g4\n");
    /* no group, another keyword first, or a positional argument: nothing */
    assert_string_equal(scan_dists("from importlib import metadata\nimport select\n"
                                   "metadata.entry_points()\n"
                                   "metadata.entry_points(name='x')\n"
                                   "metadata.entry_points().select(name='y', group='z')\n"
                                   "select.select('r', [], [])\n"),
                        "");
}

static void test_errors(void **state)
{
    (void)state;
    pf_error err = {0};
    assert_int_equal(pfz_scan_dynamic_imports(Py_None, collect, NULL, &err), PF_ERR_USAGE);
}

static void test_native_candidates(void **state)
{
    (void)state;
    assert_true(pfz_native_is_candidate("_cffi_backend", 13));
    assert_true(pfz_native_is_candidate("a1b2c3__mypyc", 13));
    assert_true(pfz_native_is_candidate("numpy.core._multiarray_umath", 28));
    assert_false(pfz_native_is_candidate("numpy", 5)); /* a plain word: too common */
    assert_false(pfz_native_is_candidate("a..b", 4));
    assert_false(pfz_native_is_candidate(".a", 2));
    assert_false(pfz_native_is_candidate("a.", 2));
    assert_false(pfz_native_is_candidate("a.b c", 5));
    assert_false(pfz_native_is_candidate("", 0));
}

static void test_native_imports(void **state)
{
    (void)state;
    PyObject *names = NULL;
    pf_error err = {0};
    assert_int_equal(pfz_native_imports(PFZ_NATIVE_FIXTURE, "fixture.self", &names, &err), PF_OK);
    PyObject *repr = PyObject_Repr(names);
    const char *text = PyUnicode_AsUTF8(repr);
    assert_non_null(strstr(text, "'_cffi_backend'"));
    assert_non_null(strstr(text, "'0a1b2c__mypyc'"));
    assert_non_null(strstr(text, "'pkg.sub.mod'"));
    assert_null(strstr(text, "'fixture.self'")); /* the module itself */
    assert_null(strstr(text, "'plainword'"));
    assert_null(strstr(text, "'not a name'"));
    Py_DECREF(repr);
    Py_DECREF(names);
    /* not ELF: no names, no error */
    assert_int_equal(pfz_native_imports("/etc/hostname", "x", &names, &err), PF_OK);
    assert_int_equal(PyList_GET_SIZE(names), 0);
    Py_DECREF(names);
    assert_int_equal(pfz_native_imports("/nonexistent/x.so", "x", &names, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, "/nonexistent/x.so"));
    assert_null(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_names),
        cmocka_unit_test(test_not_constant),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_native_candidates),
        cmocka_unit_test(test_distribution_names),
        cmocka_unit_test(test_entry_point_groups),
        cmocka_unit_test(test_native_imports),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
