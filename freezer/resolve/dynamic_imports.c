/* dynamic_imports.c - reads calls that import a module by a constant name
 * out of CPython 3.11 bytecode; see dynamic_imports.h. */
#include "dynamic_imports.h"

#include <opcode.h> /* CPython's own numbers, checked against cpython311.h's */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpython311.h"
#include "import_scan.h"

/* How far past the first argument a call's PRECALL may be: enough for two
 * more arguments with constant lists and keywords. */
#define ARG_WINDOW 24

/* The functions whose first argument names a module (or, with
 * distribution set, a distribution). A qualifier is the
 * name of the object the function is read from (`pkgutil`.get_loader): for
 * names common as methods elsewhere one is required; a bare call (after
 * `from m import f`) is accepted when bare is set. */
typedef struct callee {
    const char *name;
    const char *qualifiers[3]; /* any of these, or NULL[0]: any object */
    int bare;                  /* a plain call f(...) counts */
    int fresh;                 /* import_fresh_module: its constant lists count too */
    int colon;                 /* the name ends at ':' (pkgutil.resolve_name) */
    int distribution;          /* the name is a distribution's, not a module's */
    int group;                 /* an entry-point group: GROUP_FIRST or GROUP_KEYWORD */
} callee;

/* Where a callee with `group` set takes the entry-point group's name. */
#define GROUP_FIRST 1   /* its first positional argument */
#define GROUP_KEYWORD 2 /* its `group=` keyword argument, the first of only keywords */

static const callee CALLEES[] = {
    {"import_module", {NULL}, 1, 0, 0, 0, 0},
    {"__import__", {NULL}, 1, 0, 0, 0, 0},
    {"import_fresh_module", {NULL}, 1, 1, 0, 0, 0},
    {"find_spec", {"util", NULL}, 1, 0, 0, 0, 0},
    {"get_loader", {"pkgutil", NULL}, 0, 0, 0, 0, 0},
    {"find_loader", {"pkgutil", "importlib", NULL}, 0, 0, 0, 0, 0},
    {"get_data", {"pkgutil", NULL}, 0, 0, 0, 0, 0},
    {"resolve_name", {"pkgutil", NULL}, 0, 0, 1, 0, 0},
    {"files", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"read_text", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"read_binary", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"open_text", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"open_binary", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"contents", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"is_resource", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"path", {"resources", "importlib_resources", NULL}, 0, 0, 0, 0, 0},
    {"version", {"metadata", "importlib_metadata", NULL}, 0, 0, 0, 1, 0},
    {"metadata", {"metadata", "importlib_metadata", NULL}, 0, 0, 0, 1, 0},
    {"distribution", {"metadata", "importlib_metadata", NULL}, 1, 0, 0, 1, 0},
    {"requires", {"metadata", "importlib_metadata", NULL}, 0, 0, 0, 1, 0},
    {"files", {"metadata", "importlib_metadata", NULL}, 0, 0, 0, 1, 0},
    {"get_distribution", {"pkg_resources", NULL}, 1, 0, 0, 1, 0},
    {"require", {"pkg_resources", NULL}, 0, 0, 0, 1, 0},
    {"iter_entry_points", {"pkg_resources", NULL}, 1, 0, 0, 0, GROUP_FIRST},
    {"entry_points", {"metadata", "importlib_metadata", NULL}, 1, 0, 0, 0, GROUP_KEYWORD},
    {"select", {NULL}, 0, 0, 0, 0, GROUP_KEYWORD},
};

typedef struct insn {
    int op;
    uint32_t arg;
    int offset; /* byte offset, for the line table */
} insn;

typedef struct scan {
    PyCodeObject *code;
    const insn *insns;
    size_t count;
    int in_function;
    pfz_dynamic_fn fn;
    void *ctx;
} scan;

/* name_of: the co_names entry a name-loading instruction reads, or NULL
 * when it loads no name (or a bad index). Borrowed. */
