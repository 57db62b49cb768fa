/* test_resolve_module_graph.c - resolving and compiling a program's modules
 * (pfz_graph_build: module_graph.c and the files beside it that
 * module_graph_internal.h lists) over temporary source trees. */
#include "resolve_test_util.h"
#include "render_report.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <marshal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_graph.h"
#include "payload.h"

/* A program touching every resolution rule; line numbers matter. */
static const char APP[] = "import os\n"                    /* 1: frozen */
                          "import pkg.sub.deep\n"          /* 2: a, a.b, a.b.c */
                          "from pkg import helper, attr\n" /* 3: submodule + attribute */
                          "import nspkg.inner\n"           /* 4: PEP 420 */
                          "try:\n"
                          "    import does_not_exist_xyz\n" /* 6: missing */
                          "except ImportError:\n"
                          "    pass\n"
                          "import json\n"              /* 9: stdlib package */
                          "from . import nothing\n"    /* 10: no parent package */
                          "import helper_mod.inner\n"; /* 11: parent is not a package */

static const struct {
    const char *rel, *text;
} TREE[] = {
    {"app.py", APP},
    {"pkg/__init__.py", "from . import helper\nfrom .sub import deep\nattr = 1\n"},
    {"pkg/helper.py", "from ... import too_far\n"},
    {"pkg/sub/__init__.py", "from .. import helper as h\n"},
    {"pkg/sub/deep.py", "from ..helper import x\nfrom . import sibling\n"},
    {"pkg/sub/sibling.py", "X = 1\n"},
    {"nspkg/inner.py", "from . import not_there\n"},
    {"helper_mod.py", "Y = 2\n"},
};

typedef struct fixture {
    char *dir;
    char script[4096];
    pfz_graph g;
    pfz_report report; /* the records the build returns */
    char *diag;        /* what the command prints for them (fixture_render) */
    pfz_resolve_options opts;
} fixture;

static void write_tree(const char *dir)
{
    for (size_t i = 0; i < sizeof TREE / sizeof TREE[0]; i++) {
        rt_write(dir, TREE[i].rel, TREE[i].text, (size_t)-1);
    }
}

static void fixture_begin(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->dir = rt_mkdtemp();
    snprintf(f->script, sizeof f->script, "%s/app.py", f->dir);
    f->opts = (pfz_resolve_options){.script = f->script, .report = &f->report};
}

/* fixture_render: f->diag becomes the command's text for the records so
 * far, as printed with or without -v. */
static void fixture_render(fixture *f, int verbose)
{
    free(f->diag);
    f->diag = rt_render_notes(&f->report, verbose);
}

static void fixture_end(fixture *f)
{
    pfz_graph_free(&f->g);
    pfz_report_free(&f->report);
    free(f->diag);
    rt_rmtree(f->dir);
}

