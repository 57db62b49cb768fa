/* codec_names.c - the codecs packed on demand (the rules file's [codecs],
 * docs/third-party.md "Codecs packed on demand"): which of them a module's
 * code names in a string constant, whether a module of the encodings
 * package is one, and the left-out records of those nothing named. The
 * names are matched as codecs.lookup() would map them to a module:
 * Python/codecs.c normalizestring (_Py_normalize_encoding: lower case,
 * each run of characters other than letters, digits and '.' one '_'),
 * then Lib/encodings/__init__.py search_function (the alias table, tried
 * with the name as is and with '.' as '_', else the name itself).
 * Contracts in module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <string.h>

/* Constants nested deeper than this in tuples are not read (a codec name
 * sits in a call's argument or a small table). */
#define CODEC_MAX_NESTING 4
/* The package whose modules the codecs are (package_rules.py checks the
 * rules file's names are its modules). */
#define CODEC_PACKAGE "encodings."

/* normalize: s (ASCII, n bytes) as _Py_normalize_encoding leaves it, into
 * dst; 0 when it does not fit dstCapacity or is empty. */
static size_t normalize(const char *s, size_t n, char *dst, size_t dstCapacity)
{
    size_t len = 0;
    int punct = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (Py_ISALNUM(c) || c == '.') {
            if (punct && len > 0) {
                if (len + 1 >= dstCapacity) {
                    return 0;
                }
                dst[len++] = '_';
            }
            punct = 0;
            if (len + 1 >= dstCapacity) {
                return 0;
            }
            dst[len++] = (char)Py_TOLOWER(c);
        } else {
            punct = 1;
        }
    }
    dst[len] = '\0';
    return len;
}

/* module_of: the codec module name (inside encodings) that codecs.lookup
 * would import for the normalized name norm, as a new str; NULL (no
 * error) when it cannot be told. */
static PyObject *module_of(const resolver *r, char *norm, size_t len)
{
    PyObject *target = PyDict_GetItemString(r->codec_aliases, norm); /* borrowed */
    if (target == NULL && memchr(norm, '.', len) != NULL) {
        for (size_t i = 0; i < len; i++) {
            norm[i] = norm[i] == '.' ? '_' : norm[i];
        }
        target = PyDict_GetItemString(r->codec_aliases, norm);
        if (target == NULL) {
            return NULL; /* the dotted name itself is no module of encodings */
        }
    }
    PyErr_Clear();
    return target != NULL ? Py_NewRef(target) : PyUnicode_FromStringAndSize(norm, (Py_ssize_t)len);
}

/* check_name: adds to found (a set) the module "encodings.X" when the
 * string constant s names an on-demand codec. -1 on a Python error. */
static int check_name(const resolver *r, PyObject *s, PyObject *found)
{
    Py_ssize_t size;
    const char *text = PyUnicode_IS_ASCII(s) ? PyUnicode_AsUTF8AndSize(s, &size) : NULL;
    if (text == NULL || size < 2 || size > 2 * (Py_ssize_t)r->codec_name_max) {
        return 0;
    }
    char norm[128];
    size_t len = normalize(text, (size_t)size, norm, sizeof norm);
    if (len < 2 || len > r->codec_name_max) {
        return 0;
    }
    PyObject *module = module_of(r, norm, len);
    if (module == NULL) {
        return 0;
    }
    int rc = PySet_Contains(r->codec_short_names, module);
    if (rc == 1) {
        PyObject *full = PyUnicode_FromFormat(CODEC_PACKAGE "%U", module);
        rc = full != NULL ? PySet_Add(found, full) : -1;
        Py_XDECREF(full);
    }
    Py_DECREF(module);
    return rc < 0 ? -1 : 0;
}

/* scan_consts: check_name over the str constants of a co_consts tuple,
 * the tuples and frozensets in it, and the code objects nested in it. */
