/* importer.c - the in-memory meta path finder and loader; see importer.h.
 *
 * The finder protocol is PEP 451 (find_spec / create_module / exec_module),
 * plus the optional loader methods that importlib, runpy, pkgutil, linecache
 * and inspect call: get_code, get_source, is_package, get_filename, get_data.
 * Every lookup goes through the payload index's hash table: no stat(), no
 * open() per module.
 *
 * The richer protocols (importlib.resources' get_resource_reader,
 * importlib.metadata's find_distributions, a sys.path_hooks entry for
 * pkgutil.iter_modules) are answered by runtime/support.py, embedded as
 * source and compiled into module _pyfreeze_support only when a program
 * first uses one of them; this file gives it the index (_members,
 * _submodules, _root). The read-only open() of payload paths is here in C
 * (docs/third-party.md).
 *
 * Every interpreter has an importer of its own, holding only its own
 * interpreter's objects: the main one from pf_importer_install, each
 * sub-interpreter's from a process-wide audit hook registered when an
 * extension module able to start sub-interpreters is loaded (see
 * "sub-interpreters" below). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>
#include <structmember.h>

#include "importer.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "damaged.h"
#include "native_loader.h"
#include "payload.h"

/* Room for "lib/" + a name + an extension; longer names are not in the
 * payload (the index rejects names over PF_MAX_NAME_SIZE). */
#define MEMBER_NAME_CAPACITY (PF_MAX_NAME_SIZE + 16)

/* One importer per interpreter: the main one (pf_importer_install) and one
 * in each sub-interpreter (serve_subinterpreter). Every object it holds
 * belongs to its own interpreter, fetched there on first use; only the type
 * (static, as CPython's own types are in 3.11) and the payload are shared. */
typedef struct pf_importer {
    PyObject_HEAD pf_payload *payload; /* borrowed, lives for the whole process */
    const char *executable;            /* its path (process_executable), for pf_damaged_exit */
    PyObject *root;                    /* str: "<executable>/" */
    int hooks_done;                    /* payload_open and the path hook are installed */
    int ready;                         /* sub-interpreters: finish_ready_subinterpreter ran */
    PyObject *original_open;           /* builtins.open before payload_open replaced it */
    PyObject *support_module;          /* _pyfreeze_support once compiled */
    /* from importlib and builtins, fetched on first use (they exist as soon
     * as CPython's core initialisation has run) */
    PyObject *module_spec_type;         /* importlib.machinery.ModuleSpec */
    PyObject *call_with_frames_removed; /* importlib._bootstrap._call_with_frames_removed */
    PyObject *builtin_exec;             /* builtins.exec */
    PyObject *fix_co_filename;          /* _imp._fix_co_filename */
    PyObject *decode_source;            /* importlib._bootstrap_external.decode_source */
    PyObject *create_dynamic;           /* _imp.create_dynamic */
    PyObject *exec_dynamic;             /* _imp.exec_dynamic */
} pf_importer;

/* runtime/support.py, embedded by runtime/embed_source.cmake */
extern const char pf_support_source[];
extern const size_t pf_support_source_size;
#define SUPPORT_MODULE_NAME "_pyfreeze_support"

static int fetch_attr(PyObject **slot, const char *module, const char *name)
{
    if (*slot != NULL) {
        return 0;
    }
    PyObject *mod = PyImport_ImportModule(module);
    if (mod == NULL) {
        return -1;
    }
    *slot = PyObject_GetAttrString(mod, name);
    Py_DECREF(mod);
    return *slot == NULL ? -1 : 0;
}

/* ---- payload lookups ---- */

/* find_module_entry: the module entry called name (a str). Returns 1 and
 * fills *entry when the payload has it, 0 when not, -1 with an exception. */
static int find_module_entry(pf_importer *self, PyObject *name, pf_entry *entry)
{
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(name, &size);
    if (utf8 == NULL) {
        return -1;
    }
    if (!pf_index_find(pf_payload_index(self->payload), utf8, (size_t)size, entry)) {
        return 0;
    }
    return PF_KIND_IS_MODULE(entry->kind) ? 1 : 0;
}

/* require_module_entry: as find_module_entry, but a module the payload does
 * not hold is an ImportError naming it (as zipimport's loader raises). */
static int require_module_entry(pf_importer *self, PyObject *name, pf_entry *entry)
{
    int found = find_module_entry(self, name, entry);
    if (found == 0) {
        PyErr_Format(PyExc_ImportError, "the frozen program does not contain module %R", name);
        return -1;
    }
    return found;
}

/* member_of: the file entry holding a module entry's data. Returns 1, or 0
 * for a namespace package (no file). The index was validated on open, so the
 * member number is in range and names a file entry. */
static int member_of(pf_importer *self, const pf_entry *module, pf_entry *file)
{
    if (module->member == PF_NONE) {
        return 0;
    }
    pf_index_entry(pf_payload_index(self->payload), module->member, file);
    return 1;
}

/* path_of_member: "<executable>/X" for member "lib/X"; bytecode ".pyc" is
 * shown as ".py", the name python3 shows for the same source tree. */