/* find: index of module name in g, or -1. */
static long find(const pfz_graph *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++) {
        if (strcmp(g->modules[i].name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static const pfz_module *must(const pfz_graph *g, const char *name)
{
    long i = find(g, name);
    if (i < 0) {
        fail_msg("module %s not in the graph", name);
    }
    return &g->modules[i];
}

/* check_resolution_warnings: the command's text for the records of
 * test_graph_resolution_rules: user code's unresolved imports, each with
 * file and line, and nothing about the stdlib's without -v. */
static void check_resolution_warnings(fixture *f)
{
    /* warnings: user code's unresolved imports, each with file and line */
    char expect[8192];
    snprintf(expect, sizeof expect,
             "pyfreeze: warning: %s:6: cannot find module 'does_not_exist_xyz' (imported by "
             "__main__); the frozen program will raise ImportError there if it runs this "
             "import\n",
             f->script);
    assert_non_null(strstr(f->diag, expect));
    snprintf(expect, sizeof expect,
             "pyfreeze: warning: %s:10: cannot resolve 'from . import nothing': attempted "
             "relative import with no known parent package (in __main__); the frozen program "
             "will raise ImportError there if it runs this import\n",
             f->script);
    assert_non_null(strstr(f->diag, expect));
    snprintf(expect, sizeof expect,
             "%s/pkg/helper.py:1: cannot resolve 'from ... import too_far': attempted relative "
             "import beyond top-level package (in pkg.helper)",
             f->dir);
    assert_non_null(strstr(f->diag, expect));
    snprintf(expect, sizeof expect,
             "%s:11: cannot find module 'helper_mod.inner': 'helper_mod' is not a package "
             "(imported by __main__)",
             f->script);
    assert_non_null(strstr(f->diag, expect));
    assert_null(strstr(f->diag, "'attr'"));
    assert_null(strstr(f->diag, "'pkg.attr'"));
    /* stdlib importers' misses (os imports nt on Windows) are counted, not listed */
    assert_null(strstr(f->diag, "'nt'"));
    size_t lines = 0;
    for (const char *p = f->diag; *p; p++) {
        lines += *p == '\n';
    }
    assert_int_equal(lines, 4);
    assert_true(f->g.unresolved > 4);
}

static void test_graph_resolution_rules(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    write_tree(f.dir);
    pf_error err = {0};
    int status = pfz_graph_build(&f.g, &f.opts, &err);
    fixture_render(&f, 0);
    if (status != PF_OK) {
        fail_msg("pfz_graph_build: %s", err.message);
    }
    const pfz_graph *g = &f.g;

    /* the script */
    assert_int_equal(g->main, 0);
    assert_int_equal(g->main_flags, 0);
    const pfz_module *m = &g->modules[0];
    assert_string_equal(m->name, "__main__");
    assert_int_equal(m->kind, PFZ_MODULE_SOURCE);
    assert_string_equal(m->member_path, "lib/app.pyc");
    assert_string_equal(m->origin, f.script);
    assert_int_equal(m->importer, PFZ_NO_IMPORTER);
    assert_false(m->is_stdlib);

    /* kinds, member paths and first importers */
    assert_int_equal(must(g, "os")->kind, PFZ_MODULE_FROZEN);
    assert_null(must(g, "os")->member_path);
    assert_int_equal(must(g, "os")->import_line, 1);
    assert_int_equal(must(g, "sys")->kind, PFZ_MODULE_BUILTIN);
    m = must(g, "pkg");
    assert_int_equal(m->kind, PFZ_MODULE_PACKAGE);
    assert_string_equal(m->member_path, "lib/pkg/__init__.pyc");
    assert_int_equal(m->importer, 0);
    assert_int_equal(m->import_line, 2);
    assert_false(m->is_stdlib);
    m = must(g, "pkg.helper"); /* first imported by pkg/__init__.py line 1 */
    assert_int_equal(m->kind, PFZ_MODULE_SOURCE);
    assert_string_equal(m->member_path, "lib/pkg/helper.pyc");
    assert_int_equal(m->importer, (size_t)find(g, "pkg"));
    assert_int_equal(m->import_line, 1);
    assert_string_equal(must(g, "pkg.sub")->member_path, "lib/pkg/sub/__init__.pyc");
    m = must(g, "pkg.sub.deep");
    assert_string_equal(m->member_path, "lib/pkg/sub/deep.pyc");
    assert_int_equal(m->importer, (size_t)find(g, "pkg"));
    assert_int_equal(m->import_line, 2);
    assert_int_equal(must(g, "pkg.sub.sibling")->importer, (size_t)find(g, "pkg.sub.deep"));
    assert_int_equal(find(g, "pkg.attr"), -1); /* an attribute, not a module */
    m = must(g, "nspkg");
    assert_int_equal(m->kind, PFZ_MODULE_NAMESPACE);
    assert_null(m->member_path);
    assert_null(m->pyc);
    assert_string_equal(must(g, "nspkg.inner")->member_path, "lib/nspkg/inner.pyc");
    assert_int_equal(find(g, "does_not_exist_xyz"), -1);
    assert_int_equal(must(g, "helper_mod")->kind, PFZ_MODULE_SOURCE);
    assert_int_equal(find(g, "helper_mod.inner"), -1);

    /* stdlib */
    m = must(g, "json");
    assert_int_equal(m->kind, PFZ_MODULE_PACKAGE);
    assert_true(m->is_stdlib);
    assert_string_equal(m->origin, "/usr/lib/python3.11/json/__init__.py");
    assert_true(must(g, "json.decoder")->is_stdlib);

    /* encodings, all of it */
    assert_int_equal(must(g, "encodings")->kind, PFZ_MODULE_PACKAGE);
    assert_int_equal(must(g, "encodings.utf_8")->kind, PFZ_MODULE_SOURCE);
    assert_int_equal(must(g, "encodings.aliases")->kind, PFZ_MODULE_SOURCE);
    assert_int_equal(must(g, "encodings.cp1252")->kind, PFZ_MODULE_SOURCE);
    assert_int_equal(must(g, "encodings.punycode")->importer, (size_t)find(g, "encodings"));
    assert_int_equal(find(g, "encodings.idna"), -1); /* a codec on demand: nothing names it */
    assert_int_equal(find(g, "runpy"), -1);          /* only for -m */

    /* depth-first discovery: a package's modules together, in run order */
    assert_true(find(g, "pkg") < find(g, "pkg.helper"));
    assert_true(find(g, "pkg.helper") < find(g, "pkg.sub"));
    assert_true(find(g, "pkg.sub") < find(g, "pkg.sub.deep"));
    assert_true(find(g, "pkg.sub.deep") < find(g, "pkg.sub.sibling"));
    assert_true(find(g, "pkg.sub.sibling") < find(g, "nspkg"));
    assert_true(find(g, "nspkg.inner") < find(g, "json"));

    /* every packed module has a .pyc, nothing else has one */
    for (size_t i = 0; i < g->count; i++) {
        const pfz_module *x = &g->modules[i];
        int packed = x->kind == PFZ_MODULE_SOURCE || x->kind == PFZ_MODULE_PACKAGE;
        assert_int_equal(x->pyc != NULL, packed);
        assert_int_equal(x->member_path != NULL, packed);
        if (packed) {
            assert_true(x->pyc_size > PF_PYC_HEADER_SIZE);
        }
    }

    check_resolution_warnings(&f);
    fixture_end(&f);
}

/* verbose lists the stdlib importers' misses too */
static void test_graph_verbose_lists_stdlib_misses(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "import os\n", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    fixture_render(&f, 1);
    assert_non_null(strstr(f.diag, "<frozen os>:"));
    assert_non_null(strstr(f.diag, "cannot find module 'nt' (imported by os)"));
    fixture_end(&f);
}

/* The warnings are records, not text: module, importer, file as the user
 * named it, line, reason; a stdlib importer's are verbose_only. */
static void test_graph_warning_records(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "import os\n\nimport no_such_mod_q\nfrom .. import up\n", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    const pfz_note *missing = NULL, *relative = NULL, *nt = NULL;
    for (size_t i = 0; i < f.report.note_count; i++) {
        const pfz_note *n = &f.report.notes[i];
        if (n->kind == PFZ_NOTE_MODULE_NOT_FOUND && strcmp(n->module, "no_such_mod_q") == 0) {
            missing = n;
        } else if (n->kind == PFZ_NOTE_BAD_RELATIVE_IMPORT) {
            relative = n;
        } else if (n->kind == PFZ_NOTE_MODULE_NOT_FOUND && strcmp(n->module, "nt") == 0 &&
                   strcmp(n->importer, "os") == 0) {
            nt = n;
        }
    }
    assert_non_null(missing);
    assert_string_equal(missing->importer, "__main__");
    assert_string_equal(missing->file, f.script);
    assert_int_equal(missing->line, 3);
    assert_true(missing->reason == NULL || missing->reason[0] == '\0');
    assert_false(missing->verbose_only);
    assert_true(missing < relative); /* in the order found */
    assert_string_equal(relative->module, "..");
    assert_string_equal(relative->names, "up");
    assert_int_equal(relative->line, 4);
    assert_string_equal(relative->reason, "attempted relative import with no known parent package");
    assert_non_null(nt); /* os imports nt on Windows: recorded, shown only with -v */
    assert_string_equal(nt->importer, "os");
    assert_string_equal(nt->file, "<frozen os>");
    assert_true(nt->verbose_only);
    fixture_end(&f);
}

/* The .pyc bytes: PEP 552 header with the unchecked-hash flag and
 * _imp.source_hash, then marshal data of a code object whose co_filename is
 * the member path without "lib/", ending in ".py". */
static void check_pyc(const pfz_module *m, const char *source, const char *filename)
{
    const uint8_t *p = m->pyc;
    assert_non_null(p);
    long magic = PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++) {
        assert_int_equal(p[i], (uint8_t)(magic >> (8 * i)));
    }
    assert_int_equal(p[4], 1);
    assert_int_equal(p[5] | p[6] | p[7], 0);
    PyObject *imp = PyImport_ImportModule("_imp");
    PyObject *hash =
        PyObject_CallMethod(imp, "source_hash", "ly#", magic, source, (Py_ssize_t)strlen(source));
    assert_non_null(hash);
    assert_memory_equal(p + 8, PyBytes_AS_STRING(hash), 8);
    /* the header importlib itself builds for an unchecked hash-based pyc */
    PyObject *ext = PyImport_ImportModule("importlib._bootstrap_external");
    PyObject *code =
        PyMarshal_ReadObjectFromString((const char *)p + 16, (Py_ssize_t)(m->pyc_size - 16));
    assert_non_null(code);
    PyObject *ref = PyObject_CallMethod(ext, "_code_to_hash_pyc", "OOO", code, hash, Py_False);
    assert_non_null(ref);
    assert_true(PyByteArray_Check(ref));
    assert_memory_equal(PyByteArray_AS_STRING(ref), p, 16);
    assert_true(PyCode_Check(code));
    assert_string_equal(PyUnicode_AsUTF8(((PyCodeObject *)code)->co_filename), filename);
    Py_DECREF(ref);
    Py_DECREF(code);
    Py_DECREF(ext);
    Py_DECREF(hash);
    Py_DECREF(imp);
}

static void test_graph_pyc_layout_and_determinism(void **state)
{
    (void)state;
    static const char app[] = "import mod, bom\nprint({'a', 'b', 'c'} & {'a'})\n";
    static const char mod[] = "# -*- coding: latin-1 -*-\nS = '\xe9'\n";
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", app, (size_t)-1);
    rt_write(f.dir, "mod.py", mod, (size_t)-1);
    static const char bom[] = "\xef\xbb\xbfimport mod\n";
    rt_write(f.dir, "bom.py", bom, (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    check_pyc(&f.g.modules[0], app, "app.py");
    check_pyc(must(&f.g, "mod"), mod, "mod.py");
    check_pyc(must(&f.g, "bom"), bom, "bom.py");
    char *init = rt_run("cat /usr/lib/python3.11/encodings/__init__.py");
    check_pyc(must(&f.g, "encodings"), init, "encodings/__init__.py");
    free(init);
    fixture_end(&f);
}

static void test_graph_determinism(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    write_tree(f.dir);
    rt_write(f.dir, "app.py", "import pkg.sub.deep, json\nx = {'q', 'r', 's', 't'}\n", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    pfz_graph again = {0};
    assert_int_equal(pfz_graph_build(&again, &f.opts, &err), PF_OK);
    assert_int_equal(again.count, f.g.count);
    for (size_t i = 0; i < again.count; i++) {
        assert_string_equal(again.modules[i].name, f.g.modules[i].name);
        assert_int_equal(again.modules[i].pyc_size, f.g.modules[i].pyc_size);
        if (again.modules[i].pyc != NULL) {
            assert_memory_equal(again.modules[i].pyc, f.g.modules[i].pyc,
                                again.modules[i].pyc_size);
        }
    }
    pfz_graph_free(&again);
    fixture_end(&f);
}

/* A syntax error fails the build with PF_ERR_PYTHON; the library prints
 * nothing, and the text it returns, as the command prints it, is exactly
 * what python3.11 prints for the same file. */
static void check_syntax_error(const char *rel_bad, const char *bad_source)
{
    fixture f;
    fixture_begin(&f);
    if (strcmp(rel_bad, "app.py") != 0) {
        rt_write(f.dir, "app.py", "import bad\n", (size_t)-1);
    }
    rt_write(f.dir, rel_bad, bad_source, (size_t)-1);
    char bad_path[4200], command[8600];
    snprintf(bad_path, sizeof bad_path, "%s/%s", f.dir, rel_bad);
    snprintf(command, sizeof command, "%s -I %s 2>&1", PYFREEZE_PYTHON311, bad_path);
    char *expected = rt_run(command);

    pf_error err = {0};
    rt_stderr_begin();
    int status = pfz_graph_build(&f.g, &f.opts, &err);
    char *printed = rt_stderr_end();
    assert_int_equal(status, PF_ERR_PYTHON);
    assert_non_null(strstr(err.message, bad_path));
    assert_string_equal(printed, "");
    assert_true(f.report.python_error.is_syntax_error);
    assert_string_equal(f.report.python_error.file, bad_path);
    char *shown = rt_render_python_error(&f.report);
    assert_string_equal(shown, expected);
    assert_int_equal(f.g.count, 0); /* freed on failure */
    free(shown);
    free(printed);
    free(expected);
    fixture_end(&f);
}

static void test_graph_syntax_error_in_script(void **state)
{
    (void)state;
    check_syntax_error("app.py", "print(1)\nprint(\"a\"\n");
}

static void test_graph_syntax_error_in_module(void **state)
{
    (void)state;
    check_syntax_error("bad.py", "def f(:\n    pass\n");
    check_syntax_error("bad.py", "x = 1\n  y = 2\n");
}

static void test_graph_null_byte(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "x = 1\ny = 2 # \0\n", 16);
    pf_error err = {0};
    rt_stderr_begin();
    int status = pfz_graph_build(&f.g, &f.opts, &err);
    char *printed = rt_stderr_end();
    assert_int_equal(status, PF_ERR_PYTHON);
    assert_string_equal(printed, "");
    char expect[8192];
    snprintf(expect, sizeof expect,
             "  File \"%s\", line 2\nSyntaxError: source code cannot contain null bytes\n",
             f.script);
    char *shown = rt_render_python_error(&f.report);
    assert_string_equal(shown, expect);
    free(shown);
    free(printed);
    fixture_end(&f);
}

static void test_graph_missing_script(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "No such file"));
    fixture_end(&f);
}

/* -m: a package runs as PKG.__main__ with runpy; search path from -p. */
static void test_graph_run_module(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    write_tree(f.dir);
    rt_write(f.dir, "tool/__init__.py", "", (size_t)-1);
    rt_write(f.dir, "tool/__main__.py", "from . import cli\nimport __main__\n", (size_t)-1);
    rt_write(f.dir, "tool/cli.py", "from . import some_attribute\n", (size_t)-1);
    const char *paths[] = {f.dir};
    f.opts = (pfz_resolve_options){
        .module = "tool", .paths = paths, .path_count = 1, .optimize = 2, .report = &f.report};
    pf_error err = {0};
    int status = pfz_graph_build(&f.g, &f.opts, &err);
    if (status != PF_OK) {
        fail_msg("%s", err.message);
    }
    fixture_render(&f, 0);
    assert_int_equal(f.g.main_flags, PF_INDEX_FLAG_MAIN_IS_MODULE);
    assert_string_equal(f.g.modules[f.g.main].name, "tool.__main__");
    assert_string_equal(f.g.modules[f.g.main].member_path, "lib/tool/__main__.pyc");
    assert_int_equal(must(&f.g, "tool.cli")->importer, f.g.main);
    assert_int_equal(must(&f.g, "runpy")->kind, PFZ_MODULE_FROZEN);
    assert_int_equal(must(&f.g, "importlib")->kind, PFZ_MODULE_PACKAGE); /* runpy's import */
    assert_int_equal(must(&f.g, "importlib.machinery")->kind, PFZ_MODULE_FROZEN);
    /* runpy runs the entry: it and its imports are walked at start-up */
    assert_true((size_t)find(&f.g, "runpy") < f.g.walk_count);
    assert_true((size_t)find(&f.g, "importlib") < f.g.walk_count);
    assert_true((size_t)find(&f.g, "encodings.cp1252") >= f.g.walk_count);
    assert_int_equal(find(&f.g, "pkg"), -1);
    if (strstr(f.diag, "__main__'") != NULL) {
        fail_msg("%s", f.diag);
    }

    /* a plain package without __main__, and a name that does not exist */
    pfz_graph_free(&f.g);
    f.opts.module = "pkg.sub";
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "__main__"));
    f.opts.module = "no_such_module_q";
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "no_such_module_q"));
    f.opts.module = "sys";
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_USAGE);
    fixture_end(&f);
}

