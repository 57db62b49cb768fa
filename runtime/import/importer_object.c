/* importer_object.c - the importer object itself: its memory's lifecycle
 * (the cyclic GC's traverse and clear, dealloc), its repr and _root, its
 * type (pf_importer_type), and the process data every interpreter's
 * importer is made from (pf_importer_new); see importer_internal.h.
 *
 * Every interpreter has an importer of its own, holding only its own
 * interpreter's objects: the main one from pf_importer_install
 * (importer.c), each sub-interpreter's from subinterpreters.c. Only the
 * type and the payload are shared. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include "importer_internal.h"

#include <limits.h>
#include <string.h>

#include "importer.h"

/* What every interpreter's importer is made from: C data of the process,
 * set by pf_importer_set_process (from pf_importer_install), never Python
 * objects (those belong to one interpreter each). */
static pf_payload *process_payload;
static char process_executable[PATH_MAX];

int pf_importer_fetch_attr(PyObject **slot, const char *module, const char *name)
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

/* The importer takes part in reference cycles (its support module's
 * _importer, builtins.open bound to it, importlib functions whose globals
 * reach sys.meta_path), so it is collected by the cyclic GC. importer_clear
 * keeps root, which no cycle goes through and every method reads. */
static int importer_traverse(pf_importer *self, visitproc visit, void *arg)
{
    Py_VISIT(self->original_open);
    Py_VISIT(self->support_module);
    Py_VISIT(self->root_finder_type);
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
    Py_CLEAR(self->root_finder_type);
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

static PyObject *importer_repr(pf_importer *self)
{
    return PyUnicode_FromFormat("<pyfreeze importer for %R>", self->root);
}

static PyMemberDef importer_members_def[] = {
    {"_root", T_OBJECT_EX, offsetof(pf_importer, root), READONLY,
     "\"<executable>/\": the directory payload paths are seen under"},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject pf_importer_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = PF_IMPORTER_MODULE_NAME ".PayloadImporter",
    .tp_basicsize = sizeof(pf_importer),
    .tp_dealloc = (destructor)importer_dealloc,
    .tp_repr = (reprfunc)importer_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Meta path finder and loader for the modules in a frozen program's payload.",
    .tp_traverse = (traverseproc)importer_traverse,
    .tp_clear = (inquiry)importer_clear,
    .tp_free = PyObject_GC_Del,
    .tp_members = importer_members_def,
};

int pf_importer_set_process(pf_payload *payload, const char *executable)
{
    size_t size = strlen(executable);
    if (size >= sizeof process_executable) {
        PyErr_SetString(PyExc_OSError, "the executable's path is too long");
        return -1;
    }
    memcpy(process_executable, executable, size + 1);
    process_payload = payload;
    return 0;
}

pf_payload *pf_importer_process(const char **executable)
{
    *executable = process_executable;
    return process_payload;
}

/* pf_importer_new: an importer for the current interpreter, not yet on
 * sys.meta_path: a new reference, or NULL with an exception. The type must
 * be ready (pf_importer_module_init has run). */
pf_importer *pf_importer_new(void)
{
    PyObject *executable = PyUnicode_DecodeFSDefault(process_executable);
    PyObject *root = executable != NULL ? PyUnicode_FromFormat("%U/", executable) : NULL;
    Py_XDECREF(executable);
    pf_importer *self = root != NULL ? PyObject_GC_New(pf_importer, &pf_importer_type) : NULL;
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
