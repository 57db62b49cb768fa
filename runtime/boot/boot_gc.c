/* boot_gc.c - the objects of the start-up moved out of the cyclic garbage
 * collector's way, invisibly to the program's gc calls.
 *
 * What the start-up makes (importlib's bootstrap and its classes, the
 * encodings, the standard streams, the payload's importer) lives until the
 * process ends, yet every full collection traverses it: the three at
 * finalisation (Python/pylifecycle.c: finalize_modules twice,
 * Python/pystate.c: interpreter_clear) and the program's own. gc.freeze()
 * (Modules/gcmodule.c: gc_freeze_impl, "for a program that allocates
 * long-lived objects early") moves every tracked object to the permanent
 * generation, which collections leave alone; this does that once the
 * start-up is over, then puts back what the program's run writes into and
 * what must die in those collections as under python3: the __main__ module
 * and its namespace (the program's globals are finalised at exit by the
 * first of them; frozen, that namespace would keep them alive for ever).
 * The other modules of the start-up are kept alive until finalisation
 * clears them (startup_modules below), so what a program hangs on them is
 * released at exit too.
 *
 * The permanent generation shows through gc.get_objects(),
 * gc.get_referrers() (neither looks into it), gc.get_freeze_count() and
 * gc.set_debug()'s reports: the first call of any of those, of gc.freeze()
 * or of gc.unfreeze() first undoes the move (gc.unfreeze()), puts gc's own
 * functions back, and then does what was asked, so a program that asks sees
 * what python3.11 shows.
 * What is left different: a start-up object that becomes cyclic garbage
 * (a class of the standard library's start-up modules, say) is never
 * collected, so an object of the program reachable only from it (an
 * attribute set on such a class) is not finalised at exit; and the start-up
 * modules' namespaces are cleared at exit (their names set to None, in
 * finalize_modules' order) where python3.11 frees some of them whole, by
 * collection, so a finaliser that runs then may see some of their globals
 * None; a start-up module the program deletes from sys.modules stays
 * alive. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "boot_internal.h"

/* The gc functions that look at the permanent generation or move objects
 * in or out of it, and set_debug (whose DEBUG_COLLECTABLE and DEBUG_STATS
 * report every object the exit collections free, the start-up's garbage
 * included under python3.11); each is replaced by a wrapper of the same
 * name and documentation until the first call of any of them. */
enum watched { GET_OBJECTS, GET_REFERRERS, GET_FREEZE_COUNT, SET_DEBUG, FREEZE, UNFREEZE };
static const char *const watched_names[] = {[GET_OBJECTS] = "get_objects",
                                            [GET_REFERRERS] = "get_referrers",
                                            [GET_FREEZE_COUNT] = "get_freeze_count",
                                            [SET_DEBUG] = "set_debug",
                                            [FREEZE] = "freeze",
                                            [UNFREEZE] = "unfreeze"};
#define WATCHED_COUNT (sizeof watched_names / sizeof watched_names[0])

/* The gc module and its functions as the wrappers found them (strong
 * references, kept until the process ends); thawed once undone. Main
 * interpreter only: a sub-interpreter has its own collector, never frozen. */
static PyObject *gc_module;
static PyObject *originals[WATCHED_COUNT];
static int thawed;

/* thaw: undoes the freeze (gc.unfreeze() moves the permanent generation into
 * the oldest one, where python3.11 keeps long-lived objects) and puts gc's
 * own functions back in its module. Returns 0, or -1 with an exception. */