/* walk_count: the modules the program's modules import as they load come
 * first; those imported only from functions, exception handlers, Windows
 * blocks, importlib's own aliases and the codecs come after, all packed. */
static void test_graph_walk_order(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    f.opts.follow_all_imports = 1; /* the order of everything, left-out edges too */
    rt_write(f.dir, "app.py",
             "import first_mod\n"
             "try:\n"
             "    import fast_mod\n"
             "except ImportError:\n"
             "    import slow_fallback\n"
             "import sys\n"
             "if sys.platform == 'win32':\n"
             "    import win_only\n"
             "def later():\n"
             "    import lazy_mod\n"
             "import importlib.util\n"
             "import last_mod\n",
             (size_t)-1);
    rt_write(f.dir, "first_mod.py", "import first_dep\n", (size_t)-1);
    rt_write(f.dir, "first_dep.py", "X = 1\n", (size_t)-1);
    rt_write(f.dir, "fast_mod.py", "X = 1\n", (size_t)-1);
    rt_write(f.dir, "slow_fallback.py", "import slow_dep\n", (size_t)-1);
    rt_write(f.dir, "slow_dep.py", "X = 1\n", (size_t)-1);
    rt_write(f.dir, "win_only.py", "X = 1\n", (size_t)-1);
    rt_write(f.dir, "lazy_mod.py", "X = 1\n", (size_t)-1);
    rt_write(f.dir, "last_mod.py", "X = 1\n", (size_t)-1);
    pf_error err = {0};
    if (pfz_graph_build(&f.g, &f.opts, &err) != PF_OK) {
        fail_msg("pfz_graph_build: %s", err.message);
    }
    const pfz_graph *g = &f.g;
    static const char *const walked[] = {"__main__",  "first_mod",      "first_dep", "fast_mod",
                                         "importlib", "importlib.util", "last_mod"};
    static const char *const later[] = {
        "slow_fallback",        "slow_dep",        "win_only", "lazy_mod",
        "importlib._bootstrap", "encodings.cp1252"};
    for (size_t k = 0; k < sizeof walked / sizeof *walked; k++) {
        if (find(g, walked[k]) < 0 || (size_t)find(g, walked[k]) >= g->walk_count) {
            fail_msg("%s is not among the %zu walked modules", walked[k], g->walk_count);
        }
    }
    for (size_t k = 0; k < sizeof later / sizeof *later; k++) {
        if (find(g, later[k]) < 0 || (size_t)find(g, later[k]) < g->walk_count) {
            fail_msg("%s is missing or among the %zu walked modules", later[k], g->walk_count);
        }
    }
    assert_non_null(must(g, "importlib._bootstrap")->pyc); /* packed all the same */
    fixture_end(&f);
}

