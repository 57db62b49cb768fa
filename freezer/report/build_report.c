/* build_report.c - the facts of one freeze as Python objects, handed to
 * build_report.py to render the build report and the SBOM; see
 * build_report.h. Only gathering is done here: every record the pipeline
 * keeps becomes a dict, every member's sizes are read back from the packed
 * payload with the runtime's reader, so the report describes exactly what
 * was packed. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "build_report.h"

#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "payload_reader.h"

/* Embedded at build time (cmake/embed_source.cmake). */
extern const char pfz_build_report_py[];
extern const size_t pfz_build_report_py_size;

/* put: d[key] = value, taking value's reference; a NULL value (a failed
 * build) or a failed store makes *bad 1. */
static void put(PyObject *d, const char *key, PyObject *value, int *bad)
{
    if (value == NULL || PyDict_SetItemString(d, key, value) < 0) {
        *bad = 1;
    }
    Py_XDECREF(value);
}

/* text: a str for s, None for NULL (a new reference, or NULL on error).
 * Paths and names may hold any bytes: the file system's decoding keeps
 * them (surrogateescape), json writes them escaped. */
static PyObject *text(const char *s)
{
    return s != NULL ? PyUnicode_DecodeFSDefault(s) : Py_NewRef(Py_None);
}

/* append: list.append(item), taking item's reference. */
static void append(PyObject *list, PyObject *item, int *bad)
{
    if (item == NULL || PyList_Append(list, item) < 0) {
        *bad = 1;
    }
    Py_XDECREF(item);
}

static const char *file_kind(uint32_t kind)
{
    switch (kind) {
    case PF_KIND_BYTECODE:
        return "bytecode";
    case PF_KIND_SOURCE:
        return "source";
    case PF_KIND_NATIVE:
        return "extension";
    case PF_KIND_LIBRARY:
        return "library";
    default:
        return "data";
    }
}

/* members: every file of the payload as {path, kind, size, compressed}:
 * size is its uncompressed bytes, compressed its share of its zstd frame's
 * compressed bytes in proportion to its size (inspect.h counts the same
 * way: frames are compressed whole). */
static PyObject *members(const uint8_t *src, size_t srcSize, pf_error *err)
{
    pf_payload *p = NULL;
    if (pf_payload_open(&p, src, srcSize, err) != PF_OK) {
        return NULL;
    }
    const pf_index *index = pf_payload_index(p);
    const pf_seek_table *table = pf_payload_seek_table(p);
    PyObject *list = PyList_New(0);
    int bad = list == NULL;
    for (uint32_t n = 0; !bad && n < index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind)) {
            continue;
        }
        const pf_frame *f = &table->frames[e.frame];
        unsigned long long share =
            f->decompressed_size != 0
                ? (unsigned long long)e.size * f->compressed_size / f->decompressed_size
                : 0;
        PyObject *d = PyDict_New();
        bad = d == NULL;
        if (!bad) {
            put(d, "path", PyUnicode_DecodeFSDefaultAndSize(e.name, e.name_size), &bad);
            put(d, "kind", PyUnicode_FromString(file_kind(e.kind)), &bad);
            put(d, "size", PyLong_FromUnsignedLong(e.size), &bad);
            put(d, "compressed", PyLong_FromUnsignedLongLong(share), &bad);
            put(d, "frame", PyLong_FromUnsignedLong(e.frame), &bad);
        }
        append(list, d, &bad);
    }
    pf_payload_close(p);
    if (bad) {
        Py_XDECREF(list);
        pf_error_set(err, PF_ERR_NOMEM, "out of memory listing the payload's members");
        return NULL;
    }
    return list;
}

static const char *module_kind(pfz_module_kind kind)
{
    switch (kind) {
    case PFZ_MODULE_SOURCE:
        return "module";
    case PFZ_MODULE_PACKAGE:
        return "package";
    case PFZ_MODULE_NAMESPACE:
        return "namespace";
    case PFZ_MODULE_EXTENSION:
        return "extension";
    case PFZ_MODULE_BUILTIN:
        return "builtin";
    default:
        return "frozen";
    }
}

/* one_module: graph module i as a dict: name, kind, member (its packed
 * file, None when nothing is packed), origin, stdlib, and what pulled it
 * in: importer with its file and line, or via (the rule). */
