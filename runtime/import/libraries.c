/* libraries.c - the bundled shared libraries a program loads itself
 * (ctypes): the importer's _libraries(), _load_library(name) and
 * _native_path(rel) (a packed extension module given by path), which
 * support.py's ctypes patches call (support.py, patch_module), over the
 * native loader (native_loader.h); and pf_importer_patch_loaded, which has
 * those patches applied when ctypes is imported. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <string.h>

#include "damaged.h"
#include "native_loader.h"
#include "payload.h"

/* _libraries(): the SONAME of every bundled library ("libs/<SONAME>"
 * members, PF_KIND_LIBRARY), in index order. */
PyObject *pf_importer_libraries(pf_importer *self, PyObject *unused)
{
    (void)unused;
    const pf_index *index = pf_payload_index(self->payload);
    PyObject *list = PyList_New(0);
    for (uint32_t n = 0; list != NULL && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (e.kind != PF_KIND_LIBRARY || e.name_size <= PF_LIBS_DIR_SIZE ||
            memcmp(e.name, PF_LIBS_DIR, PF_LIBS_DIR_SIZE) != 0) {
            continue;
        }
        PyObject *name = PyUnicode_DecodeFSDefaultAndSize(
            e.name + PF_LIBS_DIR_SIZE, (Py_ssize_t)(e.name_size - PF_LIBS_DIR_SIZE));
        if (name == NULL || PyList_Append(list, name) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(name);
    }
    return list;
}

/* _load_library(name): loads bundled library name (a SONAME) from memory
 * with what it needs (pf_native_load_library), so that dlopen(name) returns
 * it: True; False when the payload does not bundle name. A library that
 * cannot be loaded raises OSError, as ctypes' own dlopen() failure does; a
 * damaged member ends the program (damaged.h). */
PyObject *pf_importer_load_library(pf_importer *self, PyObject *name)
{
    Py_ssize_t size;
    PyObject *bytes = PyUnicode_Check(name) ? PyUnicode_EncodeFSDefault(name) : NULL;
    if (bytes == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "_load_library() argument must be str");
        }
        return NULL;
    }
    const char *utf8 = PyBytes_AS_STRING(bytes);
    size = PyBytes_GET_SIZE(bytes);
    pf_error err;
    pf_error_clear(&err);
    int bundled = 0;
    int status = pf_native_load_library(self->payload, utf8, (size_t)size, &bundled, &err);
    if (status == PF_ERR_CORRUPT || status == PF_ERR_TRUNCATED) {
        char member[PF_LIBS_DIR_SIZE + PF_MAX_NAME_SIZE + 1];
        snprintf(member, sizeof member, PF_LIBS_DIR "%s", utf8);
        pf_damaged_exit(self->executable, member, strlen(member), err.message);
    }
    Py_DECREF(bytes);
    if (status != PF_OK) {
        PyErr_Format(PyExc_OSError, "cannot load bundled library %U: %s", name, err.message);
        return NULL;
    }
    return PyBool_FromLong(bundled);
}

/* _native_path(rel): the path dlopen() maps for the packed extension module
 * "lib/" + rel (a PF_KIND_NATIVE member, rel relative to the executable as
 * support.py _relative gives it), placed in memory as the importer places it
 * (pf_native_prepare: once per process, so an imported module and this give
 * the same path and glibc the same handle): a str "/proc/self/fd/N"; None
 * when rel names no native member. For ctypes.CDLL(ext.__file__)
 * (CPython's ctypes tests load _ctypes_test so), which cannot exist on
 * disk. A member that cannot be mapped raises OSError, as dlopen() failing
 * does in ctypes; a damaged one ends the program (damaged.h). */
PyObject *pf_importer_native_path(pf_importer *self, PyObject *rel)
{
    Py_ssize_t size;
    const char *utf8 = PyUnicode_Check(rel) ? PyUnicode_AsUTF8AndSize(rel, &size) : NULL;
    if (utf8 == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "_native_path() argument must be str");
        }
        return NULL;
    }
    pf_entry file;
    if (!pf_importer_lookup_path(self, utf8, (size_t)size, "", &file) ||
        file.kind != PF_KIND_NATIVE) {
        Py_RETURN_NONE;
    }
    char path[64];
    pf_error err;
    pf_error_clear(&err);
    int status =
        pf_importer_place_native(self->payload, self->executable, &file, path, sizeof path, &err);
    if (status != PF_OK) {
        PyErr_Format(PyExc_OSError, "cannot load %U from memory: %s", rel, err.message);
        return NULL;
    }
    return PyUnicode_DecodeFSDefault(path);
}

/* The modules whose functions find and open shared libraries by name
 * (CPython's Lib/ctypes/__init__.py: CDLL through _dlopen;
 * Lib/ctypes/util.py: find_library), which support.py patch_module adapts. */
static const char *const library_loading_modules[] = {"ctypes", "ctypes.util"};

/* has_native_code: whether the payload bundles any shared library or holds
 * an extension module (a path ctypes may be given, _native_path). */
static int has_native_code(pf_importer *self)
{
    const pf_index *index = pf_payload_index(self->payload);
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (e.kind == PF_KIND_LIBRARY || e.kind == PF_KIND_NATIVE) {
            return 1;
        }
    }
    return 0;
}

PyObject *pf_importer_patch_loaded(pf_importer *self, PyObject *name, PyObject *module)
{
    const char *utf8 = PyUnicode_AsUTF8(name);
    if (utf8 == NULL) {
        return NULL;
    }
    size_t k = 0;
    size_t count = sizeof library_loading_modules / sizeof *library_loading_modules;
    while (k < count && strcmp(utf8, library_loading_modules[k]) != 0) {
        k++;
    }
    if (k == count || !has_native_code(self)) {
        Py_RETURN_NONE;
    }
    PyObject *support = pf_importer_support(self); /* borrowed */
    if (support == NULL) {
        return NULL;
    }
    return PyObject_CallMethod(support, "patch_module", "OO", name, module);
}
