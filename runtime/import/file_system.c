/* file_system.c - the file-system layer over payload paths: builtins.open
 * (and io.open), os.stat, os.lstat, os.listdir and os.scandir, replaced so
 * that paths under the executable ("<executable>/X", which cannot exist on
 * disk) are answered from the payload, read-only, and every other call
 * goes to the original unchanged; and the importer's path hook put first on
 * sys.path_hooks. Installed per interpreter by pf_importer_install_hooks
 * (importer.h; docs/third-party.md). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <errno.h>
#include <string.h>

#include "cpython311.h"
#include "importer.h"

/* open_arg: argument `index` or keyword `name` of an open() call, or NULL
 * (borrowed). */
static PyObject *open_arg(PyObject *args, PyObject *kwargs, Py_ssize_t index, const char *name)
{
    if (PyTuple_GET_SIZE(args) > index) {
        return PyTuple_GET_ITEM(args, index);
    }
    return kwargs != NULL ? PyDict_GetItemString(kwargs, name) : NULL;
}

/* payload_open: builtins.open, replaced. A read-only open ("r", "rt",
 * "rb") of a str path "<executable>/X" naming a payload member returns
 * io.BytesIO over its bytes (with .name = the path), wrapped in
 * io.TextIOWrapper(encoding, errors, newline) for text modes. Such paths
 * cannot exist on disk (the executable is a file, not a directory), so no
 * real file is ever hidden; a read-only open of such a path that names no
 * member raises FileNotFoundError, as for a missing file in an existing
 * directory. Every other call goes unchanged to the original
 * open, adding no frame to its tracebacks. */
static PyObject *payload_open(PyObject *selfobj, PyObject *args, PyObject *kwargs)
{
    pf_importer *self = (pf_importer *)selfobj;
    PyObject *file = open_arg(args, kwargs, 0, "file");
    PyObject *mode = open_arg(args, kwargs, 1, "mode");
    const char *m = mode == NULL ? "r" : PyUnicode_Check(mode) ? PyUnicode_AsUTF8(mode) : NULL;
    int text = m != NULL && (strcmp(m, "r") == 0 || strcmp(m, "rt") == 0 || strcmp(m, "tr") == 0);
    int binary = m != NULL && (strcmp(m, "rb") == 0 || strcmp(m, "br") == 0);
    PyErr_Clear();
    /* a str path or an os.PathLike giving one (pathlib.Path.open and
     * read_text call io.open with the Path itself) */
    PyObject *fspath =
        (text || binary) && file != NULL && !PyLong_Check(file) ? PyOS_FSPath(file) : NULL;
    Py_ssize_t pathSize, rootSize;
    const char *path = fspath != NULL && PyUnicode_Check(fspath)
                           ? PyUnicode_AsUTF8AndSize(fspath, &pathSize)
                           : NULL;
    const char *root = path != NULL ? PyUnicode_AsUTF8AndSize(self->root, &rootSize) : NULL;
    pf_entry entry;
    if (path == NULL || root == NULL || pathSize <= rootSize ||
        memcmp(path, root, (size_t)rootSize) != 0) {
        Py_XDECREF(fspath);
        PyErr_Clear();
        if (self->original_open == NULL) { /* only after importer_clear */
            PyErr_SetString(PyExc_RuntimeError, "open() of a finalised frozen program");
            return NULL;
        }
        return PyObject_Call(self->original_open, args, kwargs);
    }
    int found =
        pf_importer_lookup_path(self, path + rootSize, (size_t)(pathSize - rootSize), "", &entry);
    Py_DECREF(fspath);
    if (!found) {
        /* as for a missing file in a directory that exists, not ENOTDIR */
        errno = ENOENT;
        return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, file);
    }
    PyObject *data = pf_importer_read_member(self, &entry);
    PyObject *io = data != NULL ? PyImport_ImportModule("io") : NULL;
    PyObject *raw = io != NULL ? PyObject_CallMethod(io, "BytesIO", "O", data) : NULL;
    Py_XDECREF(data);
    if (raw != NULL && PyObject_SetAttrString(raw, "name", file) < 0) {
        PyErr_Clear(); /* only cosmetic */
    }
    if (raw == NULL || binary) {
        Py_XDECREF(io);
        return raw;
    }
    PyObject *none = Py_None;
    PyObject *encoding = open_arg(args, kwargs, 3, "encoding");
    PyObject *errors = open_arg(args, kwargs, 4, "errors");
    PyObject *newline = open_arg(args, kwargs, 5, "newline");
    PyObject *wrapped =
        PyObject_CallMethod(io, "TextIOWrapper", "OOOO", raw, encoding ? encoding : none,
                            errors ? errors : none, newline ? newline : none);
    Py_DECREF(raw);
    Py_DECREF(io);
    return wrapped;
}