static PyObject *one_module(const pfz_graph *g, size_t i, const pfz_native_files *native, int *bad)
{
    const pfz_module *m = &g->modules[i];
    PyObject *d = PyDict_New();
    if (d == NULL) {
        *bad = 1;
        return NULL;
    }
    size_t nf = pfz_native_files_for_module(native, i);
    const char *member = m->kind == PFZ_MODULE_EXTENSION
                             ? (nf != SIZE_MAX ? native->files[nf].path : NULL)
                             : (m->pyc != NULL ? m->member_path : NULL);
    const pfz_module *by =
        m->importer != PFZ_NO_IMPORTER && m->importer < g->count ? &g->modules[m->importer] : NULL;
    put(d, "name", text(m->name), bad);
    put(d, "kind", PyUnicode_FromString(module_kind(m->kind)), bad);
    put(d, "member", text(member), bad);
    put(d, "origin", text(m->origin), bad);
    put(d, "stdlib", PyBool_FromLong(m->is_stdlib), bad);
    put(d, "main", PyBool_FromLong(i == g->main), bad);
    put(d, "importer", text(by != NULL ? by->name : NULL), bad);
    put(d, "importer_file", text(by != NULL ? by->origin : NULL), bad);
    put(d, "line", PyLong_FromLong(m->import_line), bad);
    put(d, "via", text(m->via), bad);
    return d;
}

/* graph_lists: facts["modules"], ["data"] and ["left_out_names"]. */
static void graph_lists(PyObject *facts, const pfz_graph *g, const pfz_native_files *native,
                        int *bad)
{
    PyObject *mods = PyList_New(0), *data = PyList_New(0), *left = PyList_New(0);
    for (size_t i = 0; mods != NULL && !*bad && i < g->count; i++) {
        append(mods, one_module(g, i, native, bad), bad);
    }
    for (size_t i = 0; data != NULL && !*bad && i < g->data_count; i++) {
        append(data,
               Py_BuildValue("{sNsN}", "member", text(g->data[i].member_path), "origin",
                             text(g->data[i].origin)),
               bad);
    }
    for (size_t i = 0; left != NULL && !*bad && i < g->left_out_count; i++) {
        append(left,
               Py_BuildValue("{sNsO}", "name", text(g->left_out[i].name), "excluded",
                             g->left_out[i].excluded ? Py_True : Py_False),
               bad);
    }
    put(facts, "modules", mods, bad);
    put(facts, "data", data, bad);
    put(facts, "left_out_names", left, bad);
}

static const char *lib_decision(pfz_lib_decision d)
{
    switch (d) {
    case PFZ_LIB_GLIBC:
        return "part of glibc or the stub's CPython: the target's own copy is used";
    case PFZ_LIB_MANYLINUX:
        return "on the manylinux policy list: every Linux has it";
    case PFZ_LIB_EXCLUDED:
        return "--exclude-library";
    case PFZ_LIB_RULE:
        return "the package rules leave it to the target";
    default:
        return "bundled";
    }
}

/* native_lists: facts["libraries"] (bundled: soname, member, origin, size,
 * needs) and ["libraries_left_out"] (soname, reason). */
static void native_lists(PyObject *facts, const pfz_native_files *native, int *bad)
{
    const pfz_native_result *deps = &native->deps;
    PyObject *libs = PyList_New(0), *skipped = PyList_New(0);
    for (size_t i = 0; libs != NULL && !*bad && i < deps->lib_count; i++) {
        const pfz_native_lib *l = &deps->libs[i];
        PyObject *needs = PyList_New(0);
        for (size_t k = 0; needs != NULL && k < l->need_count; k++) {
            append(needs, text(deps->libs[l->needs[k]].soname), bad);
        }
        PyObject *member = PyUnicode_FromFormat("libs/%s", l->soname);
        append(libs,
               Py_BuildValue("{sNsNsNsKsN}", "soname", text(l->soname), "member", member, "origin",
                             text(l->path), "size", (unsigned long long)l->size, "needs", needs),
               bad);
    }
    for (size_t i = 0; skipped != NULL && !*bad && i < deps->skipped_count; i++) {
        const pfz_native_skipped *k = &deps->skipped[i];
        PyObject *reason = k->rule_module != NULL
                               ? PyUnicode_FromFormat("%s: [modules.%s] target_libraries "
                                                      "(freezer/rules/packages.toml)",
                                                      lib_decision(k->decision), k->rule_module)
                               : PyUnicode_FromString(lib_decision(k->decision));
        append(skipped, Py_BuildValue("{sNsN}", "soname", text(k->soname), "reason", reason), bad);
    }
    put(facts, "libraries", libs, bad);
    put(facts, "libraries_left_out", skipped, bad);
}

