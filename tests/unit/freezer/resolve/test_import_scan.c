/* test_resolve_import_scan.c - the embedded interpreter's configuration
 * (python_host.c) and the import scanner (import_scan.c). */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_scan.h"
#include "python_host.h"

#include <opcode.h>

/* ---- python_host ---- */

/* sys.path is exactly what `python3.11 -I` shows, and isolation holds. */
static void test_host_sys_path_matches_python311(void **state)
{
    (void)state;
    char *expected =
        rt_run(PYFREEZE_PYTHON311 " -I -c 'import sys; print(\"\\n\".join(sys.path))'");
    PyObject *path = PySys_GetObject("path");
    assert_non_null(path);
    PyObject *sep = PyUnicode_FromString("\n");
    PyObject *joined = PyUnicode_Join(sep, path);
    assert_non_null(joined);
    char *actual = NULL;
    assert_true(asprintf(&actual, "%s\n", PyUnicode_AsUTF8(joined)) > 0);
    assert_string_equal(actual, expected);
    assert_non_null(strstr(actual, "/usr/lib/python3.11/lib-dynload\n"));
    assert_non_null(strstr(actual, "/usr/lib/python3/dist-packages\n"));
    assert_null(strstr(actual, "/tmp/pfz-bogus-pythonpath"));
    free(actual);
    free(expected);
    Py_DECREF(joined);
    Py_DECREF(sep);
}

static long sys_flag(const char *name)
{
    PyObject *flags = PySys_GetObject("flags");
    PyObject *v = PyObject_GetAttrString(flags, name);
    assert_non_null(v);
    long n = PyLong_AsLong(v);
    Py_DECREF(v);
    return n;
}

static void test_host_flags(void **state)
{
    (void)state;
    assert_int_equal(sys_flag("dont_write_bytecode"), 1);
    assert_int_equal(sys_flag("no_user_site"), 1);
    assert_int_equal(sys_flag("ignore_environment"), 1);
    assert_int_equal(sys_flag("isolated"), 1);
    assert_int_equal(sys_flag("no_site"), 0);
    assert_int_equal(sys_flag("hash_randomization"), 0);
    /* a second start is a no-op */
    pf_error err = {0};
    assert_int_equal(pfz_python_start(&err), PF_OK);
}

/* ---- import_scan ---- */

typedef struct seen {
    char text[64][160]; /* "name|level|fromlist|line" */
    int count;
    int stop_after; /* return PF_ERR_USAGE after this many, 0 = never */
} seen;

static int collect(void *ctx, const pfz_import *imp, pf_error *err)
{
    seen *s = ctx;
    char from[100] = "-";
    if (imp->fromlist != NULL) {
        PyObject *sep = PyUnicode_FromString(",");
        PyObject *joined = PyUnicode_Join(sep, imp->fromlist);
        assert_non_null(joined);
        snprintf(from, sizeof from, "%s", PyUnicode_AsUTF8(joined));
        Py_DECREF(joined);
        Py_DECREF(sep);
    }
    assert_true(s->count < 64);
    snprintf(s->text[s->count++], sizeof s->text[0], "%s|%d|%s|%d%s%s", PyUnicode_AsUTF8(imp->name),
             imp->level, from, imp->line, imp->in_function ? "|f" : "",
             imp->on_exception ? "|e" : "");
    if (s->stop_after != 0 && s->count == s->stop_after) {
        return pf_error_set(err, PF_ERR_USAGE, "stop");
    }
    return PF_OK;
}

static void scan_source(const char *source, seen *s)
{
    PyObject *code = rt_compile(source, "t.py");
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, s, &err), PF_OK);
    Py_DECREF(code);
}

static void test_scan_statement_forms(void **state)
{
    (void)state;
    seen s = {0};
    scan_source("\"\"\"doc\"\"\"\n"
                "import os\n"
                "import a.b.c as d\n"
                "from x import y, z\n"
                "from . import w\n"
                "from ..p.q import r\n"
                "from m import *\n"
                "import e, f\n",
                &s);
    assert_int_equal(s.count, 8);
    assert_string_equal(s.text[0], "os|0|-|2");
    assert_string_equal(s.text[1], "a.b.c|0|-|3");
    assert_string_equal(s.text[2], "x|0|y,z|4");
    assert_string_equal(s.text[3], "|1|w|5");
    assert_string_equal(s.text[4], "p.q|2|r|6");
    assert_string_equal(s.text[5], "m|0|*|7");
    assert_string_equal(s.text[6], "e|0|-|8");
    assert_string_equal(s.text[7], "f|0|-|8");
}

