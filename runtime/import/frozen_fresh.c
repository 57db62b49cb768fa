/* frozen_fresh.c - the stdlib modules CPython carries frozen, imported
 * afresh while a program has turned CPython's frozen modules off; see
 * importer_internal.h. test.support's import_fresh_module() does that
 * (Lib/test/support/import_helper.py: frozen_modules(False) calls
 * _imp._override_frozen_modules_for_tests(-1)), so that python3 imports
 * `stat`, `os` or `importlib.util` from their source files; FrozenImporter
 * then declines them (Python/import.c: find_frozen answers
 * FROZEN_DISABLED), and a frozen program, whose payload does not hold
 * them (libpython has them), would find them nowhere. The importer then
 * serves CPython's own frozen code for them, as a module of the payload
 * (origin under the executable), which is what python3's source file
 * compiles to. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include "cpython311.h"

/* frozen_code: when libpython carries fullname frozen but FrozenImporter
 * declines it now (frozen modules turned off), its frozen code object (a
 * new reference), with *is_package set; else None; NULL with an exception.
 * _imp._frozen_module_names() lists only the three essential modules while
 * they are off (Python/import.c: is_essential_frozen_module), all of them
 * otherwise (the boot turns them on: use_frozen_modules), so the list
 * tells whether they are off; the code is read with them turned on
 * (_override_frozen_modules_for_tests(1)), then the setting is put back. */
static PyObject *frozen_code(PyObject *imp, PyObject *fullname, int *is_package)
{
    PyObject *now = PyObject_CallMethod(imp, "_frozen_module_names", NULL);
    int listed = now != NULL ? PySequence_Contains(now, fullname) : -1;
    if (listed != 0) {
        Py_XDECREF(now);
        return listed < 0 ? NULL : Py_NewRef(Py_None); /* FrozenImporter's to answer */
    }
    PyObject *on = PyObject_CallMethod(imp, "_override_frozen_modules_for_tests", "i", 1);
    PyObject *all = on != NULL ? PyObject_CallMethod(imp, "_frozen_module_names", NULL) : NULL;
    int frozen = all != NULL ? PySequence_Contains(all, fullname) : -1;
    PyObject *code =
        frozen > 0 ? PyObject_CallMethod(imp, "get_frozen_object", "O", fullname) : NULL;
    PyObject *package =
        code != NULL ? PyObject_CallMethod(imp, "is_frozen_package", "O", fullname) : NULL;
    int was_off = all != NULL && PyObject_Length(now) < PyObject_Length(all);
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyObject *back = on != NULL ? PyObject_CallMethod(imp, "_override_frozen_modules_for_tests",
                                                      "i", was_off ? -1 : 0)
                                : NULL;
    if (type != NULL) {
        PyErr_Restore(type, value, traceback);
    }
    Py_DECREF(now);
    Py_XDECREF(on);
    Py_XDECREF(all);
    if (back == NULL || type != NULL || frozen < 0 || (frozen > 0 && package == NULL)) {
        Py_XDECREF(back);
        Py_XDECREF(code);
        Py_XDECREF(package);
        return NULL;
    }
    Py_DECREF(back);
    if (frozen == 0 || !was_off) {
        Py_XDECREF(code);
        Py_XDECREF(package);
        return Py_NewRef(Py_None);
    }
    *is_package = package == Py_True;
    Py_DECREF(package);
    return code;
}

/* set_locations: spec.submodule_search_locations = [dir]. 0, or -1 with an
 * exception. */
static int set_locations(PyObject *spec, PyObject *dir)
{
    PyObject *locations = PyList_New(1);
    if (locations == NULL) {
        return -1;
    }
    PyList_SET_ITEM(locations, 0, Py_NewRef(dir));
    int rc = PyObject_SetAttrString(spec, "submodule_search_locations", locations);
    Py_DECREF(locations);
    return rc;
}

PyObject *pf_importer_frozen_spec(pf_importer *self, PyObject *fullname)
{
    PyObject *imp = PyImport_ImportModule("_imp");
    int is_package = 0;
    PyObject *code = imp != NULL ? frozen_code(imp, fullname, &is_package) : NULL;
    Py_XDECREF(imp);
    if (code == NULL || code == Py_None) {
        return code;
    }
    PyObject *dir = pf_importer_package_dir(self, fullname);
    PyObject *origin =
        dir != NULL ? PyUnicode_FromFormat("%U%s", dir, is_package ? "/__init__.py" : ".py") : NULL;
    PyObject *spec = NULL;
    if (origin != NULL &&
        pf_importer_fetch_attr(&self->module_spec_type, PF_PY_BOOTSTRAP, "ModuleSpec") == 0) {
        PyObject *args = Py_BuildValue("(OO)", fullname, (PyObject *)self);
        PyObject *kwargs = Py_BuildValue("{sOsOsO}", "origin", origin, "loader_state", code,
                                         "is_package", is_package ? Py_True : Py_False);
        spec = args != NULL && kwargs != NULL ? PyObject_Call(self->module_spec_type, args, kwargs)
                                              : NULL;
        Py_XDECREF(args);
        Py_XDECREF(kwargs);
    }
    if (spec != NULL && (PyObject_SetAttrString(spec, "has_location", Py_True) < 0 ||
                         (is_package && set_locations(spec, dir) < 0))) {
        Py_CLEAR(spec);
    }
    Py_XDECREF(dir);
    Py_XDECREF(origin);
    Py_DECREF(code);
    return spec;
}

PyObject *pf_importer_frozen_code(PyObject *spec)
{
    PyObject *state = PyObject_GetAttrString(spec, "loader_state");
    if (state != NULL && !PyCode_Check(state)) {
        Py_DECREF(state);
        return Py_NewRef(Py_None);
    }
    return state;
}