/* note_dict: one record of the freeze's report as a dict of its fields. */
static PyObject *note_dict(const pfz_note *n)
{
    return Py_BuildValue("{sisNsNsNsisNsNsNsNsNsKsK}", "kind", (int)n->kind, "module",
                         text(n->module), "importer", text(n->importer), "file", text(n->file),
                         "line", n->line, "reason", text(n->reason), "names", text(n->names),
                         "distribution", text(n->distribution), "version", text(n->version),
                         "library", text(n->library), "count0", n->count[0], "count1", n->count[1]);
}

/* note_lists: facts["notes"]: every record, its kind a name build_report.py
 * knows (report.h pfz_note_kind). */
static void note_lists(PyObject *facts, const pfz_report *notes, int *bad)
{
    static const char *const kinds[] = {
        [PFZ_NOTE_MODULE_NOT_FOUND] = "not_found",
        [PFZ_NOTE_BAD_RELATIVE_IMPORT] = "bad_relative_import",
        [PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED] = "development_tool",
        [PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED] = "build_tool",
        [PFZ_NOTE_IMPORT_LEFT_OUT] = "left_out",
        [PFZ_NOTE_DISTRIBUTION_PACKED] = "distribution",
        [PFZ_NOTE_RULE_NOT_FOLLOWED] = "rule",
    };
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list != NULL && notes != NULL && !*bad && i < notes->note_count; i++) {
        const pfz_note *n = &notes->notes[i];
        size_t k = (size_t)n->kind;
        if (k >= sizeof kinds / sizeof kinds[0] || kinds[k] == NULL) {
            continue; /* warnings about the build itself, not the program */
        }
        PyObject *d = note_dict(n);
        if (d != NULL) {
            put(d, "kind", PyUnicode_FromString(kinds[k]), bad);
        }
        append(list, d, bad);
    }
    put(facts, "notes", list, bad);
}

/* floor_dict: the glibc floor: version text ("2.17", None when nothing
 * needs a versioned glibc symbol), symbol and file. */
static PyObject *floor_dict(const pfz_glibc_floor *f)
{
    const pfz_glibc_version *v = &f->need.version;
    PyObject *version = NULL;
    if (v->patch != 0) {
        version = PyUnicode_FromFormat("%u.%u.%u", v->major, v->minor, v->patch);
    } else if (v->major != 0 || v->minor != 0) {
        version = PyUnicode_FromFormat("%u.%u", v->major, v->minor);
    } else {
        version = Py_NewRef(Py_None);
    }
    return Py_BuildValue("{sNsNsNsN}", "version", version, "symbol",
                         text(version != Py_None ? f->need.symbol : NULL), "file", text(f->file),
                         "source", text(f->source));
}

/* facts_dict: every fact as one dict for build_report.py's render. */
static PyObject *facts_dict(const pfz_build_facts *f, pf_error *err)
{
    PyObject *mlist = members(f->payload, f->payload_size, err);
    if (mlist == NULL) {
        return NULL;
    }
    PyObject *d = PyDict_New();
    int bad = d == NULL;
    if (!bad) {
        put(d, "schema", PyUnicode_FromString(PFZ_REPORT_SCHEMA), &bad);
        put(d, "pyfreeze_version", PyUnicode_FromString(PYFREEZE_VERSION), &bad);
        put(d, "output", text(f->output), &bad);
        put(d, "script", text(f->script), &bad);
        put(d, "module", text(f->module), &bad);
        put(d, "stub", text(f->stub), &bad);
        put(d, "pvm_versions", text(f->pvm_versions), &bad);
        put(d, "system_root", text(f->system_root != NULL ? f->system_root : "/"), &bad);
        put(d, "payload_size", PyLong_FromSize_t(f->payload_size), &bad);
        put(d, "members", Py_NewRef(mlist), &bad);
        put(d, "glibc_floor", floor_dict(f->floor), &bad);
        graph_lists(d, f->graph, f->native, &bad);
        native_lists(d, f->native, &bad);
        note_lists(d, f->notes, &bad);
    }
    Py_DECREF(mlist);
    if (bad) {
        Py_XDECREF(d);
        PyErr_Clear();
        pf_error_set(err, PF_ERR_NOMEM, "out of memory gathering the build report");
        return NULL;
    }
    return d;
}