static PyObject *path_of_member(pf_importer *self, const pf_entry *file)
{
    const char *name = file->name;
    size_t size = file->name_size;
    if (size > PF_LIB_DIR_SIZE && memcmp(name, PF_LIB_DIR, PF_LIB_DIR_SIZE) == 0) {
        name += PF_LIB_DIR_SIZE;
        size -= PF_LIB_DIR_SIZE;
    }
    if (file->kind == PF_KIND_BYTECODE && size > 4 && memcmp(name + size - 4, ".pyc", 4) == 0) {
        size -= 1;
    }
    PyObject *rel = PyUnicode_DecodeUTF8(name, (Py_ssize_t)size, "surrogateescape");
    if (rel == NULL) {
        return NULL;
    }
    PyObject *path = PyUnicode_Concat(self->root, rel);
    Py_DECREF(rel);
    return path;
}

/* package_dir: "<executable>/a/b" for package a.b: its __path__ entry. */
static PyObject *package_dir(pf_importer *self, PyObject *fullname)
{
    PyObject *dot = PyUnicode_FromString(".");
    PyObject *slash = PyUnicode_FromString("/");
    PyObject *rel = NULL, *dir = NULL;
    if (dot != NULL && slash != NULL) {
        rel = PyUnicode_Replace(fullname, dot, slash, -1);
    }
    if (rel != NULL) {
        dir = PyUnicode_Concat(self->root, rel);
    }
    Py_XDECREF(dot);
    Py_XDECREF(slash);
    Py_XDECREF(rel);
    return dir;
}

/* module_origin: the module's __file__ (a new reference), or Py_None for a
 * namespace package. */
static PyObject *module_origin(pf_importer *self, const pf_entry *module)
{
    pf_entry file;
    if (!member_of(self, module, &file)) {
        Py_RETURN_NONE;
    }
    return path_of_member(self, &file);
}

/* read_member: the bytes of file entry `file` as a new bytes object, or
 * NULL with a Python exception (no memory). A damaged frame ends the
 * process (pf_damaged_exit). */
static PyObject *read_member(pf_importer *self, const pf_entry *file)
{
    const uint8_t *data;
    size_t size;
    pf_error err;
    if (pf_payload_read(self->payload, file, &data, &size, &err) != PF_OK) {
        pf_damaged_exit(self->executable, file->name, file->name_size, err.message);
    }
    return PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
}

/* code_of_member: unmarshals a .pyc member (PEP 552 header, 16 bytes, then
 * marshal data) into a code object whose co_filename is `path`. The header's
 * magic must be this interpreter's: bytecode from another CPython would
 * crash the PVM. */
static PyObject *code_of_member(pf_importer *self, const pf_entry *file, PyObject *path)
{
    const uint8_t *data;
    size_t size;
    pf_error err;
    /* Unmarshalling can collect garbage, whose finalizers may import: the
     * pin keeps data valid through their reads. */
    pf_payload_pin(self->payload);
    if (pf_payload_read(self->payload, file, &data, &size, &err) != PF_OK) {
        pf_damaged_exit(self->executable, file->name, file->name_size, err.message);
    }
    long magic = PyImport_GetMagicNumber();
    uint8_t expected[4] = {(uint8_t)magic, (uint8_t)(magic >> 8), (uint8_t)(magic >> 16),
                           (uint8_t)(magic >> 24)};
    if (size < PF_PYC_HEADER_SIZE || memcmp(data, expected, sizeof expected) != 0) {
        pf_damaged_exit(self->executable, file->name, file->name_size,
                        magic == -1 ? "bytecode read before the import system was ready"
                                    : "bytecode for another Python version or a bad .pyc header");
    }
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)data + PF_PYC_HEADER_SIZE,
                                                    (Py_ssize_t)(size - PF_PYC_HEADER_SIZE));
    pf_payload_unpin(self->payload);
    if (code == NULL) {
        return NULL;
    }
    if (!PyCode_Check(code)) {
        Py_DECREF(code);
        pf_damaged_exit(self->executable, file->name, file->name_size,
                        "bytecode holds no code object");
    }
    if (fetch_attr(&self->fix_co_filename, "_imp", "_fix_co_filename") < 0) {
        Py_DECREF(code);
        return NULL;
    }
    PyObject *r = PyObject_CallFunctionObjArgs(self->fix_co_filename, code, path, NULL);
    if (r == NULL) {
        Py_DECREF(code);
        return NULL;
    }
    Py_DECREF(r);
    return code;
}

/* ---- the support module and the hooks installed after initialisation ---- */

/* support: the _pyfreeze_support module (runtime/support.py), compiled from
 * the embedded source on first use, with _importer set to self and put in
 * sys.modules. Returns a borrowed reference, or NULL with an exception. */
static PyObject *support(pf_importer *self)
{
    if (self->support_module != NULL) {
        return self->support_module;
    }
    PyObject *code = Py_CompileString(pf_support_source, "<pyfreeze>/support.py", Py_file_input);
    PyObject *module = code != NULL ? PyModule_New(SUPPORT_MODULE_NAME) : NULL;
    PyObject *dict = module != NULL ? PyModule_GetDict(module) : NULL; /* borrowed */
    PyObject *r = NULL;
    if (dict != NULL && PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins()) == 0) {
        r = PyEval_EvalCode(code, dict, dict);
    }
    Py_XDECREF(code);
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    if (r == NULL || PyObject_SetAttrString(module, "_importer", (PyObject *)self) < 0 ||
        PyDict_SetItemString(modules, SUPPORT_MODULE_NAME, module) < 0) {
        Py_XDECREF(r);
        Py_XDECREF(module);
        return NULL;
    }
    Py_DECREF(r);
    self->support_module = module;
    return self->support_module;
}

