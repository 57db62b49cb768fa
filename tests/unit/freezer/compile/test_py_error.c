/* test_py_error.c - a pending Python exception as a pf_error record or as
 * the text python3 prints for it (compile/py_error.c). */
#include "resolve_test_util.h"

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "py_error.h"

static void test_py_fail(void **state)
{
    (void)state;
    pf_error err = {0};
    PyErr_SetString(PyExc_ValueError, "boom");
    assert_int_equal(pfz_py_fail(&err, "cannot frob"), PF_ERR_PYTHON);
    assert_string_equal(err.message, "cannot frob: boom");
    assert_false(PyErr_Occurred());
    PyErr_NoMemory();
    assert_int_equal(pfz_py_fail(&err, "cannot frob"), PF_ERR_NOMEM);
    assert_false(PyErr_Occurred());
    /* a message that is not UTF-8 text still gives one line */
    PyObject *lone = PyUnicode_DecodeUTF8("\xed\xb2\x80", 3, "surrogatepass");
    assert_non_null(lone);
    PyErr_SetObject(PyExc_ValueError, lone);
    Py_DECREF(lone);
    assert_int_equal(pfz_py_fail(&err, "what"), PF_ERR_PYTHON);
    assert_string_equal(err.message, "what: unknown python error");
    assert_false(PyErr_Occurred());
}

static void test_py_usage_error(void **state)
{
    (void)state;
    pf_error err = {0};
    PyErr_SetString(PyExc_ValueError, "no pyvenv.cfg in /x");
    assert_int_equal(pfz_py_usage_error(&err, "--venv: ", "not a venv", "what"), PF_ERR_USAGE);
    assert_string_equal(err.message, "--venv: no pyvenv.cfg in /x");
    PyErr_SetString(PyExc_KeyError, "k");
    assert_int_equal(pfz_py_usage_error(&err, "--venv: ", "not a venv", "what"), PF_ERR_PYTHON);
    assert_string_equal(err.message, "what: k");
    assert_false(PyErr_Occurred());
}

/* The text is what PyErr_Print writes; sys.stderr is left as it was. */
static void test_py_error_capture(void **state)
{
    (void)state;
    PyObject *before = PySys_GetObject("stderr");
    pfz_python_error e;
    rt_stderr_begin();
    PyErr_SetString(PyExc_ValueError, "maximum recursion depth exceeded during compilation");
    assert_int_equal(pfz_py_error_capture("deep.py", 0, &e), PF_OK);
    char *printed = rt_stderr_end();
    assert_string_equal(printed, "");
    assert_string_equal(e.text, "ValueError: maximum recursion depth exceeded during "
                                "compilation\n");
    assert_int_equal(e.text_size, strlen(e.text));
    assert_string_equal(e.file, "deep.py");
    assert_false(e.is_syntax_error);
    assert_ptr_equal(PySys_GetObject("stderr"), before);
    assert_false(PyErr_Occurred());
    pfz_python_error_free(&e);
    pfz_python_error_free(NULL);
    free(printed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_py_fail),
        cmocka_unit_test(test_py_usage_error),
        cmocka_unit_test(test_py_error_capture),
    };
    return cmocka_run_group_tests(tests, rt_start_python, rt_stop_python);
}