/* The rules' hidden_imports_at_use (freezer/rules/packages.toml): _socket
 * encodes a non-ASCII host name with the idna codec only when given one,
 * so encodings.idna and stringprep (which it imports as it loads) are
 * packed but come after the walk, where `import socket` is. */
static void test_graph_at_use_after_walk(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "import socket\nprint(socket.gethostname())\n", (size_t)-1);
    pf_error err = {0};
    if (pfz_graph_build(&f.g, &f.opts, &err) != PF_OK) {
        fail_msg("pfz_graph_build: %s", err.message);
    }
    const pfz_graph *g = &f.g;
    assert_true(find(g, "socket") >= 0 && (size_t)find(g, "socket") < g->walk_count);
    assert_true(find(g, "_socket") >= 0 && (size_t)find(g, "_socket") < g->walk_count);
    static const char *const later[] = {"encodings.idna", "stringprep"};
    for (size_t k = 0; k < sizeof later / sizeof *later; k++) {
        if (find(g, later[k]) < 0 || (size_t)find(g, later[k]) < g->walk_count) {
            fail_msg("%s is missing or among the %zu walked modules", later[k], g->walk_count);
        }
        assert_non_null(must(g, later[k])->pyc); /* packed all the same */
    }
    fixture_end(&f);
}

