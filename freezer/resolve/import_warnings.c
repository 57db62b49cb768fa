/* import_warnings.c - the records (report.h) for imports the walk cannot
 * resolve or chooses not to follow, naming the importer's file and line as
 * a user reads them. The resolver never prints: the command prints these
 * records, and shows those marked verbose_only only with -v. An edge not
 * followed is also named in the graph's left-out list (left_out.c). Contracts
 * in module_graph_internal.h. */
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

/* quiet_importer: 1 when warnings about module importer's imports are of
 * interest only with -v: it is in the stdlib, or a collection rule packed
 * it (docs/third-party.md); the program's own modules are always warned
 * about. */
static int quiet_importer(const resolver *r, size_t importer)
{
    const pfz_module *m = &r->g->modules[importer];
    return m->is_stdlib || r->state[importer].collected;
}

/* add_note: appends *n to opts->report when there is one. */
static int add_note(resolver *r, const pfz_note *n, pf_error *err)
{
    return r->opts->report != NULL ? pfz_report_add(r->opts->report, n, err) : PF_OK;
}

int pfz_mg_warn_missing(resolver *r, const char *name, const char *why, size_t importer, int line,
                        pf_error *err)
{
    r->g->unresolved++;
    if (importer == PFZ_NO_IMPORTER) {
        return PF_OK;
    }
    char frozen[256];
    pfz_note n = {
        .kind = PFZ_NOTE_MODULE_NOT_FOUND,
        .verbose_only = quiet_importer(r, importer),
        .module = (char *)name,
        .importer = r->g->modules[importer].name,
        .file = (char *)importer_file(r, importer, frozen, sizeof frozen),
        .line = line,
        .reason = (char *)why,
        .in_function = r->following != NULL && r->following->in_function,
        .guarded = r->following != NULL && (r->following->in_try || r->following->on_exception),
    };
    return add_note(r, &n, err);
}

/* shown_names: what a `from ... import` statement imports, as its warning
 * shows it: the first name, with ", ..." when there are more. */
static void shown_names(const pfz_import *imp, char *dst, size_t dstCapacity)
{
    const char *first = "";
    if (imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 0 &&
        PyUnicode_Check(PyTuple_GET_ITEM(imp->fromlist, 0))) {
        first = PyUnicode_AsUTF8(PyTuple_GET_ITEM(imp->fromlist, 0));
        PyErr_Clear();
    }
    snprintf(dst, dstCapacity, "%s%s", first != NULL ? first : "",
             imp->fromlist != NULL && PyTuple_GET_SIZE(imp->fromlist) > 1 ? ", ..." : "");
}

int pfz_mg_warn_relative(resolver *r, const pfz_import *imp, const char *why, size_t importer,
                         pf_error *err)
{
    r->g->unresolved++;
    if (importer == PFZ_NO_IMPORTER) {
        return PF_OK;
    }
    const char *name;
    int status = pfz_mg_utf8(imp->name, &name, "cannot read an import's name", err);
    if (status != PF_OK) {
        return status;
    }
    int dots = imp->level < 64 ? imp->level : 64;
    char module[PF_ERROR_MESSAGE_SIZE], names[PF_ERROR_MESSAGE_SIZE], frozen[256];
    snprintf(module, sizeof module, "%.*s%s", dots,
             "................................................................", name);
    shown_names(imp, names, sizeof names);
    pfz_note n = {
        .kind = PFZ_NOTE_BAD_RELATIVE_IMPORT,
        .verbose_only = quiet_importer(r, importer),
        .module = module,
        .names = names,
        .importer = r->g->modules[importer].name,
        .file = (char *)importer_file(r, importer, frozen, sizeof frozen),
        .line = imp->line,
        .reason = (char *)why,
        .in_function = imp->in_function,
        .guarded = imp->in_try || imp->on_exception,
    };
    return add_note(r, &n, err);
}

int pfz_mg_note_skipped(resolver *r, pfz_note_kind kind, const char *name, size_t importer,
                        int line, const char *reason, pf_error *err)
{
    /* every edge left out, whatever the reason: the payload names it */
    int status = pfz_graph_add_left_out(r->g, name, 0, err);
    if (status != PF_OK) {
        return status;
    }
    pfz_note n = {
        .kind = kind,
        .verbose_only = 1,
        .module = (char *)name,
        .importer = r->g->modules[importer].name,
        .line = line,
        .reason = (char *)reason,
    };
    return add_note(r, &n, err);
}