/* Imports in functions, classes, methods, comprehensions and conditional
 * blocks: top-level code first, then nested code in co_consts order. */
static void test_scan_nested_code(void **state)
{
    (void)state;
    seen s = {0};
    scan_source("def f():\n"
                "    import json\n"
                "    def g():\n"
                "        from .deep import thing\n"
                "class C:\n"
                "    import re\n"
                "    def m(self):\n"
                "        import csv\n"
                "try:\n"
                "    import optional_mod\n"
                "except ImportError:\n"
                "    optional_mod = None\n"
                "x = [__import__('hidden') for _ in ()]\n"
                "if x:\n"
                "    import cond\n",
                &s);
    assert_int_equal(s.count, 6);
    assert_string_equal(s.text[0], "optional_mod|0|-|10");
    assert_string_equal(s.text[1], "cond|0|-|15");
    assert_string_equal(s.text[2], "json|0|-|2|f");
    assert_string_equal(s.text[3], "deep|1|thing|4|f");
    assert_string_equal(s.text[4], "re|0|-|6"); /* a class body runs at import */
    assert_string_equal(s.text[5], "csv|0|-|8|f");
}

/* More than 256 names and constants: the IMPORT_NAME and LOAD_CONST
 * arguments need EXTENDED_ARG prefixes. */
static void test_scan_extended_arg(void **state)
{
    (void)state;
    size_t cap = 64 * 1024;
    char *src = malloc(cap);
    assert_non_null(src);
    size_t used = 0;
    for (int i = 0; i < 300; i++) {
        used += (size_t)snprintf(src + used, cap - used, "n%d = %d\n", i, 1000 + i);
    }
    snprintf(src + used, cap - used, "import far_module\nfrom far.pkg import a300, b300\n");
    PyObject *code = rt_compile(src, "big.py");
    free(src);
    /* check the premise: the import really needs EXTENDED_ARG */
    PyCodeObject *co = (PyCodeObject *)code;
    assert_true(PyTuple_GET_SIZE(co->co_names) > 256);
    assert_true(PyTuple_GET_SIZE(co->co_consts) > 256);
    PyObject *raw = PyCode_GetCode(co);
    assert_non_null(memchr(PyBytes_AS_STRING(raw), EXTENDED_ARG, (size_t)PyBytes_GET_SIZE(raw)));
    Py_DECREF(raw);

    seen s = {0};
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, &s, &err), PF_OK);
    Py_DECREF(code);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.text[0], "far_module|0|-|301");
    assert_string_equal(s.text[1], "far.pkg|0|a300,b300|302");
}

/* A frozen module's code object (os) lists its real imports. */
static void test_scan_frozen_module(void **state)
{
    (void)state;
    PyObject *imp = PyImport_ImportModule("_imp");
    PyObject *code = PyObject_CallMethod(imp, "get_frozen_object", "s", "os");
    assert_non_null(code);
    seen s = {0};
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, &s, &err), PF_OK);
    int found_abc = 0, found_stat = 0;
    for (int i = 0; i < s.count; i++) {
        found_abc |= strncmp(s.text[i], "abc|0|-|", 8) == 0;
        found_stat |= strncmp(s.text[i], "stat|0|-|", 9) == 0;
    }
    assert_true(found_abc);
    assert_true(found_stat);
    Py_DECREF(code);
    Py_DECREF(imp);
}

/* The module-level `if __name__ == "__main__":` block, with the functions
 * defined in it, is skipped on request; everything else is kept. */