static PyMethodDef payload_open_def = {
    "open", (PyCFunction)(void (*)(void))payload_open, METH_VARARGS | METH_KEYWORDS,
    "open(file, mode='r', ...): io.open, reading payload paths under the executable from "
    "memory"};

/* payload_os_call: os.stat, os.lstat, os.listdir and os.scandir, replaced (installed by
 * install_os_hooks). Its self is a module object holding "importer",
 * "original" (the function replaced), "support" (the name of the
 * support.py function) and, for listdir and scandir, "lists" (they list
 * "<executable>" itself as the payload's top directory); a module, so that inspect drops the bound
 * argument and pickle finds the function by name, as for posix's own. A call whose path (first
 * argument or `path=`; a str or an os.PathLike giving one) lies under the executable
 * ("<executable>/X", which cannot exist on disk) and that gives no dir_fd
 * is answered from the payload by support.py (os_stat, os_listdir,
 * os_scandir), so os.path.exists/isfile/isdir/getsize, pathlib's
 * exists/is_file/is_dir/iterdir/glob, glob and os.walk see packed files and
 * directories. Every other call goes
 * unchanged to the original, adding no frame to its tracebacks. */
static PyObject *payload_os_call(PyObject *spec, PyObject *args, PyObject *kwargs)
{
    PyObject *holder = PyModule_GetDict(spec); /* borrowed */
    pf_importer *self = (pf_importer *)PyDict_GetItemString(holder, "importer");
    PyObject *original = PyDict_GetItemString(holder, "original");
    if (self == NULL || original == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "os function of a finalised frozen program");
        return NULL;
    }
    PyObject *path = open_arg(args, kwargs, 0, "path");
    PyObject *dir_fd = kwargs != NULL ? PyDict_GetItemString(kwargs, "dir_fd") : NULL;
    if (path == NULL || PyLong_Check(path) || PyBytes_Check(path) ||
        (dir_fd != NULL && dir_fd != Py_None) || self->root == NULL) {
        return PyObject_Call(original, args, kwargs);
    }
    PyObject *fspath = PyOS_FSPath(path);
    Py_ssize_t pathSize, rootSize;
    const char *text = fspath != NULL && PyUnicode_Check(fspath)
                           ? PyUnicode_AsUTF8AndSize(fspath, &pathSize)
                           : NULL;
    const char *root = text != NULL ? PyUnicode_AsUTF8AndSize(self->root, &rootSize) : NULL;
    /* "<executable>/..." and "<executable>/" itself (the payload's top
     * directory); "<executable>" only for a listing (sys.path's entry, listed
     * by importlib.metadata and pkg_resources as a directory of
     * distributions, as zipimport's archive is): stat() of it is the file */
    int under = root != NULL && pathSize >= rootSize && memcmp(text, root, (size_t)rootSize) == 0;
    int whole = root != NULL && pathSize == rootSize - 1 &&
                memcmp(text, root, (size_t)rootSize - 1) == 0 &&
                PyDict_GetItemString(holder, "lists") != NULL;
    if (!under && !whole) {
        Py_XDECREF(fspath);
        PyErr_Clear(); /* the original reports a bad argument as python3 does */
        return PyObject_Call(original, args, kwargs);
    }
    Py_DECREF(fspath);
    PyObject *mod = pf_importer_support(self);
    PyObject *name = PyDict_GetItemString(holder, "support"); /* borrowed */
    PyObject *fn = mod != NULL && name != NULL ? PyObject_GetAttr(mod, name) : NULL;
    PyObject *result = NULL;
    if (fn != NULL) {
        PyObject *full = PyTuple_Pack(2, original, path);
        result = full != NULL ? PyObject_Call(fn, full, kwargs) : NULL;
        Py_XDECREF(full);
        Py_DECREF(fn);
    }
    return result;
}