/* call_support: support(self).fn(arg): a new reference or NULL. */
static PyObject *call_support(pf_importer *self, const char *fn, PyObject *arg)
{
    PyObject *mod = support(self);
    return mod != NULL ? PyObject_CallMethod(mod, fn, "O", arg) : NULL;
}

static int lookup_member_path(pf_importer *self, const char *rel, size_t relSize,
                              const char *suffix, pf_entry *file);
static PyObject *read_member(pf_importer *self, const pf_entry *file);

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
        lookup_member_path(self, path + rootSize, (size_t)(pathSize - rootSize), "", &entry);
    Py_DECREF(fspath);
    if (!found) {
        /* as for a missing file in a directory that exists, not ENOTDIR */
        errno = ENOENT;
        return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, file);
    }
    PyObject *data = read_member(self, &entry);
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
 * "original" (the function replaced) and "support" (the name of the
 * support.py function); a module, so that inspect drops the bound argument
 * and pickle finds the function by name, as for posix's own. A call whose path (first argument or
 * `path=`; a str or an os.PathLike giving one) lies under the executable
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
    if (text == NULL || root == NULL || pathSize <= rootSize ||
        memcmp(text, root, (size_t)rootSize) != 0) {
        Py_XDECREF(fspath);
        PyErr_Clear(); /* the original reports a bad argument as python3 does */
        return PyObject_Call(original, args, kwargs);
    }
    Py_DECREF(fspath);
    PyObject *mod = support(self);
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
            payload_os_defs[i].ml_doc = ((PyCFunctionObject *)original)->m_ml->ml_doc;
        }
        PyObject *spec = original != NULL ? PyModule_New("posix") : NULL;
        PyObject *holder = spec != NULL ? PyModule_GetDict(spec) : NULL; /* borrowed */
        PyObject *support_name = PyUnicode_FromString(support_fn[i]);
        PyObject *module_name = PyUnicode_FromString("posix");
        PyObject *replacement =
            holder != NULL && support_name != NULL && module_name != NULL &&
                    PyDict_SetItemString(holder, "importer", (PyObject *)self) == 0 &&
                    PyDict_SetItemString(holder, "original", original) == 0 &&
                    PyDict_SetItemString(holder, "support", support_name) == 0
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
    if (hook != NULL) {
        (void)PyList_Insert(hooks, 0, hook);
    }
    install_os_hooks(self);
    Py_XDECREF(replacement);
    Py_XDECREF(hook);
    PyErr_Clear();
}

/* ---- the importer type ---- */

/* The importer takes part in reference cycles (its support module's
 * _importer, builtins.open bound to it, importlib functions whose globals
 * reach sys.meta_path), so it is collected by the cyclic GC. importer_clear
 * keeps root, which no cycle goes through and every method reads. */
static int importer_traverse(pf_importer *self, visitproc visit, void *arg)
{
    Py_VISIT(self->original_open);
    Py_VISIT(self->support_module);
    Py_VISIT(self->module_spec_type);
    Py_VISIT(self->call_with_frames_removed);
    Py_VISIT(self->builtin_exec);
    Py_VISIT(self->fix_co_filename);
    Py_VISIT(self->decode_source);
    Py_VISIT(self->create_dynamic);
    Py_VISIT(self->exec_dynamic);
    return 0;
}

static int importer_clear(pf_importer *self)
{
    Py_CLEAR(self->original_open);
    Py_CLEAR(self->support_module);
    Py_CLEAR(self->module_spec_type);
    Py_CLEAR(self->call_with_frames_removed);
    Py_CLEAR(self->builtin_exec);
    Py_CLEAR(self->fix_co_filename);
    Py_CLEAR(self->decode_source);
    Py_CLEAR(self->create_dynamic);
    Py_CLEAR(self->exec_dynamic);
    return 0;
}