static void test_scan_main_guard(void **state)
{
    (void)state;
    static const char src[] = "import a\n"
                              "def helper():\n"
                              "    import b\n"
                              "if __name__ == '__main__':\n"
                              "    import c\n"
                              "    def demo():\n"
                              "        import d\n"
                              "    class K:\n"
                              "        import e\n"
                              "else:\n"
                              "    import f\n"
                              "if __name__ != '__main__':\n"
                              "    import g\n"
                              "import h\n";
    seen all = {0}, skip = {0};
    PyObject *code = rt_compile(src, "t.py");
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, &all, &err), PF_OK);
    assert_int_equal(pfz_scan_imports(code, PFZ_SCAN_SKIP_MAIN_GUARD, collect, &skip, &err), PF_OK);
    Py_DECREF(code);
    assert_int_equal(all.count, 8);
    assert_int_equal(skip.count, 5);
    assert_string_equal(skip.text[0], "a|0|-|1");
    assert_string_equal(skip.text[1], "f|0|-|11");
    assert_string_equal(skip.text[2], "g|0|-|13");
    assert_string_equal(skip.text[3], "h|0|-|14");
    assert_string_equal(skip.text[4], "b|0|-|3|f");
}

/* seen_has: whether s holds text exactly. */
static int seen_has(const seen *s, const char *text)
{
    for (int i = 0; i < s->count; i++) {
        if (strcmp(s->text[i], text) == 0) {
            return 1;
        }
    }
    return 0;
}

/* on_exception: imports only an exception handler or a Windows block
 * reaches are flagged; the normal path (try bodies, else, the normal copy
 * of a finally body, with bodies, loops, other platform tests) is not. A
 * function's flow is read the same way. */
static void test_scan_exception_and_windows_paths(void **state)
{
    (void)state;
    static const char src[] = "import a\n"                    /* 1 */
                              "try:\n"                        /* 2 */
                              "    import b\n"                /* 3 */
                              "except ImportError:\n"         /* 4 */
                              "    import c\n"                /* 5 */
                              "    class K:\n"                /* 6 */
                              "        import d\n"            /* 7 */
                              "else:\n"                       /* 8 */
                              "    import e\n"                /* 9 */
                              "finally:\n"                    /* 10 */
                              "    import f\n"                /* 11 */
                              "with ctx:\n"                   /* 12 */
                              "    import g\n"                /* 13 */
                              "if sys.platform == 'win32':\n" /* 14 */
                              "    import h\n"                /* 15 */
                              "elif os.name == 'nt':\n"       /* 16 */
                              "    import i\n"                /* 17 */
                              "else:\n"                       /* 18 */
                              "    import j\n"                /* 19 */
                              "if sys.platform == 'linux':\n" /* 20 */
                              "    import k\n"                /* 21 */
                              "for x in ():\n"                /* 22 */
                              "    import l\n"                /* 23 */
                              "def fn():\n"                   /* 24 */
                              "    try:\n"                    /* 25 */
                              "        pass\n"                /* 26 */
                              "    except OSError:\n"         /* 27 */
                              "        import m\n"            /* 28 */
                              "if _os.name == 'nt':\n"        /* 29 */
                              "    import o\n"                /* 30 */
                              "import n\n";                   /* 31 */
    seen s = {0};
    scan_source(src, &s);
    static const char *const want[] = {
        "a|0|-|1",    "b|0|-|3",      "c|0|-|5|e",  "d|0|-|7|e",  "e|0|-|9",  "f|0|-|11",
        "f|0|-|11|e", "g|0|-|13",     "h|0|-|15|e", "i|0|-|17|e", "j|0|-|19", "k|0|-|21",
        "l|0|-|23",   "m|0|-|28|f|e", "o|0|-|30|e", "n|0|-|31",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        if (!seen_has(&s, want[k])) {
            fail_msg("no import '%s' among the %d found", want[k], s.count);
        }
    }
    /* f twice: the finally body's normal and exception copies */
    assert_int_equal(s.count, (int)(sizeof want / sizeof *want));
}

/* collect_guard: records "name|guard|in_try|try imports" per import, the
 * guard as N(one), H(andler), F(allback), T(YPE_CHECKING), O(ther OS). */
static int collect_guard(void *ctx, const pfz_import *imp, pf_error *err)
{
    (void)err;
    seen *s = ctx;
    char tries[100] = "";
    for (Py_ssize_t i = 0; imp->try_imports != NULL && i < PyTuple_GET_SIZE(imp->try_imports);
         i++) {
        PyObject *t = PyTuple_GET_ITEM(imp->try_imports, i);
        size_t used = strlen(tries);
        snprintf(tries + used, sizeof tries - used, "%s%s:%ld", i > 0 ? "," : "",
                 PyUnicode_AsUTF8(PyTuple_GET_ITEM(t, 0)), PyLong_AsLong(PyTuple_GET_ITEM(t, 1)));
    }
    assert_true(s->count < 64);
    assert_int_equal(imp->on_exception, imp->guard != PFZ_GUARD_NONE);
    assert_true(imp->guard == PFZ_GUARD_FALLBACK || imp->try_imports == NULL);
    snprintf(s->text[s->count++], sizeof s->text[0], "%s|%c|%d|%s", PyUnicode_AsUTF8(imp->name),
             "NHFTO"[imp->guard], imp -> in_try, tries);
    return PF_OK;
}

