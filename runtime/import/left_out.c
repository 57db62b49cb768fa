/* left_out.c - a ModuleNotFoundError that says why: an import that found
 * nothing, of a module the freezer knew of and did not pack (the payload
 * index's left-out names, payload.h: PF_KIND_NOT_FOLLOWED,
 * PF_KIND_EXCLUDED), gets a message naming the option that packs it; every
 * other import error is python3's, untouched. See importer_internal.h.
 *
 * Where: importlib._bootstrap._find_and_load, the function every import
 * statement, __import__ and importlib.import_module call when sys.modules
 * does not hold the module (Python/import.c: import_find_and_load;
 * Lib/importlib/_bootstrap.py: _gcd_import), is wrapped by a C function
 * that adds no frame to tracebacks. Not a meta path finder raising from
 * find_spec: importlib.util.find_spec(name) must keep returning None for a
 * module that is not there, as programs test optional modules that way. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include "cpython311.h"
#include "payload.h"

/* better_message: the message for a ModuleNotFoundError of `name` whose
 * message is python3's "No module named 'X'" (value's msg), when the index
 * names it left out: a new str, else NULL (no exception either way). */
static PyObject *better_message(pf_importer *self, PyObject *value)
{
    PyObject *name = PyObject_GetAttrString(value, "name");
    PyObject *msg = name != NULL ? PyObject_GetAttrString(value, "msg") : NULL;
    PyObject *plain = msg != NULL && PyUnicode_Check(name) && PyUnicode_Check(msg)
                          ? PyUnicode_FromFormat("No module named %R", name)
                          : NULL;
    PyObject *result = NULL;
    Py_ssize_t size;
    const char *utf8 = plain != NULL && PyUnicode_Compare(plain, msg) == 0
                           ? PyUnicode_AsUTF8AndSize(name, &size)
                           : NULL;
    pf_entry entry;
    if (utf8 != NULL &&
        pf_index_find(pf_payload_index(self->payload), utf8, (size_t)size, &entry)) {
        if (entry.kind == PF_KIND_NOT_FOLLOWED) {
            result = PyUnicode_FromFormat("%U (not packed into this frozen program: pyfreeze "
                                          "did not follow the import of it; freeze with "
                                          "--hidden-import %U to pack it)",
                                          plain, name);
        } else if (entry.kind == PF_KIND_EXCLUDED) {
            result = PyUnicode_FromFormat("%U (not packed into this frozen program: it was "
                                          "left out with --exclude-module %U; freeze without "
                                          "that option to pack it)",
                                          plain, name);
        }
    }
    Py_XDECREF(plain);
    Py_XDECREF(msg);
    Py_XDECREF(name);
    PyErr_Clear();
    return result;
}

/* find_and_load: _bootstrap._find_and_load(name, import_), replaced. Its
 * self is a tuple (importer, original). Calls the original; when that
 * raises python3's ModuleNotFoundError for a left-out name, the same
 * exception object (type, .name, traceback) gets better_message as its
 * message (msg and args). */
static PyObject *find_and_load(PyObject *pair, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames)
{
    pf_importer *self = (pf_importer *)PyTuple_GET_ITEM(pair, 0);
    PyObject *result = PyObject_Vectorcall(PyTuple_GET_ITEM(pair, 1), args, nargsf, kwnames);
    if (result != NULL || !PyErr_ExceptionMatches(PyExc_ModuleNotFoundError)) {
        return result;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *message = value != NULL ? better_message(self, value) : NULL;
    PyObject *message_args = message != NULL ? PyTuple_Pack(1, message) : NULL;
    if (message_args != NULL) {
        if (PyObject_SetAttrString(value, "msg", message) < 0 ||
            PyObject_SetAttrString(value, "args", message_args) < 0) {
            PyErr_Clear(); /* python3's message stays */
        }
    }
    Py_XDECREF(message_args);
    Py_XDECREF(message);
    if (tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    PyErr_Restore(type, value, tb);
    return NULL;
}

static PyObject *find_and_load_fastcall(PyObject *pair, PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames)
{
    return find_and_load(pair, args, (size_t)nargs, kwnames);
}

static PyMethodDef find_and_load_def = {
    "_find_and_load", (PyCFunction)(void (*)(void))find_and_load_fastcall,
    METH_FASTCALL | METH_KEYWORDS,
    "importlib._bootstrap._find_and_load, naming the option that packs a left-out module"};

void pf_importer_install_left_out(pf_importer *self)
{
    PyObject *bootstrap = PyImport_ImportModule(PF_PY_BOOTSTRAP);
    PyObject *original = bootstrap ? PyObject_GetAttrString(bootstrap, "_find_and_load") : NULL;
    PyObject *pair = original ? PyTuple_Pack(2, (PyObject *)self, original) : NULL;
    PyObject *wrapper = pair ? PyCFunction_NewEx(&find_and_load_def, pair, NULL) : NULL;
    if (wrapper != NULL && !PyCFunction_Check(original)) {
        (void)PyObject_SetAttrString(bootstrap, "_find_and_load", wrapper);
    }
    Py_XDECREF(wrapper);
    Py_XDECREF(pair);
    Py_XDECREF(original);
    Py_XDECREF(bootstrap);
    PyErr_Clear();
}