static void importer_dealloc(pf_importer *self)
{
    PyObject_GC_UnTrack(self);
    (void)importer_clear(self);
    Py_XDECREF(self->root);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* find_spec(fullname, path=None, target=None): a ModuleSpec for a module the
 * payload holds, else None so the next finder is asked. `path` is not used:
 * payload modules are known by their full names. */
static PyObject *importer_find_spec(pf_importer *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"fullname", "path", "target", NULL};
    PyObject *fullname, *path = Py_None, *target = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "U|OO:find_spec", keywords, &fullname, &path,
                                     &target)) {
        return NULL;
    }
    /* "__main__" is the running program, not something to import: the boot
     * runs the packed script itself (and children import it under its own
     * name), and runpy.run_path(dir) must find that directory's __main__. */
    if (PyUnicode_CompareWithASCIIString(fullname, "__main__") == 0) {
        Py_RETURN_NONE;
    }
    pf_entry module;
    int found = find_module_entry(self, fullname, &module);
    if (found <= 0) {
        if (found < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    if (fetch_attr(&self->module_spec_type, "_frozen_importlib", "ModuleSpec") < 0) {
        return NULL;
    }
    int is_package = module.kind == PF_KIND_PACKAGE || module.kind == PF_KIND_NAMESPACE;
    PyObject *loader = module.kind == PF_KIND_NAMESPACE ? Py_None : (PyObject *)self;
    PyObject *origin = module_origin(self, &module);
    if (origin == NULL) {
        return NULL;
    }
    PyObject *spec_args = Py_BuildValue("(OO)", fullname, loader);
    PyObject *spec_kwargs =
        Py_BuildValue("{sOsO}", "origin", origin, "is_package", is_package ? Py_True : Py_False);
    PyObject *spec = NULL;
    if (spec_args != NULL && spec_kwargs != NULL) {
        spec = PyObject_Call(self->module_spec_type, spec_args, spec_kwargs);
    }
    Py_XDECREF(spec_args);
    Py_XDECREF(spec_kwargs);
    if (spec != NULL && origin != Py_None &&
        PyObject_SetAttrString(spec, "has_location", Py_True) < 0) {
        Py_CLEAR(spec);
    }
    if (spec != NULL && is_package) {
        PyObject *dir = package_dir(self, fullname);
        PyObject *locations = dir != NULL ? PyList_New(1) : NULL;
        if (locations != NULL) {
            PyList_SET_ITEM(locations, 0, dir);
            dir = NULL;
        }
        if (locations == NULL ||
            PyObject_SetAttrString(spec, "submodule_search_locations", locations) < 0) {
            Py_CLEAR(spec);
        }
        Py_XDECREF(dir);
        Py_XDECREF(locations);
    }
    Py_DECREF(origin);
    return spec;
}

/* get_code(fullname): the module's code object (None for a namespace
 * package). Used by exec_module and by runpy for -m. */
static PyObject *importer_get_code(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_code() argument must be str");
        return NULL;
    }
    pf_entry module, file;
    if (require_module_entry(self, fullname, &module) < 0) {
        return NULL;
    }
    if (!member_of(self, &module, &file) || module.kind == PF_KIND_EXTENSION) {
        Py_RETURN_NONE; /* namespace package or extension module: no bytecode */
    }
    if (file.kind != PF_KIND_BYTECODE) {
        PyErr_Format(PyExc_ImportError, "module %R has no bytecode in this frozen program",
                     fullname);
        return NULL;
    }
    PyObject *path = path_of_member(self, &file);
    if (path == NULL) {
        return NULL;
    }
    PyObject *code = code_of_member(self, &file, path);
    Py_DECREF(path);
    return code;
}

static void watch_new_interpreters(void);

/* create_extension: loads an extension module from memory (see
 * native_loader.h) through _imp.create_dynamic, as ExtensionFileLoader does,
 * with a spec whose origin is the /proc/self/fd path dlopen() maps. The init
 * function is found from spec.name (PyInit_<last part>), which is right for
 * modules that register under another name, such as _decimal. */
static PyObject *create_extension(pf_importer *self, PyObject *spec, PyObject *name,
                                  const pf_entry *module)
{
    pf_entry file;
    pf_error err;
    char path[64];
    if (!member_of(self, module, &file)) {
        PyErr_Format(PyExc_ImportError, "extension module %U has no native code", name);
        return NULL;
    }
    int createsInterpreters;
    int status =
        pf_native_prepare(self->payload, &file, path, sizeof path, &createsInterpreters, &err);
    if (status == PF_ERR_CORRUPT || status == PF_ERR_TRUNCATED) {
        pf_damaged_exit(self->executable, file.name, file.name_size, err.message);
    }
    if (status != PF_OK) {
        PyErr_Format(PyExc_ImportError, "cannot load extension module %U: %s", name, err.message);
        return NULL;
    }
    if (createsInterpreters) {
        watch_new_interpreters();
    }
    if (fetch_attr(&self->create_dynamic, "_imp", "create_dynamic") < 0 ||
        fetch_attr(&self->module_spec_type, "_frozen_importlib", "ModuleSpec") < 0) {
        return NULL;
    }
    PyObject *loader = PyObject_GetAttrString(spec, "loader");
    PyObject *args = loader ? Py_BuildValue("(OO)", name, loader) : NULL;
    PyObject *kwargs = args ? Py_BuildValue("{ss}", "origin", path) : NULL;
    PyObject *load_spec = kwargs ? PyObject_Call(self->module_spec_type, args, kwargs) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kwargs);
    Py_XDECREF(loader);
    if (load_spec == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallOneArg(self->create_dynamic, load_spec);
    Py_DECREF(load_spec);
    if (result == NULL) {
        return NULL;
    }
    /* Single-phase modules got __file__ = the fd path: show the payload
     * path instead, as python3 shows the .so's path. */
    PyObject *origin = PyObject_GetAttrString(spec, "origin");
    if (origin == NULL ||
        (PyModule_Check(result) && PyObject_SetAttrString(result, "__file__", origin) < 0)) {
        PyErr_Clear();
    }
    Py_XDECREF(origin);
    return result;
}

/* create_module(spec): an extension module loaded from memory, or None for
 * the default module object (PEP 451). */
static PyObject *importer_create_module(pf_importer *self, PyObject *spec)
{
    PyObject *name = PyObject_GetAttrString(spec, "name");
    if (name == NULL || !PyUnicode_Check(name)) {
        Py_XDECREF(name);
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_None);
    }
    pf_entry module;
    int found = find_module_entry(self, name, &module);
    PyObject *result = NULL;
    if (found > 0 && module.kind == PF_KIND_EXTENSION) {
        result = create_extension(self, spec, name, &module);
    } else if (found >= 0) {
        result = Py_NewRef(Py_None);
    }
    Py_DECREF(name);
    return result;
}

/* exec_module(module): runs the module's code in its namespace through
 * importlib._bootstrap._call_with_frames_removed, so that CPython trims the
 * importlib frames from tracebacks exactly as it does for source modules. */