/* import_policy.c: a fallback whose try body is packed, TYPE_CHECKING and
 * other-OS blocks are left out (each with a -v note); a fallback whose try
 * body cannot be found is followed; hello world's random does not pull
 * hashlib (random.py: `from _sha512 import sha512` or hashlib's). */
static void test_graph_guarded_edges_left_out(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py",
             "import random\n"
             "try:\n"
             "    import fast_mod\n"
             "except ImportError:\n"
             "    import slow_fallback\n"
             "try:\n"
             "    import no_such_mod_q\n"
             "except ImportError:\n"
             "    import real_fallback\n"
             "from typing import TYPE_CHECKING\n"
             "if TYPE_CHECKING:\n"
             "    import typing_only\n"
             "import sys\n"
             "if sys.platform.startswith('win'):\n"
             "    import win_only\n",
             (size_t)-1);
    static const char *const files[] = {"fast_mod.py", "slow_fallback.py", "real_fallback.py",
                                        "typing_only.py", "win_only.py"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        rt_write(f.dir, files[k], "X = 1\n", (size_t)-1);
    }
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    fixture_render(&f, 1);
    assert_true(find(&f.g, "fast_mod") > 0);
    assert_true(find(&f.g, "real_fallback") > 0);
    assert_int_equal(find(&f.g, "slow_fallback"), -1);
    assert_int_equal(find(&f.g, "typing_only"), -1);
    assert_int_equal(find(&f.g, "win_only"), -1);
    assert_true(find(&f.g, "random") > 0);
    assert_int_equal(find(&f.g, "hashlib"), -1);
    assert_int_equal(find(&f.g, "_hashlib"), -1);
    static const char *const notes[] = {
        "not following __main__'s import of slow_fallback at line 5 (the fallback of an "
        "import of fast_mod, which is packed)",
        "not following __main__'s import of typing_only at line 12 (under `if TYPE_CHECKING:`",
        "not following __main__'s import of win_only at line 15 (under a test for another "
        "operating system)",
        "not following random's import of hashlib",
    };
    for (size_t k = 0; k < sizeof notes / sizeof *notes; k++) {
        if (strstr(f.diag, notes[k]) == NULL) {
            fail_msg("no note '%s' in:\n%s", notes[k], f.diag);
        }
    }
    fixture_end(&f);
}

