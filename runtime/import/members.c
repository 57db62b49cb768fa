/* members.c - the payload's members as the importer shows them: module
 * entries found by name, the paths they are seen at under the executable
 * (as zipimport shows archive members), their bytes and their code
 * objects; see importer_internal.h. Every lookup goes through the payload
 * index's hash table: no stat(), no open() per module. A member found
 * damaged ends the process (pf_damaged_exit). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include "importer_internal.h"

#include <string.h>

#include "cpython311.h"
#include "damaged.h"
#include "payload.h"

/* Room for "lib/" + a name + an extension; longer names are not in the
 * payload (the index rejects names over PF_MAX_NAME_SIZE). */
#define MEMBER_NAME_CAPACITY (PF_MAX_NAME_SIZE + 16)

/* The last part of "pkg.__init__": a name CPython's FileFinder resolves to
 * the package's own __init__.py as a plain module of its own. */
#define INIT_SUFFIX ".__init__"
#define INIT_SUFFIX_SIZE (sizeof INIT_SUFFIX - 1)

/* pf_importer_find_module: the module entry called name (a str). Returns 1 and
 * fills *entry when the payload has it, 0 when not, -1 with an exception.
 * "pkg.__init__" that the index does not name (a name built at run time:
 * astroid imports f"astroid.brain.{stem}" for each file of its brain
 * directory) is package pkg's entry seen as a plain module, as CPython's
 * FileFinder finds pkg/__init__.py under that name (Lib/importlib/
 * _bootstrap_external.py, FileFinder.find_spec). */
int pf_importer_find_module(pf_importer *self, PyObject *name, pf_entry *entry)
{
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(name, &size);
    if (utf8 == NULL) {
        return -1;
    }
    const pf_index *index = pf_payload_index(self->payload);
    if (pf_index_find(index, utf8, (size_t)size, entry)) {
        return PF_KIND_IS_MODULE(entry->kind) ? 1 : 0;
    }
    size_t base = (size_t)size - INIT_SUFFIX_SIZE;
    if ((size_t)size <= INIT_SUFFIX_SIZE ||
        memcmp(utf8 + base, INIT_SUFFIX, INIT_SUFFIX_SIZE) != 0 ||
        !pf_index_find(index, utf8, base, entry) || entry->kind != PF_KIND_PACKAGE) {
        return 0;
    }
    entry->kind = PF_KIND_MODULE;
    return 1;
}

/* pf_importer_require_module: as pf_importer_find_module, but a module the payload does
 * not hold is an ImportError naming it (as zipimport's loader raises). */
int pf_importer_require_module(pf_importer *self, PyObject *name, pf_entry *entry)
{
    int found = pf_importer_find_module(self, name, entry);
    if (found == 0) {
        PyErr_Format(PyExc_ImportError, "the frozen program does not contain module %R", name);
        return -1;
    }
    return found;
}

/* pf_importer_member_of: the file entry holding a module entry's data. Returns 1, or 0
 * for a namespace package (no file). The index was validated on open, so the
 * member number is in range and names a file entry. */
int pf_importer_member_of(pf_importer *self, const pf_entry *module, pf_entry *file)
{
    if (module->member == PF_NONE) {
        return 0;
    }
    pf_index_entry(pf_payload_index(self->payload), module->member, file);
    return 1;
}

/* pf_importer_member_path: "<executable>/X" for member "lib/X"; bytecode ".pyc" is
 * shown as ".py", the name python3 shows for the same source tree. */
PyObject *pf_importer_member_path(pf_importer *self, const pf_entry *file)
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

int pf_importer_entry_is_package(pf_importer *self, const pf_entry *module)
{
    pf_entry file;
    if (module->kind == PF_KIND_PACKAGE || module->kind == PF_KIND_NAMESPACE) {
        return 1;
    }
    if (module->kind != PF_KIND_EXTENSION || !pf_importer_member_of(self, module, &file)) {
        return 0;
    }
    const char *slash = memrchr(file.name, '/', file.name_size);
    const char *base = slash != NULL ? slash + 1 : file.name;
    size_t left = file.name_size - (size_t)(base - file.name);
    return left > 9 && memcmp(base, "__init__.", 9) == 0;
}

/* pf_importer_package_dir: "<executable>/a/b" for package a.b: its __path__ entry. */
PyObject *pf_importer_package_dir(pf_importer *self, PyObject *fullname)
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

/* pf_importer_module_origin: the module's __file__ (a new reference), or Py_None for a
 * namespace package. */
PyObject *pf_importer_module_origin(pf_importer *self, const pf_entry *module)
{
    pf_entry file;
    if (!pf_importer_member_of(self, module, &file)) {
        Py_RETURN_NONE;
    }
    return pf_importer_member_path(self, &file);
}