static PyObject *importer_exec_module(pf_importer *self, PyObject *module)
{
    PyObject *spec = PyObject_GetAttrString(module, "__spec__");
    if (spec == NULL) {
        return NULL;
    }
    PyObject *name = PyObject_GetAttrString(spec, "name");
    Py_DECREF(spec);
    if (name == NULL) {
        return NULL;
    }
    pf_entry entry;
    int found = find_module_entry(self, name, &entry);
    if (found > 0 && entry.kind == PF_KIND_EXTENSION) {
        Py_DECREF(name);
        if (fetch_attr(&self->exec_dynamic, "_imp", "exec_dynamic") < 0) {
            return NULL;
        }
        PyObject *r = PyObject_CallOneArg(self->exec_dynamic, module);
        if (r == NULL) {
            return NULL;
        }
        Py_DECREF(r);
        Py_RETURN_NONE;
    }
    PyObject *code = found < 0 ? NULL : importer_get_code(self, name);
    Py_DECREF(name);
    if (code == NULL) {
        return NULL;
    }
    if (code == Py_None) {
        return code; /* namespace package: nothing to run */
    }
    PyObject *dict = PyModule_GetDict(module); /* borrowed */
    PyObject *result = NULL;
    if (dict != NULL &&
        fetch_attr(&self->call_with_frames_removed, "_frozen_importlib",
                   "_call_with_frames_removed") == 0 &&
        fetch_attr(&self->builtin_exec, "builtins", "exec") == 0) {
        result = PyObject_CallFunctionObjArgs(self->call_with_frames_removed, self->builtin_exec,
                                              code, dict, dict, NULL);
    }
    Py_DECREF(code);
    if (result == NULL) {
        return NULL;
    }
    Py_DECREF(result);
    Py_RETURN_NONE;
}

/* is_package(fullname): True for regular and namespace packages. */
static PyObject *importer_is_package(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "is_package() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (require_module_entry(self, fullname, &module) < 0) {
        return NULL;
    }
    return PyBool_FromLong(module.kind == PF_KIND_PACKAGE || module.kind == PF_KIND_NAMESPACE);
}

/* get_filename(fullname): the module's __file__. */
static PyObject *importer_get_filename(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_filename() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (require_module_entry(self, fullname, &module) < 0) {
        return NULL;
    }
    return module_origin(self, &module);
}

/* lookup_member_path: finds the file entry "lib/" + rel, where rel is the
 * UTF-8 name (relSize bytes) with an optional suffix. Returns 1 when found. */
static int lookup_member_path(pf_importer *self, const char *rel, size_t relSize,
                              const char *suffix, pf_entry *file)
{
    char name[MEMBER_NAME_CAPACITY];
    size_t suffixSize = strlen(suffix);
    if (relSize > sizeof name - PF_LIB_DIR_SIZE - suffixSize) {
        return 0;
    }
    memcpy(name, PF_LIB_DIR, PF_LIB_DIR_SIZE);
    memcpy(name + PF_LIB_DIR_SIZE, rel, relSize);
    memcpy(name + PF_LIB_DIR_SIZE + relSize, suffix, suffixSize);
    if (!pf_index_find(pf_payload_index(self->payload), name,
                       PF_LIB_DIR_SIZE + relSize + suffixSize, file)) {
        return 0;
    }
    return PF_KIND_IS_FILE(file->kind);
}

/* get_source(fullname): the module's source text when it was packed
 * (--include-source), else None: tracebacks then show file and line only. */
static PyObject *importer_get_source(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_source() argument must be str");
        return NULL;
    }
    pf_entry module, file, source;
    if (require_module_entry(self, fullname, &module) < 0) {
        return NULL;
    }
    if (!member_of(self, &module, &file) || file.kind != PF_KIND_BYTECODE ||
        file.name_size <= PF_LIB_DIR_SIZE + 1) {
        Py_RETURN_NONE;
    }
    /* "lib/a/b.pyc" -> "lib/a/b.py" */
    if (!lookup_member_path(self, file.name + PF_LIB_DIR_SIZE, file.name_size - PF_LIB_DIR_SIZE - 1,
                            "", &source)) {
        Py_RETURN_NONE;
    }
    PyObject *bytes = read_member(self, &source);
    if (bytes == NULL) {
        return NULL;
    }
    PyObject *text = NULL;
    if (fetch_attr(&self->decode_source, "_frozen_importlib_external", "decode_source") == 0) {
        text = PyObject_CallOneArg(self->decode_source, bytes);
    }
    Py_DECREF(bytes);
    return text;
}

/* get_data(path): the bytes of the member seen at path "<executable>/X".
 * Anything else raises FileNotFoundError, as reading a missing file would. */
static PyObject *importer_get_data(pf_importer *self, PyObject *path)
{
    if (!PyUnicode_Check(path)) {
        PyErr_SetString(PyExc_TypeError, "get_data() argument must be str");
        return NULL;
    }
    Py_ssize_t pathSize, rootSize;
    const char *utf8 = PyUnicode_AsUTF8AndSize(path, &pathSize);
    const char *root = PyUnicode_AsUTF8AndSize(self->root, &rootSize);
    if (utf8 == NULL || root == NULL) {
        return NULL;
    }
    pf_entry file;
    if (pathSize > rootSize && memcmp(utf8, root, (size_t)rootSize) == 0 &&
        lookup_member_path(self, utf8 + rootSize, (size_t)(pathSize - rootSize), "", &file)) {
        return read_member(self, &file);
    }
    errno = ENOENT;
    return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
}

