/* importer.c - the built-in module _pyfreeze, the importer type's method
 * table, and pf_importer_install, which puts the main interpreter's
 * importer on sys.meta_path; see importer.h. The methods live in the files
 * of their protocols (importer_internal.h lists them). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer.h"
#include "importer_internal.h"

/* importer_reduce: __reduce__ of an importer: (_pyfreeze._importer, ()), so
 * pickle and copy give back the unpickling interpreter's importer, the one
 * object that loads the payload's modules there, as python3's loaders
 * (FileLoader: its name and path) pickle into an equal loader; a module's
 * __loader__ and __spec__ then pickle as python3's do. A new reference, or
 * NULL with an exception. */
static PyObject *importer_reduce(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    PyObject *module = PyImport_ImportModule(PF_IMPORTER_MODULE_NAME);
    PyObject *current = module != NULL ? PyObject_GetAttrString(module, "_importer") : NULL;
    Py_XDECREF(module);
    PyObject *reduced = current != NULL ? Py_BuildValue("(O())", current) : NULL;
    Py_XDECREF(current);
    return reduced;
}

/* current_importer: _pyfreeze._importer(): the current interpreter's
 * importer, found on sys.meta_path (a new reference), or NULL with
 * ImportError when there is none. */
static PyObject *current_importer(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    PyObject *meta_path = PySys_GetObject("meta_path"); /* borrowed */
    Py_ssize_t n = meta_path != NULL && PyList_Check(meta_path) ? PyList_GET_SIZE(meta_path) : 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *finder = PyList_GET_ITEM(meta_path, i);
        if (PyObject_TypeCheck(finder, &pf_importer_type)) {
            return Py_NewRef(finder);
        }
    }
    PyErr_SetString(PyExc_ImportError, "no pyfreeze importer on sys.meta_path");
    return NULL;
}

static PyMethodDef module_functions[] = {
    {"_importer", current_importer, METH_NOARGS,
     "_importer() -> the importer on this interpreter's sys.meta_path (unpickles one)"},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef importer_methods[] = {
    {"__reduce__", importer_reduce, METH_NOARGS,
     "__reduce__() -> (_pyfreeze._importer, ()): pickled by reference"},
    {"find_spec", (PyCFunction)(void (*)(void))pf_importer_find_spec, METH_VARARGS | METH_KEYWORDS,
     "find_spec(fullname, path=None, target=None) -> ModuleSpec or None"},
    {"create_module", (PyCFunction)pf_importer_create_module, METH_O,
     "create_module(spec) -> None (default module creation)"},
    {"exec_module", (PyCFunction)pf_importer_exec_module, METH_O,
     "exec_module(module): run the module's bytecode"},
    {"get_code", (PyCFunction)pf_importer_get_code, METH_O, "get_code(fullname) -> code object"},
    {"get_source", (PyCFunction)pf_importer_get_source, METH_O,
     "get_source(fullname) -> str or None"},
    {"is_package", (PyCFunction)pf_importer_is_package, METH_O, "is_package(fullname) -> bool"},
    {"get_filename", (PyCFunction)pf_importer_get_filename, METH_O,
     "get_filename(fullname) -> str"},
    {"get_data", (PyCFunction)pf_importer_get_data, METH_O,
     "get_data(path) -> bytes of a payload member"},
    {"get_resource_reader", (PyCFunction)pf_importer_get_resource_reader, METH_O,
     "get_resource_reader(fullname) -> TraversableResources or None"},
    {"_path_hook", (PyCFunction)pf_importer_path_hook, METH_O,
     "_path_hook(path) -> path entry finder for a directory under the executable"},
    {"iter_modules", (PyCFunction)(void (*)(void))pf_importer_iter_modules,
     METH_VARARGS | METH_KEYWORDS,
     "iter_modules(prefix='') -> list of (name, is_package) of the top-level modules"},
    {"_member_size", (PyCFunction)pf_importer_member_size, METH_O,
     "_member_size(rel): a file member's size in bytes, or None"},
    {"_members", (PyCFunction)pf_importer_members, METH_NOARGS,
     "_members() -> list of member paths relative to the executable"},
    {"_submodules", (PyCFunction)pf_importer_submodules, METH_O,
     "_submodules(package) -> list of module names directly inside package"},
    {"_libraries", (PyCFunction)pf_importer_libraries, METH_NOARGS,
     "_libraries() -> list of the bundled libraries' SONAMEs"},
    {"_load_library", (PyCFunction)pf_importer_load_library, METH_O,
     "_load_library(soname) -> True once loaded from memory, False if not bundled"},
    {"_native_path", (PyCFunction)pf_importer_native_path, METH_O,
     "_native_path(rel) -> the path dlopen() maps for packed extension module rel, or None"},
    {"invalidate_caches", (PyCFunction)pf_importer_invalidate_caches, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef importer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = PF_IMPORTER_MODULE_NAME,
    .m_doc = "pyfreeze's in-memory importer.",
    .m_size = -1,
    .m_methods = module_functions,
};

PyObject *pf_importer_module_init(void)
{
    /* Set here rather than in the type's definition (importer_object.c),
     * which would make that file depend on every file of methods. */
    pf_importer_type.tp_methods = importer_methods;
    if (PyType_Ready(&pf_importer_type) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&importer_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&pf_importer_type);
    if (PyModule_AddObject(module, "PayloadImporter", (PyObject *)&pf_importer_type) < 0) {
        Py_DECREF(&pf_importer_type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

PyObject *pf_importer_install(pf_payload *payload, const char *executable)
{
    if (pf_importer_set_process(payload, executable) < 0) {
        return NULL;
    }
    PyObject *module = PyImport_ImportModule(PF_IMPORTER_MODULE_NAME);
    if (module == NULL) {
        return NULL;
    }
    Py_DECREF(module);
    pf_importer *self = pf_importer_new();
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
