/* codec_hint.c - a LookupError that says why: a codec lookup that found
 * nothing, of a codec whose module the freezer left out (the rules file's
 * codecs packed on demand, recorded in the payload index as left out,
 * payload.h: PF_KIND_NOT_FOLLOWED, PF_KIND_EXCLUDED), raises a LookupError
 * naming the option that packs it; an unknown encoding keeps python3's
 * "unknown encoding: X". See importer_internal.h.
 *
 * How: a codec search function registered after encodings' own
 * (Python/codecs.c tries them in order, and stops at the first that
 * returns a CodecInfo or raises), so it runs only when
 * encodings.search_function found nothing. It maps the name to a module
 * as that function does (Lib/encodings/__init__.py: normalize_encoding,
 * then the alias table, then the name itself). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include "payload.h"

/* left_out_kind: the index kind of module "encodings.<modname>" when the
 * index records it as left out, else 0. */
static uint8_t left_out_kind(pf_importer *self, PyObject *modname)
{
    PyObject *full = PyUnicode_Check(modname) && PyUnicode_GET_LENGTH(modname) > 0
                         ? PyUnicode_FromFormat("encodings.%U", modname)
                         : NULL;
    Py_ssize_t size;
    const char *utf8 = full != NULL ? PyUnicode_AsUTF8AndSize(full, &size) : NULL;
    pf_entry entry;
    uint8_t kind = 0;
    if (utf8 != NULL && strchr(utf8 + sizeof "encodings", '.') == NULL &&
        pf_index_find(pf_payload_index(self->payload), utf8, (size_t)size, &entry) &&
        (entry.kind == PF_KIND_NOT_FOLLOWED || entry.kind == PF_KIND_EXCLUDED)) {
        kind = entry.kind;
    }
    Py_XDECREF(full);
    PyErr_Clear();
    return kind;
}

/* candidates: the module names encodings.search_function tries for the
 * (already normalized) encoding name: its alias's, then its own. A new
 * list, or NULL (no exception) when encodings is not loaded. */
static PyObject *candidates(PyObject *name)
{
    PyObject *key = PyUnicode_FromString("encodings");
    PyObject *encodings = key != NULL ? PyImport_GetModule(key) : NULL; /* loaded, or NULL */
    Py_XDECREF(key);
    PyObject *norm =
        encodings != NULL ? PyObject_CallMethod(encodings, "normalize_encoding", "O", name) : NULL;
    PyObject *aliases = norm != NULL ? PyObject_GetAttrString(encodings, "_aliases") : NULL;
    PyObject *list = aliases != NULL && PyDict_Check(aliases) ? PyList_New(0) : NULL;
    if (list != NULL) {
        PyObject *aliased = PyDict_GetItemWithError(aliases, norm); /* borrowed */
        PyObject *underscored = aliased == NULL && !PyErr_Occurred()
                                    ? PyObject_CallMethod(norm, "replace", "ss", ".", "_")
                                    : NULL;
        if (underscored != NULL) {
            aliased = PyDict_GetItemWithError(aliases, underscored);
        }
        if ((aliased != NULL && PyList_Append(list, aliased) < 0) ||
            PyList_Append(list, norm) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(underscored);
    }
    Py_XDECREF(aliases);
    Py_XDECREF(norm);
    Py_XDECREF(encodings);
    PyErr_Clear();
    return list;
}

/* search: the codec search function (codecs.register): None, or the
 * LookupError for a codec left out. Its self is the importer. */
static PyObject *search(PyObject *importer, PyObject *name)
{
    pf_importer *self = (pf_importer *)importer;
    PyObject *names = PyUnicode_Check(name) ? candidates(name) : NULL;
    for (Py_ssize_t i = 0; names != NULL && i < PyList_GET_SIZE(names); i++) {
        PyObject *modname = PyList_GET_ITEM(names, i);
        uint8_t kind = left_out_kind(self, modname);
        if (kind == PF_KIND_NOT_FOLLOWED) {
            PyErr_Format(PyExc_LookupError,
                         "unknown encoding: %U (its codec, module encodings.%U, was not packed "
                         "into this frozen program: pyfreeze packs it when the program's code "
                         "names it; freeze with --hidden-import encodings.%U to pack it)",
                         name, modname, modname);
        } else if (kind == PF_KIND_EXCLUDED) {
            PyErr_Format(PyExc_LookupError,
                         "unknown encoding: %U (its codec, module encodings.%U, was left out "
                         "with --exclude-module; freeze without that option to pack it)",
                         name, modname);
        }
        if (kind != 0) {
            Py_DECREF(names);
            return NULL;
        }
    }
    Py_XDECREF(names);
    Py_RETURN_NONE;
}

static PyMethodDef search_def = {
    "_pyfreeze_codec_hint", search, METH_O,
    "a codec search function: names the option that packs a codec left out of the program"};

void pf_importer_install_codec_hint(pf_importer *self)
{
    PyObject *fn = PyCFunction_NewEx(&search_def, (PyObject *)self, NULL);
    if (fn != NULL && PyCodec_Register(fn) < 0) {
        PyErr_Clear(); /* python3's message stays */
    }
    Py_XDECREF(fn);
    PyErr_Clear();
}