/* py_failed: the pending Python exception as PF_ERR_PYTHON naming what. */
static int py_failed(const char *what, pf_error *err)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *s = value != NULL ? PyObject_Str(value) : NULL;
    const char *msg = s != NULL ? PyUnicode_AsUTF8(s) : NULL;
    int rc = pf_error_set(err, PF_ERR_PYTHON, "%s: %s", what, msg != NULL ? msg : "unknown error");
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return rc;
}

/* take_text: *dst = a malloc'd copy of str s's UTF-8 (None: NULL). */
static int take_text(PyObject *s, char **dst, size_t *size, pf_error *err)
{
    if (s == Py_None) {
        return PF_OK;
    }
    Py_ssize_t n;
    const char *utf8 = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
    if (utf8 == NULL) {
        return py_failed("build_report.py returned no text", err);
    }
    *dst = malloc((size_t)n + 1);
    if (*dst == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory keeping the build report");
    }
    memcpy(*dst, utf8, (size_t)n + 1);
    *size = (size_t)n;
    return PF_OK;
}

/* render: runs build_report.py's render(facts, json, html, sbom), which
 * returns a tuple of three str or None. */
static PyObject *render(PyObject *facts, unsigned which, pf_error *err)
{
    PyObject *ns = PyDict_New();
    if (ns == NULL || PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) < 0) {
        Py_XDECREF(ns);
        py_failed("cannot start build_report.py", err);
        return NULL;
    }
    PyObject *code =
        Py_CompileString(pfz_build_report_py, "<pyfreeze build_report.py>", Py_file_input);
    PyObject *done = code != NULL ? PyEval_EvalCode(code, ns, ns) : NULL;
    PyObject *fn = done != NULL ? PyDict_GetItemString(ns, "render") : NULL; /* borrowed */
    PyObject *out =
        fn != NULL ? PyObject_CallFunction(fn, "Oiii", facts, !!(which & PFZ_REPORT_JSON),
                                           !!(which & PFZ_REPORT_HTML), !!(which & PFZ_REPORT_SBOM))
                   : NULL;
    Py_XDECREF(done);
    Py_XDECREF(code);
    Py_DECREF(ns);
    if (out == NULL || !PyTuple_Check(out) || PyTuple_GET_SIZE(out) != 3) {
        Py_XDECREF(out);
        py_failed("cannot make the build report", err);
        return NULL;
    }
    return out;
}

int pfz_build_report_make(const pfz_build_facts *facts, unsigned which, pfz_build_report *out,
                          pf_error *err)
{
    memset(out, 0, sizeof *out);
    PyObject *f = facts_dict(facts, err);
    if (f == NULL) {
        return err != NULL && err->status != PF_OK ? err->status : PF_ERR_NOMEM;
    }
    PyObject *docs = render(f, which, err);
    Py_DECREF(f);
    if (docs == NULL) {
        return PF_ERR_PYTHON;
    }
    int rc = take_text(PyTuple_GET_ITEM(docs, 0), &out->json, &out->json_size, err);
    if (rc == PF_OK) {
        rc = take_text(PyTuple_GET_ITEM(docs, 1), &out->html, &out->html_size, err);
    }
    if (rc == PF_OK) {
        rc = take_text(PyTuple_GET_ITEM(docs, 2), &out->sbom, &out->sbom_size, err);
    }
    Py_DECREF(docs);
    return rc;
}

void pfz_build_report_free(pfz_build_report *r)
{
    if (r == NULL) {
        return;
    }
    free(r->json);
    free(r->html);
    free(r->sbom);
    memset(r, 0, sizeof *r);
}