/* guard: each kind of place an import can sit in, at module level and in
 * functions, nested handlers included. */
static void test_scan_guards(void **state)
{
    (void)state;
    static const char src[] = "try:\n"
                              "    from _sha512 import sha512\n"
                              "except ImportError:\n"
                              "    from hashlib import sha512\n"
                              "try:\n"
                              "    import a\n"
                              "except KeyError:\n"
                              "    import b\n"
                              "if TYPE_CHECKING:\n"
                              "    import tc\n"
                              "if typing.TYPE_CHECKING:\n"
                              "    import tc2\n"
                              "if not TYPE_CHECKING:\n"
                              "    import ntc\n"
                              "else:\n"
                              "    import tc3\n"
                              "if sys.platform.startswith('win'):\n"
                              "    import w\n"
                              "else:\n"
                              "    import l\n"
                              "if sys.platform in ('win32', 'cygwin'):\n"
                              "    import w2\n"
                              "if os.name != 'nt':\n"
                              "    import p\n"
                              "else:\n"
                              "    import nt2\n"
                              "if sys.platform == 'win32' or x:\n"
                              "    import maybe\n"
                              "def f():\n"
                              "    if sys.platform == 'darwin':\n"
                              "        import d\n"
                              "    try:\n"
                              "        import x\n"
                              "    except (ImportError, AttributeError):\n"
                              "        try:\n"
                              "            from . import y\n"
                              "        except:\n"
                              "            import z\n"
                              "try:\n"
                              "    import q\n"
                              "except Exception:\n"
                              "    def g():\n"
                              "        import r\n"
                              "    if TYPE_CHECKING:\n"
                              "        import tc4\n";
    seen s = {0};
    PyObject *code = rt_compile(src, "t.py");
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect_guard, &s, &err), PF_OK);
    Py_DECREF(code);
    static const char *const want[] = {
        /* in_try 2: the handler imports a fallback; q's handler imports
         * only under TYPE_CHECKING (and in a function), so q stays 1 */
        "_sha512|N|2|", "hashlib|F|0|_sha512:0",
        "a|N|0|",       "b|H|0|",
        "tc|T|0|",      "tc2|T|0|",
        "ntc|N|0|",     "tc3|T|0|",
        "w|O|0|",       "l|N|0|",
        "w2|O|0|",      "p|N|0|",
        "nt2|O|0|",     "maybe|N|0|",
        "q|N|1|",       "tc4|T|0|",
        "d|O|0|",       "x|N|2|",
        "|F|2|x:0",     "z|F|0|:1",
        "r|H|0|",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        if (!seen_has(&s, want[k])) {
            fail_msg("no import '%s' among the %d found (first: %s)", want[k], s.count, s.text[0]);
        }
    }
    assert_int_equal(s.count, (int)(sizeof want / sizeof *want));
}

/* main_only: a module imported by name skips the functions only its
 * `if __name__ == "__main__":` block calls (main, private helpers, and
 * helpers only those call); a function anything else names is kept. */
static void test_scan_main_only_functions(void **state)
{
    (void)state;
    static const char src[] = "import a\n"
                              "def main():\n"
                              "    _inner()\n"
                              "    import b\n"
                              "def _inner():\n"
                              "    import c\n"
                              "def _used():\n"
                              "    import d\n"
                              "def api():\n"
                              "    _used()\n"
                              "    import e\n"
                              "def _kept():\n"
                              "    import f\n"
                              "hook = _kept\n"
                              "if __name__ == '__main__':\n"
                              "    main()\n";
    seen all = {0}, skip = {0};
    PyObject *code = rt_compile(src, "t.py");
    pf_error err = {0};
    seen private = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, &all, &err), PF_OK);
    assert_int_equal(pfz_scan_imports(code, PFZ_SCAN_SKIP_MAIN_GUARD | PFZ_SCAN_SKIP_MAIN_NAMED,
                                      collect, &skip, &err),
                     PF_OK);
    /* without PFZ_SCAN_SKIP_MAIN_NAMED, main is kept (so is _inner, which
     * main calls) */
    assert_int_equal(pfz_scan_imports(code, PFZ_SCAN_SKIP_MAIN_GUARD, collect, &private, &err),
                     PF_OK);
    Py_DECREF(code);
    assert_int_equal(private.count, 6);
    assert_int_equal(all.count, 6);
    assert_int_equal(skip.count, 4);
    assert_true(seen_has(&skip, "a|0|-|1"));
    assert_true(seen_has(&skip, "d|0|-|8|f"));
    assert_true(seen_has(&skip, "e|0|-|11|f"));
    assert_true(seen_has(&skip, "f|0|-|13|f"));
}

