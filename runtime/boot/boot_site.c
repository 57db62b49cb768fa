/* boot_site.c - what the boot sets in an initialised interpreter where
 * python3 would have it from `site` or its path configuration, and
 * python3 -i's interactive session; see boot_internal.h.
 *
 * The __file__ of CPython's frozen modules under sys._stdlib_dir, the
 * builtins `site` adds, sys.flags.no_site, the traceback hooks of programs
 * packed with their sources (printed through Lib/traceback.py, which finds
 * source lines inside the executable), and sys.__interactivehook__ with the
 * session it starts. Each follows CPython 3.11's own code, named at each
 * function; the private names it relies on are in cpython311.h. boot.c
 * decides which of them runs where: finish_init for the main interpreter,
 * finish_subinterpreter for sub-interpreters. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h> /* PyMemberDef: sys.flags field names */

#include "boot_internal.h"

#include <string.h>

#include "cpython311.h"

/* frozen_module_file: root + origname as a path + ".py" (or
 * "/__init__.py" for a package): the __file__ FrozenImporter gives a frozen
 * stdlib module (Lib/importlib/_bootstrap.py: _resolve_filename). */
static PyObject *frozen_module_file(PyObject *root, PyObject *origname, int is_package)
{
    PyObject *dot = PyUnicode_FromString(".");
    PyObject *slash = PyUnicode_FromString("/");
    PyObject *rel = dot && slash ? PyUnicode_Replace(origname, dot, slash, -1) : NULL;
    PyObject *file =
        rel ? PyUnicode_FromFormat("%U/%U%s", root, rel, is_package ? "/__init__.py" : ".py")
            : NULL;
    Py_XDECREF(dot);
    Py_XDECREF(slash);
    Py_XDECREF(rel);
    return file;
}

int pf_boot_set_stdlib_dir(const struct boot *b)
{
    PyObject *root = PyUnicode_DecodeFSDefault(b->executable);
    if (root == NULL || PySys_SetObject(PF_PY_SYS_STDLIB_DIR, root) < 0) {
        Py_XDECREF(root);
        return -1;
    }
    PyObject *items = PyDict_Items(PyImport_GetModuleDict());
    int rc = items != NULL ? 0 : -1;
    for (Py_ssize_t i = 0; rc == 0 && i < PyList_GET_SIZE(items); i++) {
        PyObject *name = PyTuple_GET_ITEM(PyList_GET_ITEM(items, i), 0);
        PyObject *module = PyTuple_GET_ITEM(PyList_GET_ITEM(items, i), 1);
        /* the module's dict, not hasattr: a miss there costs an AttributeError
         * made and cleared per module (0.2 M instructions of hello world's
         * 21 M), and no module at this point has a __getattr__ (PEP 562) */
        PyObject *names = PyModule_Check(module) ? PyModule_GetDict(module) : NULL;
        if (names == NULL || PyDict_GetItemString(names, "__file__") != NULL ||
            PyUnicode_CompareWithASCIIString(name, PF_PY_BOOTSTRAP) == 0) {
            continue;
        }
        PyObject *spec = PyObject_GetAttrString(module, "__spec__");
        PyObject *origin = spec ? PyObject_GetAttrString(spec, "origin") : NULL;
        PyObject *state = origin && PyUnicode_Check(origin) &&
                                  PyUnicode_CompareWithASCIIString(origin, PF_PY_FROZEN_ORIGIN) == 0
                              ? PyObject_GetAttrString(spec, "loader_state")
                              : NULL;
        PyObject *origname =
            state ? PyObject_GetAttrString(state, PF_PY_FROZEN_STATE_ORIGNAME) : NULL;
        PyErr_Clear(); /* a module without these attributes is simply skipped */
        if (origname != NULL && PyUnicode_Check(origname)) {
            PyObject *file =
                frozen_module_file(root, origname, PyDict_GetItemString(names, "__path__") != NULL);
            /* the loader state too, as FrozenImporter keeps them in step
             * (Lib/importlib/_bootstrap.py: _fix_up_module checks it) */
            if (file == NULL || PyObject_SetAttrString(module, "__file__", file) < 0 ||
                PyObject_SetAttrString(state, PF_PY_FROZEN_STATE_FILENAME, file) < 0) {
                rc = -1;
            }
            Py_XDECREF(file);
        }
        Py_XDECREF(origname);
        Py_XDECREF(state);
        Py_XDECREF(origin);
        Py_XDECREF(spec);
    }
    Py_XDECREF(items);
    Py_DECREF(root);
    return rc;
}

