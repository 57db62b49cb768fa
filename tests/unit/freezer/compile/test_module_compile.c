/* test_module_compile.c - one module's source to its code object and .pyc
 * bytes (compile/module_compile.c) through its own interface, with no
 * module graph: the .pyc header, co_filename, the kept source, and a
 * syntax error returned as python3's text, never printed. */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_compile.h"
#include "payload.h"

/* compiler: the settings pfz_graph_build would pass, no cache. */
static pfz_compiler compiler(PyObject *imp)
{
    pfz_compiler c = {.magic = PyImport_GetMagicNumber(),
                      .cache_tag = "cpython-311",
                      .optimize = 0,
                      .source_hash = PyObject_GetAttrString(imp, "source_hash"),
                      .fix_co_filename = PyObject_GetAttrString(imp, "_fix_co_filename")};
    assert_non_null(c.source_hash);
    assert_non_null(c.fix_co_filename);
    return c;
}

static void release(pfz_compiler *c)
{
    Py_DECREF(c->source_hash);
    Py_DECREF(c->fix_co_filename);
}

static void test_compile_module(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "pkg/mod.py", "X = 1\n", (size_t)-1);
    char origin[4200];
    snprintf(origin, sizeof origin, "%s/pkg/mod.py", dir);
    PyObject *imp = PyImport_ImportModule("_imp");
    pfz_compiler c = compiler(imp);
    pfz_compile_input in = {.origin = origin, .member_path = "lib/pkg/mod.pyc", .keep_source = 1};
    pfz_compiled out;
    pfz_python_error pyerr = {0};
    pf_error err = {0};
    assert_int_equal(pfz_compile_module(&c, &in, &out, &pyerr, &err), PF_OK);
    assert_non_null(out.code);
    assert_true(PyCode_Check(out.code));
    /* co_filename is the payload-relative name, never the build path */
    assert_string_equal(PyUnicode_AsUTF8(((PyCodeObject *)out.code)->co_filename), "pkg/mod.py");
    assert_true(out.pyc_size > PF_PYC_HEADER_SIZE);
    long magic = PyImport_GetMagicNumber();
    for (int i = 0; i < 4; i++) {
        assert_int_equal(out.pyc[i], (uint8_t)(magic >> (8 * i)));
    }
    assert_int_equal(out.pyc[4], PF_PYC_FLAG_HASH_BASED);
    assert_int_equal(out.source_size, 6);
    assert_memory_equal(out.source, "X = 1\n", 6);
    assert_false(out.from_pycache); /* the program's own module: always compiled */
    assert_null(pyerr.text);
    Py_DECREF(out.code);
    free(out.pyc);
    free(out.source);

    in.keep_source = 0;
    assert_int_equal(pfz_compile_module(&c, &in, &out, &pyerr, &err), PF_OK);
    assert_null(out.source);
    Py_DECREF(out.code);
    free(out.pyc);

    /* a missing file: PF_ERR_IO naming it */
    in.origin = "/nonexistent/pfz/mod.py";
    assert_int_equal(pfz_compile_module(&c, &in, &out, &pyerr, &err), PF_ERR_IO);
    assert_non_null(strstr(err.message, "/nonexistent/pfz/mod.py"));
    assert_null(out.code);
    release(&c);
    Py_DECREF(imp);
    rt_rmtree(dir);
}

/* A syntax error: PF_ERR_PYTHON naming the file, nothing printed, and the
 * text python3.11 prints for the same file in *pyerr. */