static void test_scan_callback_error_stops(void **state)
{
    (void)state;
    PyObject *code = rt_compile("import a\nimport b\nimport c\n", "t.py");
    seen s = {.stop_after = 2};
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(code, 0, collect, &s, &err), PF_ERR_USAGE);
    assert_string_equal(err.message, "stop");
    assert_int_equal(s.count, 2);
    Py_DECREF(code);
}

static void test_scan_rejects_non_code(void **state)
{
    (void)state;
    seen s = {0};
    pf_error err = {0};
    PyObject *notcode = PyLong_FromLong(1);
    assert_int_equal(pfz_scan_imports(notcode, 0, collect, &s, &err), PF_ERR_USAGE);
    assert_int_equal(pfz_scan_imports(NULL, 0, collect, &s, &err), PF_ERR_USAGE);
    assert_int_equal(s.count, 0);
    Py_DECREF(notcode);
}

/* A hand-made code object whose IMPORT_NAME argument is past co_names. */
static void test_scan_rejects_bad_name_index(void **state)
{
    (void)state;
    PyObject *code = rt_compile("import a\n", "t.py");
    PyObject *raw = PyCode_GetCode((PyCodeObject *)code);
    PyObject *bytes = PyBytes_FromStringAndSize(PyBytes_AS_STRING(raw), PyBytes_GET_SIZE(raw));
    char *b = PyBytes_AS_STRING(bytes);
    int patched = 0;
    for (Py_ssize_t i = 0; i + 1 < PyBytes_GET_SIZE(bytes); i += 2) {
        if ((unsigned char)b[i] == IMPORT_NAME) {
            b[i + 1] = 77;
            patched = 1;
        }
    }
    assert_true(patched);
    PyObject *replace = PyObject_GetAttrString(code, "replace");
    PyObject *args = PyTuple_New(0);
    PyObject *kwargs = Py_BuildValue("{sO}", "co_code", bytes);
    PyObject *bad = PyObject_Call(replace, args, kwargs);
    Py_DECREF(kwargs);
    Py_DECREF(args);
    Py_DECREF(replace);
    if (bad == NULL) {
        PyErr_Print();
    }
    assert_non_null(bad);
    seen s = {0};
    pf_error err = {0};
    assert_int_equal(pfz_scan_imports(bad, 0, collect, &s, &err), PF_ERR_CORRUPT);
    assert_non_null(strstr(err.message, "co_names"));
    assert_int_equal(s.count, 0);
    Py_DECREF(bad);
    Py_DECREF(bytes);
    Py_DECREF(raw);
    Py_DECREF(code);
}

int main(void)
{
    /* PYTHON* variables must not reach the embedded interpreter. */
    setenv("PYTHONPATH", "/tmp/pfz-bogus-pythonpath", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_sys_path_matches_python311),
        cmocka_unit_test(test_host_flags),
        cmocka_unit_test(test_scan_statement_forms),
        cmocka_unit_test(test_scan_nested_code),
        cmocka_unit_test(test_scan_extended_arg),
        cmocka_unit_test(test_scan_frozen_module),
        cmocka_unit_test(test_scan_main_guard),
        cmocka_unit_test(test_scan_exception_and_windows_paths),
        cmocka_unit_test(test_scan_guards),
        cmocka_unit_test(test_scan_main_only_functions),
        cmocka_unit_test(test_scan_callback_error_stops),
        cmocka_unit_test(test_scan_rejects_non_code),
        cmocka_unit_test(test_scan_rejects_bad_name_index),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