/* new_printer: a _sitebuiltins._Printer(name, data) made without running
 * its __init__, which imports os only to build file names for license();
 * the frozen program has no such files. The attributes are the ones
 * _Printer.__init__ sets in CPython 3.11 (Lib/_sitebuiltins.py). */
static PyObject *new_printer(PyObject *printer_type, const char *name, PyObject *data)
{
    PyObject *self = PyObject_CallMethod(printer_type, "__new__", "O", printer_type);
    PyObject *files = self ? PyList_New(0) : NULL;
    PyObject *text = data ? Py_NewRef(data) : NULL;
    /* a reference of our own: PyObject_SetAttrString does not take it, and
     * given NULL (no memory) it would delete the attribute instead */
    PyObject *name_text = files ? PyUnicode_FromString(name) : NULL;
    if (files == NULL || text == NULL || name_text == NULL ||
        PyObject_SetAttrString(self, PF_PY_PRINTER_NAME, name_text) < 0 ||
        PyObject_SetAttrString(self, PF_PY_PRINTER_DATA, text) < 0 ||
        PyObject_SetAttrString(self, PF_PY_PRINTER_LINES, Py_None) < 0 ||
        PyObject_SetAttrString(self, PF_PY_PRINTER_FILENAMES, files) < 0) {
        Py_CLEAR(self);
    }
    Py_XDECREF(name_text);
    Py_XDECREF(files);
    Py_XDECREF(text);
    return self;
}

int pf_boot_add_site_builtins(void)
{
    static const char credits[] =
        "    Thanks to CWI, CNRI, BeOpen.com, Zope Corporation and a cast of thousands\n"
        "    for supporting Python development.  See www.python.org for more information.";
    PyObject *sb = PyImport_ImportModule("_sitebuiltins");
    PyObject *builtins = PyImport_ImportModule("builtins");
    PyObject *printer = sb ? PyObject_GetAttrString(sb, "_Printer") : NULL;
    PyObject *copyright = PySys_GetObject("copyright"); /* borrowed */
    PyObject *credits_text = PyUnicode_FromString(credits);
    PyObject *license_text = PyUnicode_FromString("See https://www.python.org/psf/license/");
    int rc = -1;
    if (printer != NULL && builtins != NULL && copyright != NULL && credits_text != NULL &&
        license_text != NULL) {
        struct {
            const char *name;
            PyObject *value;
        } items[] = {
            {"quit", PyObject_CallMethod(sb, "Quitter", "ss", "quit", "Ctrl-D (i.e. EOF)")},
            {"exit", PyObject_CallMethod(sb, "Quitter", "ss", "exit", "Ctrl-D (i.e. EOF)")},
            {"copyright", new_printer(printer, "copyright", copyright)},
            {"credits", new_printer(printer, "credits", credits_text)},
            {"license", new_printer(printer, "license", license_text)},
            {"help", PyObject_CallMethod(sb, "_Helper", NULL)},
        };
        rc = 0;
        for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
            if (rc == 0 && (items[i].value == NULL ||
                            PyObject_SetAttrString(builtins, items[i].name, items[i].value) < 0)) {
                rc = -1;
            }
            Py_XDECREF(items[i].value);
        }
    }
    Py_XDECREF(credits_text);
    Py_XDECREF(license_text);
    Py_XDECREF(printer);
    Py_XDECREF(sb);
    Py_XDECREF(builtins);
    return rc;
}