static int scan_consts(const resolver *r, PyObject *consts, PyObject *found, int depth)
{
    if (depth > CODEC_MAX_NESTING) {
        return 0;
    }
    PyObject *items = PyFrozenSet_Check(consts) ? PySequence_Tuple(consts) : Py_NewRef(consts);
    int rc = items != NULL ? 0 : -1;
    for (Py_ssize_t i = 0; rc == 0 && i < PyTuple_GET_SIZE(items); i++) {
        PyObject *item = PyTuple_GET_ITEM(items, i);
        if (PyUnicode_Check(item)) {
            rc = check_name(r, item, found);
        } else if (PyCode_Check(item)) {
            rc = scan_consts(r, ((PyCodeObject *)item)->co_consts, found, 0);
        } else if (PyTuple_Check(item) || PyFrozenSet_Check(item)) {
            rc = scan_consts(r, item, found, depth + 1);
        }
    }
    Py_XDECREF(items);
    return rc;
}

/* names_ignored: 1 when module name is, or is inside, one of the rules'
 * names_ignored_in modules. */
static int names_ignored(const resolver *r, const char *name)
{
    for (const char *end = name;; end++) {
        if (*end == '.' || *end == '\0') {
            PyObject *prefix = PyUnicode_FromStringAndSize(name, end - name);
            int in = prefix != NULL ? PySet_Contains(r->codec_ignored_in, prefix) : -1;
            Py_XDECREF(prefix);
            if (in != 0) {
                PyErr_Clear();
                return 1; /* in the list, or unsure: not read */
            }
        }
        if (*end == '\0') {
            return 0;
        }
    }
}

int pfz_mg_codec_names(const resolver *r, size_t idx, PyObject *code, PyObject **names,
                       pf_error *err)
{
    *names = NULL;
    if (code == NULL || !PyCode_Check(code) || PySet_GET_SIZE(r->codec_short_names) == 0 ||
        names_ignored(r, r->g->modules[idx].name)) {
        return PF_OK;
    }
    PyObject *found = PySet_New(NULL);
    if (found == NULL || scan_consts(r, ((PyCodeObject *)code)->co_consts, found, 0) < 0) {
        Py_XDECREF(found);
        return pfz_py_fail(err, "cannot read a module's string constants");
    }
    int failed = 0;
    if (PySet_GET_SIZE(found) > 0) {
        *names = PySequence_List(found);
        /* a set's order is not stable: sorted, the walk's order is */
        failed = *names == NULL || PyList_Sort(*names) < 0;
    }
    Py_DECREF(found);
    if (failed) {
        Py_CLEAR(*names);
        return pfz_py_fail(err, "cannot list the codecs a module names");
    }
    return PF_OK;
}

int pfz_mg_is_codec_on_demand(const resolver *r, const char *module)
{
    if (strncmp(module, CODEC_PACKAGE, strlen(CODEC_PACKAGE)) != 0) {
        return 0;
    }
    PyObject *name = PyUnicode_FromString(module + strlen(CODEC_PACKAGE));
    int in = name != NULL ? PySet_Contains(r->codec_short_names, name) : 0;
    Py_XDECREF(name);
    PyErr_Clear();
    return in == 1;
}

int pfz_mg_note_codecs_left_out(resolver *r, pf_error *err)
{
    PyObject *package = PyDict_GetItemString(r->index, "encodings"); /* borrowed */
    if (package == NULL) {
        return PF_OK;
    }
    PyObject *sorted = PySequence_List(r->codec_short_names);
    if (sorted == NULL || PyList_Sort(sorted) < 0) {
        Py_XDECREF(sorted);
        return pfz_py_fail(err, "cannot list the codecs packed on demand");
    }
    int status = PF_OK;
    for (Py_ssize_t i = 0; status == PF_OK && i < PyList_GET_SIZE(sorted); i++) {
        PyObject *full = PyUnicode_FromFormat(CODEC_PACKAGE "%U", PyList_GET_ITEM(sorted, i));
        const char *utf8 = full != NULL ? PyUnicode_AsUTF8(full) : NULL;
        if (utf8 == NULL) {
            status = pfz_py_fail(err, "cannot build a module name");
        } else if (PyDict_GetItem(r->index, full) == NULL) {
            status =
                pfz_mg_note_skipped(r, PFZ_NOTE_IMPORT_LEFT_OUT, utf8, PyLong_AsSize_t(package), 0,
                                    "a codec packed only when a packed module names it in a "
                                    "string constant",
                                    err);
        }
        Py_XDECREF(full);
    }
    Py_DECREF(sorted);
    return status;
}