/* The script's directory shadows the stdlib, as sys.path[0] does, but not
 * builtin or frozen modules, which come first on sys.meta_path. */
static void test_graph_script_dir_first(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "import json, os, sys\n", (size_t)-1);
    rt_write(f.dir, "json.py", "MINE = 1\n", (size_t)-1);
    rt_write(f.dir, "os.py", "MINE = 1\n", (size_t)-1);
    rt_write(f.dir, "sys.py", "MINE = 1\n", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    const pfz_module *m = must(&f.g, "json");
    assert_int_equal(m->kind, PFZ_MODULE_SOURCE);
    assert_false(m->is_stdlib);
    assert_int_equal(must(&f.g, "os")->kind, PFZ_MODULE_FROZEN);
    assert_int_equal(must(&f.g, "sys")->kind, PFZ_MODULE_BUILTIN);
    fixture_end(&f);
}

/* The entry's __main__ guard runs, an imported module's never does; a
 * function only that block calls (pickle._test imports doctest) is not
 * followed, the program's own import of doctest is. */
static void test_graph_main_guard_and_dev_tools(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py",
             "import lib_mod, pickle\nif __name__ == '__main__':\n    import main_only\n",
             (size_t)-1);
    rt_write(f.dir, "lib_mod.py", "if __name__ == '__main__':\n    import never_needed\n",
             (size_t)-1);
    rt_write(f.dir, "main_only.py", "", (size_t)-1);
    rt_write(f.dir, "never_needed.py", "", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    fixture_render(&f, 1);
    assert_true(find(&f.g, "main_only") > 0);
    assert_int_equal(find(&f.g, "never_needed"), -1);
    assert_true(find(&f.g, "pickle") > 0);
    assert_int_equal(find(&f.g, "doctest"), -1);
    /* pickle's _test, which imports doctest, is called only by its main
     * guard: skipped whole, so doctest is not even a left-out name */
    pfz_graph_free(&f.g);

    rt_write(f.dir, "app.py", "import doctest\n", (size_t)-1);
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    assert_int_equal(must(&f.g, "doctest")->importer, 0);
    assert_true(find(&f.g, "pdb") > 0); /* doctest imports it at module level */
    fixture_end(&f);
}

