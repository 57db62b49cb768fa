/* file_system.c - the file-system layer over payload paths: builtins.open
 * (and io.open), os.open, os.stat, os.lstat, os.listdir, os.scandir,
 * os.access, os.statvfs and os.readlink, replaced so that paths under the
 * executable ("<executable>/X", str, bytes or os.PathLike; they cannot exist
 * on disk) are answered from the payload, read-only, and every other call
 * goes to the original unchanged; and the importer's path hook put first on
 * sys.path_hooks. Installed per interpreter by pf_importer_install_hooks
 * (importer.h; docs/third-party.md, "Files under the executable"). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <string.h>

#include "cpython311.h"
#include "damaged.h"
#include "importer.h"
#include "member_fd.h"

/* open_arg: argument `index` or keyword `name` of an open() call, or NULL
 * (borrowed). */
static PyObject *open_arg(PyObject *args, PyObject *kwargs, Py_ssize_t index, const char *name)
{
    if (PyTuple_GET_SIZE(args) > index) {
        return PyTuple_GET_ITEM(args, index);
    }
    return kwargs != NULL ? PyDict_GetItemString(kwargs, name) : NULL;
}

/* holder_importer: the importer a replacement's holder module (its
 * __self__, made by new_replacement) keeps, and the function replaced, both
 * borrowed; NULL with RuntimeError once the importer is finalised. */
static pf_importer *holder_importer(PyObject *holderModule, PyObject **original)
{
    PyObject *holder = PyModule_GetDict(holderModule); /* borrowed */
    pf_importer *self = (pf_importer *)PyDict_GetItemString(holder, "importer");
    *original = PyDict_GetItemString(holder, "original");
    if (self == NULL || *original == NULL || self->root == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "file function of a finalised frozen program");
        return NULL;
    }
    return self;
}

/* payload_is_directory: 1 when rel[0..relSize) is a directory of the payload, 0
 * otherwise (a file, nothing, or support.py failing: cleared). */
static int payload_is_directory(pf_importer *self, const char *rel, size_t relSize)
{
    PyObject *mod = pf_importer_support(self);
    PyObject *kind =
        mod != NULL ? PyObject_CallMethod(mod, "_kind", "s#", rel, (Py_ssize_t)relSize) : NULL;
    int directory = kind == Py_True;
    Py_XDECREF(kind);
    PyErr_Clear();
    return directory;
}

/* payload_open: builtins.open (and io.open), replaced; its self is a holder
 * module (new_replacement). A read-only open ("r", "rt", "rb") of a path
 * under the executable (a str, bytes or os.PathLike naming "<executable>/X",
 * resolved by pf_importer_payload_rel) that is a payload member returns
 * io.BytesIO over its bytes (with .name = the path as given), wrapped in
 * io.TextIOWrapper(encoding, errors, newline) for text modes, after the
 * "open" audit event io.open raises. Such paths cannot exist on disk (the
 * executable is a file, not a directory), so no real file is ever hidden;
 * a read-only open of such a path that names no member raises
 * FileNotFoundError, as for a missing file in an existing directory
 * (IsADirectoryError for a payload directory). Every
 * other call goes unchanged to the original open, adding no frame to its
 * tracebacks. */