static void test_compile_syntax_error(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "bad.py", "def f(:\n    pass\n", (size_t)-1);
    char origin[4200], command[8600];
    snprintf(origin, sizeof origin, "%s/bad.py", dir);
    snprintf(command, sizeof command, "%s -I %s 2>&1", PYFREEZE_PYTHON311, origin);
    char *expected = rt_run(command);
    PyObject *imp = PyImport_ImportModule("_imp");
    pfz_compiler c = compiler(imp);
    pfz_compile_input in = {.origin = origin, .member_path = "lib/bad.pyc"};
    pfz_compiled out;
    pfz_python_error pyerr = {0};
    pf_error err = {0};
    rt_stderr_begin();
    int status = pfz_compile_module(&c, &in, &out, &pyerr, &err);
    char *printed = rt_stderr_end();
    assert_int_equal(status, PF_ERR_PYTHON);
    assert_string_equal(printed, "");
    assert_non_null(strstr(err.message, "has a syntax error"));
    assert_non_null(strstr(err.message, origin));
    assert_true(pyerr.is_syntax_error);
    assert_string_equal(pyerr.file, origin);
    assert_int_equal(pyerr.text_size, strlen(expected));
    assert_string_equal(pyerr.text, expected);
    assert_false(PyErr_Occurred());
    pfz_python_error_free(&pyerr);
    assert_null(pyerr.text);
    free(printed);
    free(expected);
    release(&c);
    Py_DECREF(imp);
    rt_rmtree(dir);
}

/* compile_stdlib: compiles <dir>/pvm/<name> as a module of the packed
 * stdlib <dir>/pvm whose host stdlib is <dir>/host; returns whether its
 * code came from a __pycache__ (and checks co_filename either way). */
static int compile_stdlib(pfz_compiler *c, const char *dir, const char *name, int is_stdlib)
{
    char origin[4200], pvm[4200], host[4200], member[300];
    snprintf(origin, sizeof origin, "%s/pvm/%s", dir, name);
    snprintf(pvm, sizeof pvm, "%s/pvm", dir);
    snprintf(host, sizeof host, "%s/host", dir);
    snprintf(member, sizeof member, "lib/%.*s.pyc", (int)strlen(name) - 3, name);
    c->stdlib_dir = pvm;
    c->host_stdlib_dir = host;
    pfz_compile_input in = {.origin = origin, .member_path = member, .is_stdlib = is_stdlib};
    pfz_compiled out;
    pfz_python_error pyerr = {0};
    pf_error err = {0};
    assert_int_equal(pfz_compile_module(c, &in, &out, &pyerr, &err), PF_OK);
    assert_string_equal(PyUnicode_AsUTF8(((PyCodeObject *)out.code)->co_filename), name);
    int from_pycache = out.from_pycache;
    Py_DECREF(out.code);
    free(out.pyc);
    c->stdlib_dir = c->host_stdlib_dir = NULL;
    return from_pycache;
}

/* A stdlib module of the packed stdlib (the PVM's, no __pycache__) takes
 * the .pyc the host's python3.11 wrote for the same file under its own
 * stdlib only when both files hold the same bytes; never for a module
 * outside the stdlib. */
static void test_host_stdlib_pycache(void **state)
{
    (void)state;
    char *dir = rt_mkdtemp();
    rt_write(dir, "pvm/same.py", "def f():\n    return 1\n", (size_t)-1);
    rt_write(dir, "host/same.py", "def f():\n    return 1\n", (size_t)-1);
    rt_write(dir, "pvm/other.py", "X = 1\n", (size_t)-1);
    rt_write(dir, "host/other.py", "X = 2\n", (size_t)-1);
    char command[8600];
    snprintf(command, sizeof command,
             "%s -I -c 'import py_compile, sys; [py_compile.compile(p, doraise=True) for p in "
             "sys.argv[1:]]' %s/host/same.py %s/host/other.py 2>&1",
             PYFREEZE_PYTHON311, dir, dir);
    free(rt_run(command));
    PyObject *imp = PyImport_ImportModule("_imp");
    pfz_compiler c = compiler(imp);
    assert_true(compile_stdlib(&c, dir, "same.py", 1));
    assert_false(compile_stdlib(&c, dir, "other.py", 1)); /* different source: compiled */
    assert_false(compile_stdlib(&c, dir, "same.py", 0));  /* not the stdlib: compiled */
    release(&c);
    Py_DECREF(imp);
    rt_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_module),
        cmocka_unit_test(test_compile_syntax_error),
        cmocka_unit_test(test_host_stdlib_pycache),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