/* A script imported under its own name shares its member; a different
 * module with the script's name is an error. */
static void test_graph_script_name_collision(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    snprintf(f.script, sizeof f.script, "%s/selfish.py", f.dir);
    rt_write(f.dir, "selfish.py", "import selfish\nX = {'a', 'b'}\n", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    const pfz_module *self = must(&f.g, "selfish");
    const pfz_module *main = &f.g.modules[f.g.main];
    assert_string_equal(self->member_path, main->member_path);
    assert_int_equal(self->pyc_size, main->pyc_size);
    assert_memory_equal(self->pyc, main->pyc, main->pyc_size);
    pfz_graph_free(&f.g);

    snprintf(f.script, sizeof f.script, "%s/bin/random.py", f.dir);
    rt_write(f.dir, "bin/random.py", "import lib\n", (size_t)-1);
    rt_write(f.dir, "src/lib.py", "import random\n", (size_t)-1);
    char src[4200];
    snprintf(src, sizeof src, "%s/src", f.dir);
    const char *paths[] = {src};
    f.opts.paths = paths;
    f.opts.path_count = 1;
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_ERR_USAGE);
    assert_non_null(strstr(err.message, "/usr/lib/python3.11/random.py"));
    assert_non_null(strstr(err.message, "rename the script"));
    fixture_end(&f);
}