static PyObject *payload_open(PyObject *holderModule, PyObject *args, PyObject *kwargs)
{
    PyObject *original;
    pf_importer *self = holder_importer(holderModule, &original);
    if (self == NULL) {
        return NULL;
    }
    PyObject *file = open_arg(args, kwargs, 0, "file");
    PyObject *mode = open_arg(args, kwargs, 1, "mode");
    const char *m = mode == NULL ? "r" : PyUnicode_Check(mode) ? PyUnicode_AsUTF8(mode) : NULL;
    int text = m != NULL && (strcmp(m, "r") == 0 || strcmp(m, "rt") == 0 || strcmp(m, "tr") == 0);
    int binary = m != NULL && (strcmp(m, "rb") == 0 || strcmp(m, "br") == 0);
    PyErr_Clear();
    char rel[PF_PAYLOAD_REL_CAPACITY];
    size_t relSize;
    if (!(text || binary) || !pf_importer_payload_rel(self, file, rel, sizeof rel, &relSize)) {
        return PyObject_Call(original, args, kwargs);
    }
    /* as io.FileIO raises it for python3's read-only open, found or not
     * (Modules/_io/fileio.c) */
    if (PySys_Audit("open", "Osi", file, "r", O_RDONLY | O_CLOEXEC) < 0) {
        return NULL;
    }
    pf_entry entry;
    if (!pf_importer_lookup_path(self, rel, relSize, "", &entry)) {
        /* as for a directory, or a missing file in a directory that
         * exists (not ENOTDIR) */
        errno = payload_is_directory(self, rel, relSize) ? EISDIR : ENOENT;
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

/* names_executable: 1 when path (str, bytes or os.PathLike) is the
 * executable's own path, "<executable>" with no slash after it; else 0. */
static int names_executable(pf_importer *self, PyObject *path)
{
    PyObject *text = pf_importer_path_text(path);
    PyObject *exe = text != NULL && PyUnicode_Check(text)
                        ? PyUnicode_Substring(self->root, 0, PyUnicode_GET_LENGTH(self->root) - 1)
                        : NULL;
    int same = exe != NULL && PyUnicode_Compare(text, exe) == 0;
    Py_XDECREF(exe);
    Py_XDECREF(text);
    PyErr_Clear();
    return same;
}

/* payload_os_call: os.stat, os.lstat, os.listdir, os.scandir, os.access,
 * os.statvfs and os.readlink, replaced (install_os_hooks); self is a
 * holder module (new_replacement) that also names the support.py function
 * ("support") and, for listdir and scandir, holds "lists" (they list
 * "<executable>" itself as the payload's top directory). A call whose path
 * (first argument or `path=`: str, bytes or an os.PathLike giving one) lies
 * under the executable ("<executable>/X", which cannot exist on disk;
 * pf_importer_payload_rel) and that gives no dir_fd is answered from the
 * payload by support.py (os_stat, os_listdir, os_scandir, os_access,
 * os_statvfs, os_readlink), so os.path.exists/isfile/isdir/getsize,
 * pathlib's exists/is_file/is_dir/iterdir/glob, glob, os.walk and
 * shutil.disk_usage see packed files and directories. Every other call
 * goes unchanged to the original, adding no frame to its tracebacks. */
static PyObject *payload_os_call(PyObject *holderModule, PyObject *args, PyObject *kwargs)
{
    PyObject *original;
    pf_importer *self = holder_importer(holderModule, &original);
    if (self == NULL) {
        return NULL;
    }
    PyObject *holder = PyModule_GetDict(holderModule); /* borrowed */
    PyObject *path = open_arg(args, kwargs, 0, "path");
    PyObject *dir_fd = kwargs != NULL ? PyDict_GetItemString(kwargs, "dir_fd") : NULL;
    char rel[PF_PAYLOAD_REL_CAPACITY];
    size_t relSize;
    /* "<executable>" itself only for a listing (sys.path's entry, listed by
     * importlib.metadata and pkg_resources as a directory of distributions,
     * as zipimport's archive is): stat() of it is the file */
    if (path == NULL || (dir_fd != NULL && dir_fd != Py_None) ||
        (!pf_importer_payload_rel(self, path, rel, sizeof rel, &relSize) &&
         !(PyDict_GetItemString(holder, "lists") != NULL && names_executable(self, path)))) {
        return PyObject_Call(original, args, kwargs);
    }
    PyObject *mod = pf_importer_support(self);
    PyObject *name = PyDict_GetItemString(holder, "support"); /* borrowed */
    PyObject *fn = mod != NULL && name != NULL ? PyObject_GetAttr(mod, name) : NULL;
    PyObject *result = NULL;
    if (fn != NULL) {
        /* (original, path, the other arguments) */
        PyObject *head = PyTuple_Pack(1, original);
        PyObject *full = head != NULL ? PySequence_Concat(head, args) : NULL;
        if (full != NULL && PyTuple_GET_SIZE(args) == 0 && kwargs != NULL) {
            /* path= given by keyword: positional for support.py */
            Py_SETREF(full, PyTuple_Pack(2, original, path));
            kwargs = PyDict_Copy(kwargs);
            if (kwargs == NULL || PyDict_DelItemString(kwargs, "path") < 0) {
                Py_CLEAR(full);
            }
        } else {
            Py_XINCREF(kwargs);
        }
        result = full != NULL ? PyObject_Call(fn, full, kwargs) : NULL;
        Py_XDECREF(kwargs);
        Py_XDECREF(full);
        Py_XDECREF(head);
        Py_DECREF(fn);
    }
    return result;
}

/* payload_os_open: os.open (posix.open), replaced; self is a holder module
 * (new_replacement). A read-only open (access mode O_RDONLY, neither O_TRUNC
 * nor O_TMPFILE) of a path under the executable (as payload_os_call takes
 * it, with no dir_fd) that is a payload member returns a real descriptor
 * (pf_member_fd_open: a sealed memfd holding its bytes, opened again with
 * the flags, non-inheritable as os.open's are); O_CREAT|O_EXCL of it raises
 * FileExistsError and O_DIRECTORY NotADirectoryError, as for a file on
 * disk, and a path that names nothing FileNotFoundError, as open() does;
 * each after the "open" audit event os.open raises. A payload directory
 * cannot be a descriptor (no memfd is a directory): that call, O_CREAT of a
 * missing file, a write and every other call go unchanged to the original
 * (for a path under the executable the kernel then says ENOTDIR), adding no
 * frame to its tracebacks. A damaged member ends the process. */
static PyObject *payload_os_open(PyObject *holderModule, PyObject *args, PyObject *kwargs)
{
    PyObject *original;
    pf_importer *self = holder_importer(holderModule, &original);
    if (self == NULL) {
        return NULL;
    }
    PyObject *path = open_arg(args, kwargs, 0, "path");
    PyObject *flagsArg = open_arg(args, kwargs, 1, "flags");
    PyObject *dir_fd = kwargs != NULL ? PyDict_GetItemString(kwargs, "dir_fd") : NULL;
    long flags = flagsArg != NULL && PyLong_Check(flagsArg) ? PyLong_AsLong(flagsArg) : -1;
    PyErr_Clear();
    char rel[PF_PAYLOAD_REL_CAPACITY];
    size_t relSize;
    pf_entry entry;
    if (flags < 0 || flags > INT_MAX || (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0 ||
        (flags & O_TMPFILE) == O_TMPFILE || /* holds O_DIRECTORY */
        (dir_fd != NULL && dir_fd != Py_None) ||
        !pf_importer_payload_rel(self, path, rel, sizeof rel, &relSize)) {
        return PyObject_Call(original, args, kwargs);
    }
    int found = pf_importer_lookup_path(self, rel, relSize, "", &entry);
    if (!found && ((flags & O_CREAT) != 0 || payload_is_directory(self, rel, relSize))) {
        return PyObject_Call(original, args, kwargs);
    }
    /* as python3's os.open raises it, found or not (Modules/posixmodule.c) */
    if (PySys_Audit("open", "OOi", path, Py_None, (int)flags | O_CLOEXEC) < 0) {
        return NULL;
    }
    if (!found || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) || (flags & O_DIRECTORY)) {
        /* as open() says; an existing file; a file, not a directory */
        errno = !found ? ENOENT : (flags & O_DIRECTORY) ? ENOTDIR : EEXIST;
        return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
    }
    int fd;
    pf_error err;
    int status = pf_member_fd_open(self->payload, &entry, (int)flags, &fd, &err);
    if (status == PF_ERR_IO) {
        return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
    }
    if (status != PF_OK) {
        pf_read_failed_exit(self->executable, entry.name, entry.name_size, status, err.message);
    }
    return PyLong_FromLong(fd);
}

/* The replacements, and the support.py function each calls (NULL: in C). */
static PyMethodDef payload_os_defs[] = {
    {"stat", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.stat, answering paths under the executable from the payload"},
    {"lstat", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.lstat, answering paths under the executable from the payload"},
    {"listdir", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.listdir, listing directories under the executable from the payload"},
    {"scandir", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.scandir, listing directories under the executable from the payload"},
    {"access", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.access, answering paths under the executable from the payload"},
    {"statvfs", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.statvfs, answering paths under the executable for the executable's file system"},
    {"readlink", (PyCFunction)(void (*)(void))payload_os_call, METH_VARARGS | METH_KEYWORDS,
     "os.readlink, answering paths under the executable from the payload"},
    {"open", (PyCFunction)(void (*)(void))payload_os_open, METH_VARARGS | METH_KEYWORDS,
     "os.open, opening payload files under the executable as memfds"},
};
static const char *const payload_os_support[] = {
    "os_stat",   "os_stat",    "os_listdir",  "os_scandir",
    "os_access", "os_statvfs", "os_readlink", NULL,
};

/* new_replacement: a function for `def` whose self is a new holder module
 * named holderName holding "importer" (self), "original" and, when given,
 * "support" (a support.py function's name) and "lists" (True); its
 * __module__ is moduleName. A module as self, so that inspect drops the
 * bound argument and pickle finds the function by name (moduleName.NAME),
 * as for posix's and _io's own. The original's doc, signature line
 * included, becomes def's, so help() and inspect.signature() show what
 * they show for python3 (a static string of CPython's). A new reference,
 * or NULL with an exception. */
static PyObject *new_replacement(pf_importer *self, PyMethodDef *def, PyObject *original,
                                 const char *holderName, const char *moduleName,
                                 const char *support, int lists)
{
    if (PyCFunction_Check(original)) {
        def->ml_doc = PF_PY_CFUNCTION_DOC(original);
    }
    PyObject *holderModule = PyModule_New(holderName);
    PyObject *holder = holderModule != NULL ? PyModule_GetDict(holderModule) : NULL; /* borrowed */
    PyObject *supportName = support != NULL ? PyUnicode_FromString(support) : NULL;
    PyObject *module = PyUnicode_FromString(moduleName);
    PyObject *replacement =
        holder != NULL && module != NULL && (support == NULL || supportName != NULL) &&
                PyDict_SetItemString(holder, "importer", (PyObject *)self) == 0 &&
                PyDict_SetItemString(holder, "original", original) == 0 &&
                (support == NULL || PyDict_SetItemString(holder, "support", supportName) == 0) &&
                (!lists || PyDict_SetItemString(holder, "lists", Py_True) == 0)
            ? PyCFunction_NewEx(def, holderModule, module)
            : NULL;
    Py_XDECREF(supportName);
    Py_XDECREF(module);
    Py_XDECREF(holderModule);
    return replacement;
}

/* install_os_hooks: replaces payload_os_defs' functions in the posix
 * module, before `os` copies them (`from posix import *`), and in `os` too
 * if it is already imported. importlib's own stat calls go through the
 * posix module as well; they never name a path under the executable (such
 * sys.path entries belong to the payload's path hook). A function the
 * posix module lacks, and any failure, leaves the original in place. */
static void install_os_hooks(pf_importer *self)
{
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
        PyObject *replacement =
            original != NULL
                ? new_replacement(self, &payload_os_defs[i], original, "posix", "posix",
                                  payload_os_support[i],
                                  strcmp(fn, "listdir") == 0 || strcmp(fn, "scandir") == 0)
                : NULL;
        if (replacement != NULL) {
            (void)PyObject_SetAttrString(modules[0], fn, replacement);
            PyObject *in_os = modules[1] != NULL ? PyObject_GetAttrString(modules[1], fn) : NULL;
            if (in_os == original) {
                (void)PyObject_SetAttrString(modules[1], fn, replacement);
            }
            Py_XDECREF(in_os);
        }
        PyErr_Clear();
        Py_XDECREF(replacement);
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
    /* __module__ "io" and __self__ a module named "io", as python3's open (_io's
     * PyModuleDef is named "io") */
    PyObject *replacement = new_replacement(self, &payload_open_def, open, "io", "io", NULL, 0);
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