static PyObject *name_of(const scan *s, const insn *in)
{
    uint32_t i;
    switch (in->op) {
    case PF_PY_OP_LOAD_NAME:
    case PF_PY_OP_LOAD_ATTR:
    case PF_PY_OP_LOAD_METHOD:
        i = in->arg;
        break;
    case PF_PY_OP_LOAD_GLOBAL:
        i = in->arg >> 1;
        break;
    default:
        return NULL;
    }
    PyObject *names = s->code->co_names;
    return i < (uint64_t)PyTuple_GET_SIZE(names) ? PyTuple_GET_ITEM(names, i) : NULL;
}

/* const_of: co_consts[arg] of a LOAD_CONST, or NULL. Borrowed. */
static PyObject *const_of(const scan *s, const insn *in)
{
    PyObject *consts = s->code->co_consts;
    if (in->op != PF_PY_OP_LOAD_CONST || in->arg >= (uint64_t)PyTuple_GET_SIZE(consts)) {
        return NULL;
    }
    return PyTuple_GET_ITEM(consts, in->arg);
}

static int is_text(PyObject *o, const char *text)
{
    return o != NULL && PyUnicode_CheckExact(o) && PyUnicode_CompareWithASCIIString(o, text) == 0;
}

/* callee_at: the CALLEES entry the instruction at i loads, qualified as
 * that entry requires, or NULL. */
static const callee *callee_at(const scan *s, size_t i)
{
    const insn *in = &s->insns[i];
    PyObject *name = name_of(s, in);
    if (name == NULL || !PyUnicode_CheckExact(name)) {
        return NULL;
    }
    int attr = in->op == PF_PY_OP_LOAD_ATTR || in->op == PF_PY_OP_LOAD_METHOD;
    PyObject *qualifier = attr && i > 0 ? name_of(s, &s->insns[i - 1]) : NULL;
    for (size_t k = 0; k < sizeof CALLEES / sizeof CALLEES[0]; k++) {
        const callee *c = &CALLEES[k];
        if (PyUnicode_CompareWithASCIIString(name, c->name) != 0) {
            continue;
        }
        if (!attr) {
            if (c->bare) {
                return c;
            }
            continue;
        }
        if (c->qualifiers[0] == NULL) {
            return c;
        }
        for (size_t q = 0; q < 3 && c->qualifiers[q] != NULL; q++) {
            if (is_text(qualifier, c->qualifiers[q])) {
                return c;
            }
        }
        /* another entry of the same name may take this qualifier (files) */
    }
    return NULL;
}

/* report: one name to fn. */
static int report(const scan *s, const callee *c, PyObject *name, pfz_dynamic_package base,
                  PyObject *package, int offset, pf_error *err)
{
    int line = PyCode_Addr2Line(s->code, offset);
    pfz_dynamic_import imp = {.name = name,
                              .base = base,
                              .package = base == PFZ_DYN_CONST ? package : NULL,
                              .call = c->name,
                              .line = line > 0 ? line : 0,
                              .in_function = s->in_function,
                              .distribution = c->distribution,
                              .group = c->group != 0};
    return s->fn(s->ctx, &imp, err);
}

/* report_colon: pkgutil.resolve_name("pkg.mod:attr"): the part before ':'
 * (the whole when there is none: it is then a module name or an error). */
static int report_colon(const scan *s, const callee *c, PyObject *arg, int offset, pf_error *err)
{
    Py_ssize_t colon = PyUnicode_FindChar(arg, ':', 0, PyUnicode_GET_LENGTH(arg), 1);
    if (colon == -2) {
        return pfz_scan_python_error(err);
    }
    PyObject *name = colon >= 0 ? PyUnicode_Substring(arg, 0, colon) : Py_NewRef(arg);
    if (name == NULL) {
        return pfz_scan_python_error(err);
    }
    int status = report(s, c, name, PFZ_DYN_NO_PACKAGE, NULL, offset, err);
    Py_DECREF(name);
    return status;
}

/* report_fresh: the str constants (alone, or in a tuple) among the
 * instructions after import_fresh_module's first argument up to its
 * PRECALL (i..end): the fresh= and blocked= lists. */