/* Extension modules are recorded, not compiled; a module that exists only
 * as a .pyc (no source) cannot be frozen and is reported with the reason. */
static void test_graph_extension_and_sourceless(void **state)
{
    (void)state;
    fixture f;
    fixture_begin(&f);
    rt_write(f.dir, "app.py", "import _decimal\nimport compiled_only\n", (size_t)-1);
    /* a legacy sourceless module: a .pyc beside where its source would be */
    rt_write(f.dir, "compiled_only.pyc", "not really bytecode", (size_t)-1);
    pf_error err = {0};
    assert_int_equal(pfz_graph_build(&f.g, &f.opts, &err), PF_OK);
    fixture_render(&f, 0);
    const pfz_module *m = must(&f.g, "_decimal");
    assert_int_equal(m->kind, PFZ_MODULE_EXTENSION);
    assert_non_null(strstr(m->origin, "/usr/lib/python3.11/lib-dynload/_decimal."));
    assert_true(m->is_stdlib);
    assert_null(m->member_path);
    assert_null(m->pyc);
    assert_int_equal(find(&f.g, "compiled_only"), -1);
    char expect[8192];
    snprintf(expect, sizeof expect,
             "%s:2: cannot find module 'compiled_only': its loader cannot be frozen (found as "
             "%s/compiled_only.pyc",
             f.script, f.dir);
    assert_non_null(strstr(f.diag, expect));
    fixture_end(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph_resolution_rules),
        cmocka_unit_test(test_graph_at_use_after_walk),
        cmocka_unit_test(test_graph_verbose_lists_stdlib_misses),
        cmocka_unit_test(test_graph_warning_records),
        cmocka_unit_test(test_graph_walk_order),
        cmocka_unit_test(test_graph_guarded_edges_left_out),
        cmocka_unit_test(test_graph_pyc_layout_and_determinism),
        cmocka_unit_test(test_graph_determinism),
        cmocka_unit_test(test_graph_syntax_error_in_script),
        cmocka_unit_test(test_graph_syntax_error_in_module),
        cmocka_unit_test(test_graph_null_byte),
        cmocka_unit_test(test_graph_missing_script),
        cmocka_unit_test(test_graph_run_module),
        cmocka_unit_test(test_graph_script_dir_first),
        cmocka_unit_test(test_graph_main_guard_and_dev_tools),
        cmocka_unit_test(test_graph_script_name_collision),
        cmocka_unit_test(test_graph_extension_and_sourceless),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
