/* py_error.c - a pending Python exception turned into a pf_error record,
 * or into the text python3 would print for it; see py_error.h. */
#include "py_error.h"

#include <stdlib.h>
#include <string.h>

/* take_message: the pending exception's str() as a new reference (NULL
 * when it has none or str() fails); the exception is cleared. */
static PyObject *take_message(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return text;
}

/* utf8_or: text's UTF-8 form (borrowed from text), or fallback when text is
 * NULL or cannot be encoded (a lone surrogate); clears that error. */
static const char *utf8_or(PyObject *text, const char *fallback)
{
    const char *s = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    if (s == NULL) {
        PyErr_Clear();
        return fallback;
    }
    return s;
}

int pfz_py_fail(pf_error *err, const char *what)
{
    int nomem = PyErr_ExceptionMatches(PyExc_MemoryError);
    PyObject *text = take_message();
    pf_error_set(err, nomem ? PF_ERR_NOMEM : PF_ERR_PYTHON, "%s: %s", what,
                 utf8_or(text, "unknown python error"));
    Py_XDECREF(text);
    return nomem ? PF_ERR_NOMEM : PF_ERR_PYTHON;
}

int pfz_py_usage_error(pf_error *err, const char *prefix, const char *fallback, const char *what)
{
    if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
        return pfz_py_fail(err, what);
    }
    PyObject *text = take_message();
    int rc = pf_error_set(err, PF_ERR_USAGE, "%s%s", prefix, utf8_or(text, fallback));
    Py_XDECREF(text);
    return rc;
}

/* encode_as_stderr: s encoded as the stream `like` (sys.stderr) encodes
 * text: its encoding and errors handler, UTF-8 with backslashreplace when
 * it names none. Returns a new bytes object or NULL with an exception. */
static PyObject *encode_as_stderr(PyObject *s, PyObject *like)
{
    PyObject *enc = like != NULL ? PyObject_GetAttrString(like, "encoding") : NULL;
    PyObject *errors = like != NULL ? PyObject_GetAttrString(like, "errors") : NULL;
    PyErr_Clear();
    const char *e = enc != NULL && PyUnicode_Check(enc) ? PyUnicode_AsUTF8(enc) : NULL;
    const char *h = errors != NULL && PyUnicode_Check(errors) ? PyUnicode_AsUTF8(errors) : NULL;
    PyErr_Clear();
    PyObject *bytes =
        PyUnicode_AsEncodedString(s, e != NULL ? e : "utf-8", h != NULL ? h : "backslashreplace");
    Py_XDECREF(enc);
    Py_XDECREF(errors);
    return bytes;
}

/* print_to_string: PyErr_PrintEx(0) of the exception (type, value, tb:
 * references stolen) with sys.stderr pointed at an io.StringIO for the
 * call, then restored. Returns the bytes written, encoded as sys.stderr
 * would have encoded them, as a new reference; NULL with an exception. */
static PyObject *print_to_string(PyObject *type, PyObject *value, PyObject *tb)
{
    PyObject *io = PyImport_ImportModule("io");
    PyObject *buf = io != NULL ? PyObject_CallMethod(io, "StringIO", NULL) : NULL;
    Py_XDECREF(io);
    PyObject *old = PySys_GetObject("stderr"); /* borrowed */
    Py_XINCREF(old);
    if (buf == NULL || PySys_SetObject("stderr", buf) < 0) {
        Py_XDECREF(buf);
        Py_XDECREF(old);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return NULL;
    }
    PyErr_Restore(type, value, tb);
    PyErr_PrintEx(0);
    PyObject *s = PyObject_CallMethod(buf, "getvalue", NULL);
    if (PySys_SetObject("stderr", old != NULL ? old : Py_None) < 0) {
        Py_CLEAR(s);
    }
    PyObject *bytes = s != NULL ? encode_as_stderr(s, old) : NULL;
    Py_XDECREF(s);
    Py_DECREF(buf);
    Py_XDECREF(old);
    return bytes;
}

int pfz_py_error_capture(const char *file, int is_syntax_error, pfz_python_error *out)
{
    memset(out, 0, sizeof *out);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *bytes = print_to_string(type, value, tb);
    PyErr_Clear();
    if (bytes == NULL) {
        return PF_ERR_NOMEM;
    }
    size_t n = (size_t)PyBytes_GET_SIZE(bytes);
    out->text = malloc(n + 1);
    out->file = strdup(file);
    if (out->text == NULL || out->file == NULL) {
        Py_DECREF(bytes);
        pfz_python_error_free(out);
        return PF_ERR_NOMEM;
    }
    memcpy(out->text, PyBytes_AS_STRING(bytes), n + 1);
    out->text_size = n;
    out->is_syntax_error = is_syntax_error;
    Py_DECREF(bytes);
    return PF_OK;
}

void pfz_python_error_free(pfz_python_error *e)
{
    if (e == NULL) {
        return;
    }
    free(e->file);
    free(e->text);
    memset(e, 0, sizeof *e);
}