/* pf_importer_lookup_path: finds the file entry "lib/" + rel, where rel is the
 * UTF-8 name (relSize bytes) with an optional suffix. Returns 1 when found. */
int pf_importer_lookup_path(pf_importer *self, const char *rel, size_t relSize, const char *suffix,
                            pf_entry *file)
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

/* append_part: rel[0..*relSize) with part[0..partSize) appended as one
 * more path component, or with its last component removed for "..".
 * Returns 1, or 0 when ".." would leave the top or the result does not fit
 * in capacity bytes. */
static int append_part(char *rel, size_t *relSize, size_t capacity, const char *part,
                       size_t partSize)
{
    if (partSize == 0 || (partSize == 1 && part[0] == '.')) {
        return 1;
    }
    if (partSize == 2 && part[0] == '.' && part[1] == '.') {
        if (*relSize == 0) {
            return 0;
        }
        const char *slash = memrchr(rel, '/', *relSize);
        *relSize = slash != NULL ? (size_t)(slash - rel) : 0;
        return 1;
    }
    size_t sep = *relSize > 0 ? 1 : 0;
    if (*relSize + sep + partSize > capacity) {
        return 0;
    }
    if (sep) {
        rel[(*relSize)++] = '/';
    }
    memcpy(rel + *relSize, part, partSize);
    *relSize += partSize;
    return 1;
}

PyObject *pf_importer_path_text(PyObject *path)
{
    PyObject *fspath = PyOS_FSPath(path);
    PyObject *text =
        fspath != NULL && PyBytes_Check(fspath)
            ? PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(fspath), PyBytes_GET_SIZE(fspath))
            : Py_XNewRef(fspath);
    Py_XDECREF(fspath);
    return text;
}

int pf_importer_payload_rel(pf_importer *self, PyObject *path, char *rel, size_t capacity,
                            size_t *relSize)
{
    if (path == NULL || PyLong_Check(path)) {
        return 0; /* a descriptor, or no path at all */
    }
    PyObject *text = pf_importer_path_text(path);
    Py_ssize_t pathSize = 0, rootSize = 0;
    const char *utf8 =
        text != NULL && PyUnicode_Check(text) ? PyUnicode_AsUTF8AndSize(text, &pathSize) : NULL;
    const char *root = utf8 != NULL ? PyUnicode_AsUTF8AndSize(self->root, &rootSize) : NULL;
    int under = root != NULL && pathSize >= rootSize && memcmp(utf8, root, (size_t)rootSize) == 0 &&
                memchr(utf8, '\0', (size_t)pathSize) == NULL;
    *relSize = 0;
    for (Py_ssize_t at = rootSize; under && at < pathSize;) {
        const char *end = memchr(utf8 + at, '/', (size_t)(pathSize - at));
        size_t partSize = end != NULL ? (size_t)(end - (utf8 + at)) : (size_t)(pathSize - at);
        under = append_part(rel, relSize, capacity, utf8 + at, partSize);
        at += (Py_ssize_t)partSize + 1;
    }
    Py_XDECREF(text);
    PyErr_Clear(); /* a bad argument is the original function's to report */
    return under;
}

/* pf_importer_read_member: the bytes of file entry `file` as a new bytes object, or
 * NULL with a Python exception (no memory). A damaged frame ends the
 * process (pf_damaged_exit). */
PyObject *pf_importer_read_member(pf_importer *self, const pf_entry *file)
{
    const uint8_t *data;
    size_t size;
    pf_error err;
    int status = pf_payload_read(self->payload, file, &data, &size, &err);
    if (status != PF_OK) {
        pf_read_failed_exit(self->executable, file->name, file->name_size, status, err.message);
    }
    return PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
}

/* pf_importer_code_of_member: unmarshals a .pyc member (PEP 552 header, 16 bytes, then
 * marshal data) into a code object whose co_filename is `path`. The header's
 * magic must be this interpreter's: bytecode from another CPython would
 * crash the PVM. */
PyObject *pf_importer_code_of_member(pf_importer *self, const pf_entry *file, PyObject *path)
{
    const uint8_t *data;
    size_t size;
    pf_error err;
    /* Unmarshalling can collect garbage, whose finalizers may import: the
     * pin keeps data valid through their reads. */
    pf_payload_pin(self->payload);
    int status = pf_payload_read(self->payload, file, &data, &size, &err);
    if (status != PF_OK) {
        pf_read_failed_exit(self->executable, file->name, file->name_size, status, err.message);
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
    if (pf_importer_fetch_attr(&self->fix_co_filename, "_imp", PF_PY_IMP_FIX_CO_FILENAME) < 0) {
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
