/* subinterpreters.c - one importer per sub-interpreter: a process-wide audit
 * hook, registered only when an extension module able to start
 * sub-interpreters is loaded, gives each new sub-interpreter an importer of
 * its own at its first import and finishes its set-up once it is
 * initialised; see importer.h (pf_importer_serve_subinterpreters). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include <string.h>

#include "cpython311.h"
#include "importer.h"

static int serving_subinterpreters; /* pf_importer_serve_subinterpreters was called */
static int (*finish_subinterpreter)(void);

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
    pf_importer *self = pf_importer_new();
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
    int is_import = strcmp(event, PF_AUDIT_IMPORT) == 0;
    if (!is_import && strcmp(event, PF_AUDIT_EXEC) != 0) {
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
        if (!is_import || !PyTuple_Check(args) ||
            PyTuple_GET_SIZE(args) <= PF_AUDIT_IMPORT_META_PATH) {
            return 0;
        }
        return serve_subinterpreter(state, PyTuple_GET_ITEM(args, PF_AUDIT_IMPORT_META_PATH));
    }
    return Py_IS_TYPE(self, &pf_importer_type) ? finish_ready_subinterpreter((pf_importer *)self)
                                               : 0;
}

/* pf_importer_watch_new_interpreters: registers audit_hook, once, when an extension
 * module that can start sub-interpreters is loaded (pf_native_prepare tells),
 * not before: while any audit hook is registered, CPython builds the
 * argument tuple of every audited event of every interpreter (Python/
 * sysmodule.c: sys_audit_tstate), which adds about 30 ns to each: id() takes
 * twice as long, sys._getframe(), open() and exec() a little longer. A hook
 * refused (by a Python audit hook vetoing "sys.addaudithook") leaves the
 * module usable; a sub-interpreter started then ends the process as before. */
void pf_importer_watch_new_interpreters(void)
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