/* print_exception: traceback.print_exception(exc_type, value, tb,
 * file=file), then file.flush(), as Lib/traceback.py prints (through
 * linecache, which asks a module's loader for its source: the payload's
 * get_source). If that fails (traceback cannot be imported, or raises),
 * CPython's own printer is used instead (Python/pythonrun.c:
 * _PyErr_Display), as it would have been. Returns nothing; clears errors. */
static void print_exception(PyObject *exc_type, PyObject *value, PyObject *tb, PyObject *file)
{
    PyObject *traceback = PyImport_ImportModule("traceback");
    PyObject *print = traceback ? PyObject_GetAttrString(traceback, "print_exception") : NULL;
    PyObject *args = print ? PyTuple_Pack(3, exc_type, value, tb) : NULL;
    PyObject *kwargs = args ? Py_BuildValue("{s:O}", "file", file) : NULL;
    PyObject *result = kwargs ? PyObject_Call(print, args, kwargs) : NULL;
    if (result == NULL) {
        PyErr_Clear();
        PyErr_Display(exc_type, value, tb);
    }
    Py_XDECREF(result);
    Py_XDECREF(kwargs);
    Py_XDECREF(args);
    Py_XDECREF(print);
    Py_XDECREF(traceback);
    result = PyObject_CallMethod(file, "flush", NULL);
    Py_XDECREF(result);
    PyErr_Clear();
}

/* source_excepthook: sys.excepthook(type, value, traceback) for programs
 * with sources: prints as sys.__excepthook__ does (Python/sysmodule.c:
 * sys_excepthook_impl -> PyErr_Display: nothing when sys.stderr is None)
 * but through Lib/traceback.py, so each frame shows its source line and
 * 3.11's position markers. CPython's own printer
 * (Python/traceback.c: _Py_DisplaySourceLine) opens the file by path and
 * would find nothing inside the executable. Returns None. */
static PyObject *source_excepthook(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "excepthook expected 3 arguments, got %zd", nargs);
        return NULL;
    }
    PyObject *file = PySys_GetObject("stderr"); /* borrowed */
    if (file != NULL && file != Py_None) {
        print_exception(args[0], args[1], args[2], file);
    }
    Py_RETURN_NONE;
}

/* source_thread_excepthook: threading.excepthook(args) for programs with
 * sources; writes what _thread._excepthook writes (Modules/_threadmodule.c:
 * thread_excepthook, thread_excepthook_file; Lib/threading.py's fallback
 * says the same in Python): nothing for SystemExit, else "Exception in
 * thread NAME:" and the traceback, to sys.stderr or, when that is None, to
 * the stderr the thread started with. Returns None. */
static PyObject *source_thread_excepthook(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *exc_type = PyObject_GetAttrString(args, "exc_type");
    PyObject *value = exc_type ? PyObject_GetAttrString(args, "exc_value") : NULL;
    PyObject *tb = value ? PyObject_GetAttrString(args, "exc_traceback") : NULL;
    PyObject *thread = tb ? PyObject_GetAttrString(args, "thread") : NULL;
    PyObject *file = NULL, *name = NULL, *result = NULL;
    if (thread == NULL) {
        goto done;
    }
    if (exc_type == PyExc_SystemExit) {
        result = Py_NewRef(Py_None); /* silently ignored */
        goto done;
    }
    file = Py_XNewRef(PySys_GetObject("stderr"));
    if ((file == NULL || file == Py_None) && thread != Py_None) {
        Py_XDECREF(file);
        file = PyObject_GetAttrString(thread, "_stderr");
        if (file == NULL) {
            goto done;
        }
    }
    if (file == NULL || file == Py_None) {
        result = Py_NewRef(Py_None); /* nowhere to print */
        goto done;
    }
    name = thread != Py_None ? PyObject_GetAttrString(thread, "name")
                             : PyUnicode_FromFormat("%lu", PyThread_get_thread_ident());
    if (name == NULL || PyFile_WriteString("Exception in thread ", file) < 0 ||
        PyFile_WriteObject(name, file, Py_PRINT_RAW) < 0 || PyFile_WriteString(":\n", file) < 0) {
        goto done;
    }
    PyObject *flushed = PyObject_CallMethod(file, "flush", NULL);
    Py_XDECREF(flushed);
    PyErr_Clear();
    print_exception(exc_type, value, tb, file);
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(name);
    Py_XDECREF(file);
    Py_XDECREF(thread);
    Py_XDECREF(tb);
    Py_XDECREF(value);
    Py_XDECREF(exc_type);
    return result;
}