static int thaw(void)
{
    if (thawed) {
        return 0;
    }
    thawed = 1;
    PyObject *unfreeze = originals[UNFREEZE];
    PyObject *none = PyObject_CallNoArgs(unfreeze);
    if (none == NULL) {
        return -1;
    }
    Py_DECREF(none);
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        if (PyObject_SetAttrString(gc_module, watched_names[i], originals[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

/* watched_call: the body of the wrapper of watched_names[i]. Thaws, then
 * calls gc's own function with the same arguments; returns its result (new
 * reference) or NULL with an exception. */
static PyObject *watched_call(size_t i, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (thaw() < 0) {
        return NULL;
    }
    return PyObject_Vectorcall(originals[i], args, (size_t)nargs, kwnames);
}

/* One C function per wrapper, so that each wrapper's __self__ is the gc
 * module, as for gc's own functions. */
#define WATCHED(i)                                                                                 \
    static PyObject *watched_##i(PyObject *gc, PyObject *const *args, Py_ssize_t nargs,            \
                                 PyObject *kwnames)                                                \
    {                                                                                              \
        (void)gc;                                                                                  \
        return watched_call(i, args, nargs, kwnames);                                              \
    }
WATCHED(0)
WATCHED(1)
WATCHED(2)
WATCHED(3)
WATCHED(4)
WATCHED(5)
static PyObject *(*const watched_functions[])(PyObject *, PyObject *const *, Py_ssize_t,
                                              PyObject *) = {watched_0, watched_1, watched_2,
                                                             watched_3, watched_4, watched_5};
_Static_assert(sizeof watched_functions / sizeof watched_functions[0] == WATCHED_COUNT,
               "one wrapper function per watched name");

/* The wrappers' definitions: names and documentation copied from gc's own
 * (so help() and __text_signature__ read the same). */
static PyMethodDef wrapper_defs[WATCHED_COUNT];

/* wrap_gc: replaces gc's watched functions by wrappers (module gc, the
 * same names). Returns 0, or -1 with an exception. */
static int wrap_gc(void)
{
    gc_module = PyImport_ImportModule("gc");
    if (gc_module == NULL) {
        return -1;
    }
    for (size_t i = 0; i < WATCHED_COUNT; i++) {
        originals[i] = PyObject_GetAttrString(gc_module, watched_names[i]);
        if (originals[i] == NULL) {
            return -1;
        }
        if (!PyCFunction_Check(originals[i])) {
            PyErr_Format(PyExc_TypeError, "gc.%s is not a built-in function", watched_names[i]);
            return -1;
        }
    }
    PyObject *module_name = PyModule_GetNameObject(gc_module);
    if (module_name == NULL) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < WATCHED_COUNT && rc == 0; i++) {
        PyMethodDef *own = ((PyCFunctionObject *)originals[i])->m_ml;
        wrapper_defs[i] =
            (PyMethodDef){watched_names[i], (PyCFunction)(void (*)(void))watched_functions[i],
                          METH_FASTCALL | METH_KEYWORDS, own->ml_doc};
        PyObject *wrapper = PyCFunction_NewEx(&wrapper_defs[i], gc_module, module_name);
        rc = wrapper == NULL ? -1 : PyObject_SetAttrString(gc_module, watched_names[i], wrapper);
        Py_XDECREF(wrapper);
    }
    Py_DECREF(module_name);
    return rc;
}

/* young_again: puts one tracked object of the permanent generation back
 * into the youngest generation (PyObject_GC_Track adds to generation 0;
 * Modules/gcmodule.c: PyObject_GC_Track, _PyObject_GC_TRACK). */
static void young_again(PyObject *object)
{
    if (object != NULL && PyObject_GC_IsTracked(object)) {
        PyObject_GC_UnTrack(object);
        PyObject_GC_Track(object);
    }
}

/* The modules the start-up imported but __main__ (a strong reference, kept
 * until the process ends), so that each is still alive when finalisation
 * clears the modules left alive (Python/pylifecycle.c: finalize_modules,
 * finalize_modules_clear_weaklist). Under python3.11, a module such as io
 * or encodings dies by reference count once sys.modules lets it go and its
 * namespace, in a cycle with its functions, is freed by the first exit
 * collection, which finalises what the program hung on it; frozen, that
 * cycle would never be collected. Kept alive, the namespace is cleared
 * instead, which releases the same objects. */
static PyObject *startup_modules;

/* keep_startup_modules: fills startup_modules from sys.modules. Returns 0,
 * or -1 with an exception. */
static int keep_startup_modules(void)
{
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    startup_modules = PyList_New(0);
    if (modules == NULL || startup_modules == NULL) {
        return -1;
    }
    PyObject *name, *module;
    Py_ssize_t pos = 0;
    while (PyDict_Next(modules, &pos, &name, &module)) {
        if (PyModule_Check(module) &&
            !(PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, "__main__") == 0)) {
            if (PyList_Append(startup_modules, module) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

int pf_boot_freeze_startup(void)
{
    if (wrap_gc() < 0 || keep_startup_modules() < 0) {
        return -1;
    }
    PyObject *freeze = originals[FREEZE];
    PyObject *none = PyObject_CallNoArgs(freeze);
    if (none == NULL) {
        return -1;
    }
    Py_DECREF(none);
    PyObject *main_module = PyImport_AddModule("__main__"); /* borrowed */
    if (main_module == NULL) {
        return -1;
    }
    young_again(main_module);
    young_again(PyModule_GetDict(main_module));
    return 0;
}