static int report_fresh(const scan *s, const callee *c, size_t i, size_t end, pf_error *err)
{
    int status = PF_OK;
    for (; i < end && status == PF_OK; i++) {
        PyObject *k = const_of(s, &s->insns[i]);
        if (k != NULL && PyUnicode_CheckExact(k)) {
            status = report(s, c, k, PFZ_DYN_NO_PACKAGE, NULL, s->insns[i].offset, err);
        } else if (k != NULL && PyTuple_CheckExact(k)) { /* [a, b] is a constant tuple extended */
            for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(k) && status == PF_OK; t++) {
                PyObject *item = PyTuple_GET_ITEM(k, t);
                if (PyUnicode_CheckExact(item)) {
                    status = report(s, c, item, PFZ_DYN_NO_PACKAGE, NULL, s->insns[i].offset, err);
                }
            }
        }
    }
    return status;
}

/* group_keyword_first: 1 when the arguments of the call whose function is
 * loaded at i and whose PRECALL is at end are keywords only, the first
 * being `group` (entry_points(group="g"), eps.select(group="g", ...)): the
 * compiler loads the values, then KW_NAMES with the names' tuple. */
static int group_keyword_first(const scan *s, size_t i, size_t end)
{
    const insn *kw = &s->insns[end - 1];
    PyObject *names =
        kw->op == PF_PY_OP_KW_NAMES && kw->arg < (uint64_t)PyTuple_GET_SIZE(s->code->co_consts)
            ? PyTuple_GET_ITEM(s->code->co_consts, kw->arg)
            : NULL;
    return names != NULL && PyTuple_CheckExact(names) && PyTuple_GET_SIZE(names) > 0 &&
           (size_t)PyTuple_GET_SIZE(names) == end - 1 - (i + 1) &&
           is_text(PyTuple_GET_ITEM(names, 0), "group");
}

/* call_at: when the instruction at i loads a known function called with a
 * constant str first, reports the names the call imports. */
static int call_at(const scan *s, size_t i, pf_error *err)
{
    const callee *c = callee_at(s, i);
    if (c == NULL || i + 2 >= s->count) {
        return PF_OK;
    }
    PyObject *first = const_of(s, &s->insns[i + 1]);
    if (first == NULL || !PyUnicode_CheckExact(first) || PyUnicode_GET_LENGTH(first) == 0) {
        return PF_OK;
    }
    /* Up to the PRECALL, only plain arguments (loads of constants and
     * names, constant lists, keyword names): then the constant is the whole
     * first argument, not `"p.{}".format(x)` or `"p." + x`. */
    size_t end = i + 2;
    for (; end < s->count && end < i + 2 + ARG_WINDOW; end++) {
        int op = s->insns[end].op;
        if (op == PF_PY_OP_PRECALL) {
            break;
        }
        if (op != PF_PY_OP_LOAD_CONST && op != PF_PY_OP_LOAD_NAME && op != PF_PY_OP_LOAD_GLOBAL &&
            op != PF_PY_OP_LOAD_FAST && op != PF_PY_OP_LOAD_DEREF && op != PF_PY_OP_BUILD_LIST &&
            op != PF_PY_OP_BUILD_TUPLE && op != PF_PY_OP_LIST_EXTEND && op != PF_PY_OP_KW_NAMES) {
            return PF_OK;
        }
    }
    if (end >= s->count || s->insns[end].op != PF_PY_OP_PRECALL) {
        return PF_OK; /* not a call we can read */
    }
    if (c->group == GROUP_KEYWORD && !group_keyword_first(s, i, end)) {
        return PF_OK; /* entry_points() with no group, or a select() of another kind */
    }
    int offset = s->insns[i + 1].offset;
    if (c->colon) {
        return report_colon(s, c, first, offset, err);
    }
    /* the second positional argument: a relative name's package */
    pfz_dynamic_package base = PFZ_DYN_NO_PACKAGE;
    PyObject *package = NULL;
    const insn *second = &s->insns[i + 2];
    if (end > i + 2 && (end == i + 3 || s->insns[i + 3].op == PF_PY_OP_KW_NAMES)) {
        PyObject *k = const_of(s, second);
        PyObject *n = name_of(s, second);
        if (k != NULL && PyUnicode_CheckExact(k)) {
            base = PFZ_DYN_CONST;
            package = k;
        } else if (second->op == PF_PY_OP_LOAD_NAME || second->op == PF_PY_OP_LOAD_GLOBAL) {
            base = is_text(n, "__name__")      ? PFZ_DYN_NAME
                   : is_text(n, "__package__") ? PFZ_DYN_PACKAGE
                                               : PFZ_DYN_NO_PACKAGE;
        }
    }
    int status = report(s, c, first, base, package, offset, err);
    if (status == PF_OK && c->fresh) {
        status = report_fresh(s, c, i + 2, end, err);
    }
    return status;
}