/* _member_size(rel): the size in bytes of the file member at rel (a path
 * relative to the executable, as _members() lists it), or None. For
 * support.py's os_stat. */
static PyObject *importer_member_size(pf_importer *self, PyObject *rel)
{
    Py_ssize_t relSize;
    const char *utf8 = PyUnicode_Check(rel) ? PyUnicode_AsUTF8AndSize(rel, &relSize) : NULL;
    if (utf8 == NULL) {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "_member_size() argument must be str");
        return NULL;
    }
    pf_entry file;
    if (lookup_member_path(self, utf8, (size_t)relSize, "", &file)) {
        return PyLong_FromUnsignedLongLong((unsigned long long)file.size);
    }
    Py_RETURN_NONE;
}

/* get_resource_reader(fullname): for a package, an
 * importlib.resources.abc.TraversableResources over its payload directory
 * (support.py resource_reader; importlib.resources docs, "Loaders"); None
 * for a plain module, as the protocol allows. */
static PyObject *importer_get_resource_reader(pf_importer *self, PyObject *fullname)
{
    if (!PyUnicode_Check(fullname)) {
        PyErr_SetString(PyExc_TypeError, "get_resource_reader() argument must be str");
        return NULL;
    }
    pf_entry module;
    if (require_module_entry(self, fullname, &module) < 0) {
        return NULL;
    }
    if (module.kind != PF_KIND_PACKAGE && module.kind != PF_KIND_NAMESPACE) {
        Py_RETURN_NONE;
    }
    return call_support(self, "resource_reader", fullname);
}

/* find_distributions(context=None): the importlib.metadata.Distribution of
 * each *.dist-info / *.egg-info directory packed at the payload's top
 * (support.py distributions; importlib.metadata docs, "Extending the
 * search algorithm"; PEP 566 / PEP 376 files). An iterator. */
static PyObject *importer_find_distributions(pf_importer *self, PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"context", NULL};
    PyObject *context = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:find_distributions", keywords, &context)) {
        return NULL;
    }
    return call_support(self, "distributions", context);
}

/* _path_hook(path): the sys.path_hooks entry (PEP 302): a path entry finder
 * (support.py PathEntry) for a directory under the executable, so that
 * pkgutil.iter_modules() lists payload modules; ImportError for any other
 * path, so the next hook is asked. */
static PyObject *importer_path_hook(pf_importer *self, PyObject *path)
{
    Py_ssize_t pathSize, rootSize;
    const char *p = PyUnicode_Check(path) ? PyUnicode_AsUTF8AndSize(path, &pathSize) : NULL;
    const char *root = PyUnicode_AsUTF8AndSize(self->root, &rootSize);
    if (p == NULL || root == NULL || pathSize < rootSize - 1 ||
        memcmp(p, root, (size_t)rootSize - 1) != 0 ||
        (pathSize >= rootSize && p[rootSize - 1] != '/')) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ImportError, "not a path of this frozen program");
        return NULL;
    }
    return call_support(self, "path_hook", path);
}

/* _members(): the path relative to the executable of every file member
 * under lib/ ("json/decoder.py" for lib/json/decoder.pyc, as path_of_member
 * shows it), in index order: what support.py's Traversable lists. */
static PyObject *importer_members(pf_importer *self, PyObject *unused)
{
    (void)unused;
    const pf_index *index = pf_payload_index(self->payload);
    PyObject *list = PyList_New(0);
    for (uint32_t n = 0; list != NULL && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind) || e.name_size <= PF_LIB_DIR_SIZE ||
            memcmp(e.name, PF_LIB_DIR, PF_LIB_DIR_SIZE) != 0) {
            continue;
        }
        PyObject *path = path_of_member(self, &e);
        PyObject *rel = path != NULL ? PyUnicode_Substring(path, PyUnicode_GET_LENGTH(self->root),
                                                           PyUnicode_GET_LENGTH(path))
                                     : NULL;
        Py_XDECREF(path);
        if (rel == NULL || PyList_Append(list, rel) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(rel);
    }
    return list;
}

/* _submodules(package): the last name part of every payload module directly
 * inside package (a dotted name; "" for top-level modules), in index order. */
static PyObject *importer_submodules(pf_importer *self, PyObject *package)
{
    Py_ssize_t pkgSize;
    const char *pkg = PyUnicode_Check(package) ? PyUnicode_AsUTF8AndSize(package, &pkgSize) : NULL;
    if (pkg == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "_submodules() argument must be str");
        }
        return NULL;
    }
    size_t prefix = pkgSize > 0 ? (size_t)pkgSize + 1 : 0;
    const pf_index *index = pf_payload_index(self->payload);
    PyObject *list = PyList_New(0);
    for (uint32_t n = 0; list != NULL && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_MODULE(e.kind) || e.name_size <= prefix ||
            (prefix > 0 && (memcmp(e.name, pkg, (size_t)pkgSize) != 0 || e.name[pkgSize] != '.')) ||
            memchr(e.name + prefix, '.', e.name_size - prefix) != NULL) {
            continue;
        }
        PyObject *name = PyUnicode_DecodeUTF8(e.name + prefix, (Py_ssize_t)(e.name_size - prefix),
                                              "surrogateescape");
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(name);
    }
    return list;
}

/* invalidate_caches(): nothing is cached that could go stale. */
static PyObject *importer_invalidate_caches(pf_importer *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    Py_RETURN_NONE;
}

