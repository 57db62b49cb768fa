/* import_warnings.c - the warnings for imports the walk cannot resolve,
 * and the notes for those it chooses not to follow, naming the importer's
 * file and line as a user reads them. Contracts in
 * module_graph_internal.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "module_graph_internal.h"

#include <stdio.h>
#include <string.h>

/* importer_file: how a warning names module idx's file: the script as the
 * user gave it, a path (relative to the working directory when below it),
 * or "<frozen NAME>" as CPython's tracebacks name frozen modules. */
static const char *importer_file(const resolver *r, size_t idx, char *buf, size_t size)
{
    const pfz_module *m = &r->g->modules[idx];
    if (idx == r->g->main && r->opts->script != NULL) {
        return r->opts->script;
    }
    if (m->origin != NULL) {
        return pfz_mg_display_path(r, m->origin);
    }
    snprintf(buf, size, "<frozen %s>", m->name);
    return buf;
}

/* wants_warning: counts an unresolved import and says whether to print it:
 * always for the program's own modules, for the stdlib's and collected
 * packages' only if verbose. */
static int wants_warning(resolver *r, size_t importer)
{
    r->g->unresolved++;
    if (importer == PFZ_NO_IMPORTER || r->opts->diag == NULL) {
        return 0;
    }
    const pfz_module *m = &r->g->modules[importer];
    return (!m->is_stdlib && !r->state[importer].collected) || r->opts->verbose;
}

int pfz_mg_warn_missing(resolver *r, const char *name, const char *why, size_t importer, int line,
                        pf_error *err)
{
    (void)err;
    if (!wants_warning(r, importer)) {
        return PF_OK;
    }
    char frozen[256];
    fprintf(r->opts->diag,
            "pyfreeze: warning: %s:%d: cannot find module '%s'%s%s (imported by %s); the frozen "
            "program will raise ImportError there if it runs this import\n",
            importer_file(r, importer, frozen, sizeof frozen), line, name,
            why != NULL && why[0] ? ": " : "", why != NULL ? why : "",
            r->g->modules[importer].name);
    return PF_OK;
}

int pfz_mg_warn_relative(resolver *r, const pfz_import *imp, const char *why, size_t importer,
                         pf_error *err)
{
    if (!wants_warning(r, importer)) {
        return PF_OK;
    }
    const char *name;
    int status = pfz_mg_utf8(imp->name, &name, "cannot read an import's name", err);
    if (status != PF_OK) {
        return status;
    }
    char frozen[256];
    int dots = imp->level < 64 ? imp->level : 64;
    const char *first = "";
    if (imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 0 &&
        PyUnicode_Check(PyTuple_GET_ITEM(imp->fromlist, 0))) {
        first = PyUnicode_AsUTF8(PyTuple_GET_ITEM(imp->fromlist, 0));
        PyErr_Clear();
    }
    fprintf(r->opts->diag,
            "pyfreeze: warning: %s:%d: cannot resolve 'from %.*s%s import %s%s': %s (in %s); the "
            "frozen program will raise ImportError there if it runs this import\n",
            importer_file(r, importer, frozen, sizeof frozen), imp->line, dots,
            "................................................................", name,
            first != NULL ? first : "",
            imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 1 ? ", ..." : "", why,
            r->g->modules[importer].name);
    return PF_OK;
}

int pfz_mg_note_skipped(resolver *r, int build_tool, const char *name, size_t importer, int line,
                        pf_error *err)
{
    (void)err;
    if (!r->opts->verbose || r->opts->diag == NULL) {
        return PF_OK;
    }
    const char *by = r->g->modules[importer].name;
    if (build_tool) {
        fprintf(r->opts->diag,
                "pyfreeze: note: not following %s's import of %s at line %d (a build or test "
                "tool; %s was packed by a collection rule); name it with --hidden-import if "
                "the program needs it\n",
                by, name, line, by);
    } else {
        fprintf(r->opts->diag,
                "pyfreeze: note: not following %s's import of %s in a function at line %d "
                "(a development tool); name it with --hidden-import if the program needs "
                "it\n",
                by, name, line);
    }
    return PF_OK;
}