/* decode: the instructions of code (no CACHE, EXTENDED_ARG folded) into
 * *insns, malloc'd, with a sentinel after the *count real ones. Returns
 * PF_OK, PF_ERR_PYTHON, PF_ERR_CORRUPT or PF_ERR_NOMEM. */
static int decode(PyCodeObject *code, insn **insns, size_t *count, pf_error *err)
{
    PyObject *bytes = PyCode_GetCode(code);
    if (bytes == NULL) {
        return pfz_scan_python_error(err);
    }
    if (!PyBytes_Check(bytes)) {
        Py_DECREF(bytes);
        return pf_error_set(err, PF_ERR_CORRUPT, "co_code is not bytes");
    }
    const unsigned char *b = (const unsigned char *)PyBytes_AS_STRING(bytes);
    size_t size = (size_t)PyBytes_GET_SIZE(bytes) & ~(size_t)1;
    insn *out = malloc((size / 2 + 1) * sizeof *out);
    if (out == NULL) {
        Py_DECREF(bytes);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
    }
    size_t n = 0;
    uint32_t extended = 0;
    for (size_t off = 0; off < size; off += 2) {
        int op = b[off];
        uint32_t arg = (extended << 8) | b[off + 1];
        extended = op == PF_PY_OP_EXTENDED_ARG ? arg : 0;
        if (op == PF_PY_OP_EXTENDED_ARG || op == PF_PY_OP_CACHE) {
            continue;
        }
        out[n++] = (insn){op, arg, (int)off};
    }
    out[n] = (insn){-1, 0, (int)size}; /* a sentinel: call_at may look one past */
    Py_DECREF(bytes);
    *count = n;
    *insns = out;
    return PF_OK;
}

static int scan_code(PyCodeObject *code, int depth, int in_function, pfz_dynamic_fn fn, void *ctx,
                     pf_error *err)
{
    if (depth > PFZ_SCAN_MAX_DEPTH) {
        return pf_error_set(err, PF_ERR_CORRUPT, "code objects nested more than %d deep",
                            PFZ_SCAN_MAX_DEPTH);
    }
    in_function |= (code->co_flags & CO_OPTIMIZED) != 0;
    size_t count = 0;
    insn *insns = NULL;
    int status = decode(code, &insns, &count, err);
    if (status != PF_OK) {
        return status;
    }
    scan s = {code, insns, count, in_function, fn, ctx};
    for (size_t i = 0; i < count && status == PF_OK; i++) {
        status = call_at(&s, i, err);
    }
    free(insns);
    PyObject *consts = code->co_consts;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(consts) && status == PF_OK; i++) {
        PyObject *c = PyTuple_GET_ITEM(consts, i);
        if (PyCode_Check(c)) {
            status = scan_code((PyCodeObject *)c, depth + 1, in_function, fn, ctx, err);
        }
    }
    return status;
}

int pfz_scan_dynamic_imports(PyObject *code, pfz_dynamic_fn fn, void *ctx, pf_error *err)
{
    if (code == NULL || !PyCode_Check(code) || fn == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "pfz_scan_dynamic_imports needs a code object");
    }
    return scan_code((PyCodeObject *)code, 0, 0, fn, ctx, err);
}