static PyMethodDef importer_methods[] = {
    {"find_spec", (PyCFunction)(void (*)(void))importer_find_spec, METH_VARARGS | METH_KEYWORDS,
     "find_spec(fullname, path=None, target=None) -> ModuleSpec or None"},
    {"create_module", (PyCFunction)importer_create_module, METH_O,
     "create_module(spec) -> None (default module creation)"},
    {"exec_module", (PyCFunction)importer_exec_module, METH_O,
     "exec_module(module): run the module's bytecode"},
    {"get_code", (PyCFunction)importer_get_code, METH_O, "get_code(fullname) -> code object"},
    {"get_source", (PyCFunction)importer_get_source, METH_O, "get_source(fullname) -> str or None"},
    {"is_package", (PyCFunction)importer_is_package, METH_O, "is_package(fullname) -> bool"},
    {"get_filename", (PyCFunction)importer_get_filename, METH_O, "get_filename(fullname) -> str"},
    {"get_data", (PyCFunction)importer_get_data, METH_O,
     "get_data(path) -> bytes of a payload member"},
    {"get_resource_reader", (PyCFunction)importer_get_resource_reader, METH_O,
     "get_resource_reader(fullname) -> TraversableResources or None"},
    {"find_distributions", (PyCFunction)(void (*)(void))importer_find_distributions,
     METH_VARARGS | METH_KEYWORDS,
     "find_distributions(context=None) -> iterator of importlib.metadata.Distribution"},
    {"_path_hook", (PyCFunction)importer_path_hook, METH_O,
     "_path_hook(path) -> path entry finder for a directory under the executable"},
    {"_member_size", (PyCFunction)importer_member_size, METH_O,
     "_member_size(rel): a file member's size in bytes, or None"},
    {"_members", (PyCFunction)importer_members, METH_NOARGS,
     "_members() -> list of member paths relative to the executable"},
    {"_submodules", (PyCFunction)importer_submodules, METH_O,
     "_submodules(package) -> list of module names directly inside package"},
    {"invalidate_caches", (PyCFunction)importer_invalidate_caches, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef importer_members_def[] = {
    {"_root", T_OBJECT_EX, offsetof(pf_importer, root), READONLY,
     "\"<executable>/\": the directory payload paths are seen under"},
    {NULL, 0, 0, 0, NULL},
};

static PyObject *importer_repr(pf_importer *self)
{
    return PyUnicode_FromFormat("<pyfreeze importer for %R>", self->root);
}

static PyTypeObject importer_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = PF_IMPORTER_MODULE_NAME ".PayloadImporter",
    .tp_basicsize = sizeof(pf_importer),
    .tp_dealloc = (destructor)importer_dealloc,
    .tp_repr = (reprfunc)importer_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Meta path finder and loader for the modules in a frozen program's payload.",
    .tp_traverse = (traverseproc)importer_traverse,
    .tp_clear = (inquiry)importer_clear,
    .tp_free = PyObject_GC_Del,
    .tp_methods = importer_methods,
    .tp_members = importer_members_def,
};

static struct PyModuleDef importer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = PF_IMPORTER_MODULE_NAME,
    .m_doc = "pyfreeze's in-memory importer.",
    .m_size = -1,
};