static PyMethodDef source_excepthook_def = {
    "excepthook", (PyCFunction)(void (*)(void))source_excepthook, METH_FASTCALL,
    "Print an exception with its source lines."};
static PyMethodDef source_thread_excepthook_def = {
    "_excepthook", (PyCFunction)(void (*)(void))source_thread_excepthook, METH_O,
    "Print a thread's uncaught exception with its source lines."};

int pf_boot_install_source_hooks(void)
{
    PyObject *hook = PyCFunction_New(&source_excepthook_def, NULL);
    PyObject *thread_hook = hook ? PyCFunction_New(&source_thread_excepthook_def, NULL) : NULL;
    PyObject *thread_module = thread_hook ? PyImport_ImportModule("_thread") : NULL;
    int rc = thread_module != NULL && PySys_SetObject("excepthook", hook) == 0 &&
                     PyObject_SetAttrString(thread_module, "_excepthook", thread_hook) == 0
                 ? 0
                 : -1;
    Py_XDECREF(thread_module);
    Py_XDECREF(thread_hook);
    Py_XDECREF(hook);
    return rc;
}

int pf_boot_set_interactive_hook(void)
{
    PyObject *site = PyImport_ImportModule("site");
    PyObject *result = site ? PyObject_CallMethod(site, "enablerlcompleter", NULL) : NULL;
    Py_XDECREF(site);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

int pf_boot_set_no_site_flag(int no_site)
{
    PyObject *flags = PySys_GetObject("flags"); /* borrowed */
    if (flags == NULL || !PyTuple_Check(flags)) {
        return 0; /* nothing to mend */
    }
    PyTypeObject *type = Py_TYPE(flags);
    Py_ssize_t field = -1;
    for (Py_ssize_t i = 0; type->tp_members != NULL && type->tp_members[i].name != NULL; i++) {
        if (strcmp(type->tp_members[i].name, "no_site") == 0) {
            field = i;
        }
    }
    if (field < 0 || field >= PyTuple_GET_SIZE(flags)) {
        return 0;
    }
    PyObject *copy = PyStructSequence_New(type);
    if (copy == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(flags); i++) {
        PyObject *v = i == field ? PyLong_FromLong(no_site) : Py_NewRef(PyTuple_GET_ITEM(flags, i));
        if (v == NULL) {
            Py_DECREF(copy);
            return -1;
        }
        PyStructSequence_SetItem(copy, i, v);
    }
    int rc = PySys_SetObject("flags", copy);
    Py_DECREF(copy);
    return rc;
}

int pf_boot_run_interactive(void)
{
    PF_PY_SET_INSPECT(0);
    PyObject *hook = PySys_GetObject("__interactivehook__"); /* borrowed */
    if (hook != NULL) {
        PyObject *result =
            PySys_Audit(PF_AUDIT_RUN_INTERACTIVEHOOK, PF_AUDIT_RUN_INTERACTIVEHOOK_ARGS, hook) < 0
                ? NULL
                : PyObject_CallNoArgs(hook);
        if (result == NULL) {
            PySys_WriteStderr("Failed calling sys.__interactivehook__\n");
            PyErr_Print(); /* exits on SystemExit, as pymain_err_print does */
        }
        Py_XDECREF(result);
    }
    PyCompilerFlags cf = PF_PY_COMPILER_FLAGS_INIT;
    return PyRun_AnyFileFlags(stdin, "<stdin>", &cf) != 0;
}