static PyMethodDef payload_os_defs[] = {
    {"stat", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.stat, answering paths under the executable from the payload"},
    {"lstat", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.lstat, answering paths under the executable from the payload"},
    {"listdir", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.listdir, listing directories under the executable from the payload"},
    {"scandir", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.scandir, listing directories under the executable from the payload"},
};

/* install_os_hooks: replaces stat, lstat, listdir and scandir in the posix module,
 * before `os` copies them (`from posix import *`), and in `os` too if it is
 * already imported, with payload_os_call. importlib's own stat calls go
 * through the posix module as well; they never name a path under the
 * executable (such sys.path entries belong to the payload's path hook).
 * Failures leave the originals in place. */
static void install_os_hooks(pf_importer *self)
{
    /* in payload_os_defs' order: the last two list (holder's "lists") */
    static const char *const support_fn[] = {"os_stat", "os_stat", "os_listdir", "os_scandir"};
    PyObject *modules[2] = {NULL, NULL};
    PyObject *name = PyUnicode_FromString("posix");
    modules[0] = name != NULL ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    name = PyUnicode_FromString("os");
    modules[1] = name != NULL ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    for (size_t i = 0; modules[0] != NULL && i < sizeof payload_os_defs / sizeof *payload_os_defs;
         i++) {
        const char *fn = payload_os_defs[i].ml_name;
        PyObject *original = PyObject_GetAttrString(modules[0], fn);
        if (original != NULL && PyCFunction_Check(original)) {
            /* the original's own doc, signature line included, so help()
             * and inspect.signature() show what they show for python3
             * (a static string of Modules/posixmodule.c) */
            payload_os_defs[i].ml_doc = PF_PY_CFUNCTION_DOC(original);
        }
        PyObject *spec = original != NULL ? PyModule_New("posix") : NULL;
        PyObject *holder = spec != NULL ? PyModule_GetDict(spec) : NULL; /* borrowed */
        PyObject *support_name = PyUnicode_FromString(support_fn[i]);
        PyObject *module_name = PyUnicode_FromString("posix");
        PyObject *replacement =
            holder != NULL && support_name != NULL && module_name != NULL &&
                    PyDict_SetItemString(holder, "importer", (PyObject *)self) == 0 &&
                    PyDict_SetItemString(holder, "original", original) == 0 &&
                    PyDict_SetItemString(holder, "support", support_name) == 0 &&
                    (i < 2 || PyDict_SetItemString(holder, "lists", Py_True) == 0)
                ? PyCFunction_NewEx(&payload_os_defs[i], spec, module_name)
                : NULL;
        Py_XDECREF(support_name);
        Py_XDECREF(module_name);
        if (replacement != NULL) {
            (void)PyObject_SetAttrString(modules[0], fn, replacement);
            PyObject *in_os = modules[1] != NULL ? PyObject_GetAttrString(modules[1], fn) : NULL;
            if (in_os == original) {
                (void)PyObject_SetAttrString(modules[1], fn, replacement);
            }
            Py_XDECREF(in_os);
        }
        Py_XDECREF(replacement);
        Py_XDECREF(spec);
        Py_XDECREF(original);
    }
    Py_XDECREF(modules[0]);
    Py_XDECREF(modules[1]);
    PyErr_Clear();
}

void pf_importer_install_hooks(PyObject *importer)
{
    pf_importer *self = (pf_importer *)importer;
    if (self->hooks_done) {
        return;
    }
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    PyObject *open = builtins != NULL ? PyDict_GetItemString(builtins, "open") : NULL;
    PyObject *hooks = PySys_GetObject("path_hooks"); /* borrowed */
    if (open == NULL || hooks == NULL || !PyList_Check(hooks)) {
        PyErr_Clear();
        return; /* not yet */
    }
    self->hooks_done = 1;
    PyObject *replacement = PyCFunction_NewEx(&payload_open_def, (PyObject *)self, NULL);
    PyObject *hook = PyObject_GetAttrString((PyObject *)self, "_path_hook");
    if (replacement != NULL) {
        self->original_open = Py_NewRef(open);
        if (PyDict_SetItemString(builtins, "open", replacement) < 0) {
            Py_CLEAR(self->original_open);
        } else {
            /* io.open is the same function in CPython; pathlib calls it */
            PyObject *io = PyImport_AddModule("io"); /* borrowed */
            PyObject *io_open = io != NULL ? PyObject_GetAttrString(io, "open") : NULL;
            if (io_open == open) {
                (void)PyObject_SetAttrString(io, "open", replacement);
            }
            Py_XDECREF(io_open);
        }
    }
    if (hook != NULL && PyList_Insert(hooks, 0, hook) == 0) {
        /* a miss before now may have cached "no finder" for sys.path's
         * "<executable>" (CPython's own hooks refuse it): ask again */
        PyObject *cache = PySys_GetObject("path_importer_cache"); /* borrowed */
        PyObject *exe = PyUnicode_Substring(self->root, 0, PyUnicode_GET_LENGTH(self->root) - 1);
        if (cache != NULL && PyDict_Check(cache) && exe != NULL &&
            PyDict_GetItemWithError(cache, exe) != NULL) {
            (void)PyDict_DelItem(cache, exe);
        }
        Py_XDECREF(exe);
    }
    install_os_hooks(self);
    pf_importer_install_left_out(self);
    pf_importer_install_codec_hint(self);
    Py_XDECREF(replacement);
    Py_XDECREF(hook);
    PyErr_Clear();
}