PyObject *pf_importer_module_init(void)
{
    if (PyType_Ready(&importer_type) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&importer_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&importer_type);
    if (PyModule_AddObject(module, "PayloadImporter", (PyObject *)&importer_type) < 0) {
        Py_DECREF(&importer_type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

/* ---- one importer per interpreter ---- */

/* What every interpreter's importer is made from: C data of the process,
 * set by pf_importer_install, never Python objects (those belong to one
 * interpreter each). */
static pf_payload *process_payload;
static char process_executable[PATH_MAX];
static int serving_subinterpreters; /* pf_importer_serve_subinterpreters was called */
static int (*finish_subinterpreter)(void);

/* new_importer: an importer for the current interpreter, not yet on
 * sys.meta_path: a new reference, or NULL with an exception. The type must
 * be ready (pf_importer_module_init has run). */
static pf_importer *new_importer(void)
{
    PyObject *executable = PyUnicode_DecodeFSDefault(process_executable);
    PyObject *root = executable != NULL ? PyUnicode_FromFormat("%U/", executable) : NULL;
    Py_XDECREF(executable);
    pf_importer *self = root != NULL ? PyObject_GC_New(pf_importer, &importer_type) : NULL;
    if (self == NULL) {
        Py_XDECREF(root);
        return NULL;
    }
    memset((char *)self + sizeof(PyObject), 0, sizeof *self - sizeof(PyObject));
    self->payload = process_payload;
    self->executable = process_executable;
    self->root = root;
    PyObject_GC_Track(self);
    return self;
}

PyObject *pf_importer_install(pf_payload *payload, const char *executable)
{
    size_t size = strlen(executable);
    if (size >= sizeof process_executable) {
        PyErr_SetString(PyExc_OSError, "the executable's path is too long");
        return NULL;
    }
    memcpy(process_executable, executable, size + 1);
    process_payload = payload;
    PyObject *module = PyImport_ImportModule(PF_IMPORTER_MODULE_NAME);
    if (module == NULL) {
        return NULL;
    }
    Py_DECREF(module);
    pf_importer *self = new_importer();
    if (self == NULL) {
        return NULL;
    }
    PyObject *meta_path = PySys_GetObject("meta_path"); /* borrowed */
    if (meta_path == NULL || !PyList_Check(meta_path) ||
        PyList_Append(meta_path, (PyObject *)self) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "sys.meta_path is not a list");
        }
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

/* ---- sub-interpreters ---- */

/* The key of a sub-interpreter's importer in its interpreter dict
 * (PyInterpreterState_GetDict), which the interpreter clears when it ends. */
#define INTERPRETER_DICT_KEY "pyfreeze.importer"

/* insert_finder: puts importer on meta_path after the leading builtin and
 * frozen importers (classes), before anything else: where the main
 * interpreter has it (boot.c install_importer). */
static int insert_finder(PyObject *meta_path, PyObject *importer)
{
    Py_ssize_t at = 0;
    while (at < PyList_GET_SIZE(meta_path)) {
        PyObject *item = PyList_GET_ITEM(meta_path, at);
        const char *name = PyType_Check(item) ? ((PyTypeObject *)item)->tp_name : "";
        if (strcmp(name, "BuiltinImporter") != 0 && strcmp(name, "FrozenImporter") != 0) {
            break;
        }
        at++;
    }
    return PyList_Insert(meta_path, at, importer);
}

/* serve_subinterpreter: gives the current sub-interpreter, at its first
 * import, an importer of its own on meta_path (its sys.meta_path, the
 * "import" event's argument) and in its interpreter dict. */
static int serve_subinterpreter(PyObject *state, PyObject *meta_path)
{
    if (!PyList_Check(meta_path)) {
        return 0; /* sys.meta_path is gone or replaced: nothing to serve */
    }
    pf_importer *self = new_importer();
    if (self == NULL) {
        return -1;
    }
    int rc = PyDict_SetItemString(state, INTERPRETER_DICT_KEY, (PyObject *)self) < 0 ||
                     insert_finder(meta_path, (PyObject *)self) < 0
                 ? -1
                 : 0;
    Py_DECREF(self);
    return rc;
}

/* finish_ready_subinterpreter: once the sub-interpreter's initialisation is
 * complete (its __main__ exists: Python/pylifecycle.c init_interp_main adds
 * it after builtins.open), installs the open() and path hooks and runs the
 * boot's `finish`, once (set first: both import modules, which comes back
 * here). */
static int finish_ready_subinterpreter(pf_importer *self)
{
    if (self->ready) {
        return 0;
    }
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    PyObject *main = modules != NULL ? PyDict_GetItemString(modules, "__main__") : NULL;
    if (main == NULL) {
        return 0; /* still initialising */
    }
    self->ready = 1;
    pf_importer_install_hooks((PyObject *)self);
    return finish_subinterpreter != NULL ? finish_subinterpreter() : 0;
}

/* audit_hook: the process-wide audit hook (PySys_AddAuditHook) through which
 * sub-interpreters import from the payload. CPython calls it for every
 * audited event of every interpreter, so it returns at once unless the
 * event is "import" or "exec" in a sub-interpreter:
 *  - "import" is raised by every import that is not in sys.modules yet
 *    (Python/import.c: import_find_and_load), with sys.meta_path as its 4th
 *    argument. Py_NewInterpreter raises the first one while it installs
 *    importlib's path-based importers (init_importlib_external), before it
 *    imports `encodings`: the importer goes on meta_path then.
 *  - "exec" is raised before code given to PyRun_String* runs
 *    (Python/pythonrun.c: run_mod), as _xxsubinterpreters.run_string() and
 *    _testcapi.run_in_subinterp() do: with "import", the moment to finish
 *    the interpreter's set-up once it is initialised.
 * A failure fails the event (the import, the run) with its exception. */
static int audit_hook(const char *event, PyObject *args, void *unused)
{
    (void)unused;
    int is_import = strcmp(event, "import") == 0;
    if (!is_import && strcmp(event, "exec") != 0) {
        return 0;
    }
    PyInterpreterState *interp = PyInterpreterState_Get();
    if (interp == PyInterpreterState_Main()) {
        return 0;
    }
    PyObject *state = PyInterpreterState_GetDict(interp); /* borrowed */
    if (state == NULL) {
        return 0; /* no memory for it: CPython's own error will follow */
    }
    PyObject *self = PyDict_GetItemString(state, INTERPRETER_DICT_KEY); /* borrowed */
    if (self == NULL) {
        if (!is_import || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 4) {
            return 0;
        }
        return serve_subinterpreter(state, PyTuple_GET_ITEM(args, 3));
    }
    return Py_IS_TYPE(self, &importer_type) ? finish_ready_subinterpreter((pf_importer *)self) : 0;
}

/* watch_new_interpreters: registers audit_hook, once, when an extension
 * module that can start sub-interpreters is loaded (pf_native_prepare tells),
 * not before: while any audit hook is registered, CPython builds the
 * argument tuple of every audited event of every interpreter (Python/
 * sysmodule.c: sys_audit_tstate), which adds about 30 ns to each: id() takes
 * twice as long, sys._getframe(), open() and exec() a little longer. A hook
 * refused (by a Python audit hook vetoing "sys.addaudithook") leaves the
 * module usable; a sub-interpreter started then ends the process as before. */
static void watch_new_interpreters(void)
{
    static int watching;
    if (watching || !serving_subinterpreters) {
        return;
    }
    watching = 1;
    if (PySys_AddAuditHook(audit_hook, NULL) < 0) {
        PyErr_Clear();
    }
}

void pf_importer_serve_subinterpreters(int (*finish)(void))
{
    serving_subinterpreters = 1;
    finish_subinterpreter = finish;
}
