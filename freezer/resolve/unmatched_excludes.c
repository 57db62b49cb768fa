/* unmatched_excludes.c - the warning for an --exclude-module name that
 * matched nothing: no import the walk followed reached it (or a submodule
 * of it) and no module of that name exists on the search path, which is
 * most likely a typo (the option would then silently do nothing). */
#include "module_graph_internal.h"

#include <stdlib.h>
#include <string.h>

int pfz_mg_excludes_init(resolver *r, pf_error *err)
{
    if (r->opts->exclude_count == 0) {
        return PF_OK;
    }
    r->exclude_hit = calloc(r->opts->exclude_count, 1);
    return r->exclude_hit != NULL ? PF_OK : pf_error_set(err, PF_ERR_NOMEM, "out of memory");
}

/* exists: 1 when module `name` (dotted) is builtin, frozen, or found on the
 * search path as importlib's PathFinder finds it, each parent package's
 * submodule_search_locations searched for the next part; nothing is
 * imported. 1 too when the look-up itself fails (no warning then: a warning
 * must be sure). */
static int exists(const resolver *r, const char *name)
{
    if (strchr(name, '.') == NULL) {
        PyObject *s = PyUnicode_FromString(name);
        int builtin = s != NULL ? PySet_Contains(r->builtins, s) : -1;
        PyObject *frozen = s != NULL ? PyObject_CallOneArg(r->is_frozen, s) : NULL;
        int found = builtin != 0 || frozen == NULL || PyObject_IsTrue(frozen) != 0;
        Py_XDECREF(frozen);
        Py_XDECREF(s);
        PyErr_Clear();
        if (found) {
            return 1;
        }
    }
    PyObject *path = Py_NewRef(r->top_path);
    int found = 1;
    for (const char *end = name;; end++) {
        if (*end != '.' && *end != '\0') {
            continue;
        }
        PyObject *part = PyUnicode_FromStringAndSize(name, end - name);
        PyObject *spec =
            part != NULL ? PyObject_CallFunctionObjArgs(r->find_spec, part, path, NULL) : NULL;
        Py_XDECREF(part);
        Py_SETREF(path, NULL);
        if (spec == NULL || spec == Py_None || *end == '\0') {
            found = spec != Py_None;
            Py_XDECREF(spec);
            break;
        }
        PyObject *locations = PyObject_GetAttrString(spec, "submodule_search_locations");
        Py_DECREF(spec);
        if (locations == NULL || locations == Py_None) {
            found = locations == NULL; /* not a package: no submodule */
            Py_XDECREF(locations);
            break;
        }
        path = PySequence_List(locations);
        Py_DECREF(locations);
        if (path == NULL) {
            break;
        }
    }
    Py_XDECREF(path);
    PyErr_Clear();
    return found;
}

int pfz_mg_report_unmatched_excludes(resolver *r, pf_error *err)
{
    for (size_t i = 0; i < r->opts->exclude_count; i++) {
        const char *name = r->opts->excludes[i];
        if (r->exclude_hit[i] || exists(r, name)) {
            continue;
        }
        pfz_note n = {.kind = PFZ_NOTE_OPTION_MATCHED_NOTHING,
                      .names = "--exclude-module",
                      .module = (char *)name,
                      .reason = "no import reached a module of that name and none exists on "
                                "the search path"};
        if (r->opts->report != NULL && pfz_report_add(r->opts->report, &n, err) != PF_OK) {
            return PF_ERR_NOMEM;
        }
    }
    return PF_OK;
}
