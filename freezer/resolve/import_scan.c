/* import_scan.c - reads IMPORT_NAME instructions out of CPython 3.11
 * bytecode; see import_scan.h. */
#include "import_scan.h"

#include <opcode.h> /* CPython's own numbers, checked against cpython311.h's */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpython311.h"
#include "import_flow.h"

/* One decoded instruction: its opcode and full argument. */
typedef struct scan_insn {
    int op;
    uint32_t arg;
} scan_insn;

int pfz_scan_python_error(pf_error *err)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *msg = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    pf_error_set(err, PF_ERR_PYTHON, "python error while reading bytecode: %s",
                 msg != NULL ? msg : "unknown");
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return PF_ERR_PYTHON;
}

/* report_import: builds the pfz_import for the IMPORT_NAME at byte offset
 * `offset` with argument `arg`, given the two instructions before it, and
 * passes it to fn. Returns PF_OK, PF_ERR_CORRUPT or fn's status. */
static int report_import(PyCodeObject *code, int in_function, pfz_import_guard guard,
                         PyObject *try_imports, int in_try, size_t offset, uint32_t arg,
                         const scan_insn *prev2, const scan_insn *prev1, pfz_import_fn fn,
                         void *ctx, pf_error *err)
{
    PyObject *names = code->co_names;
    PyObject *consts = code->co_consts;
    if (arg >= (uint64_t)PyTuple_GET_SIZE(names)) {
        return pf_error_set(err, PF_ERR_CORRUPT,
                            "IMPORT_NAME argument %u is past co_names (%zd names)", (unsigned)arg,
                            PyTuple_GET_SIZE(names));
    }
    pfz_import imp = {
        .name = PyTuple_GET_ITEM(names, arg),
        .code = code,
        .in_function = in_function,
        .on_exception = guard != PFZ_GUARD_NONE,
        .guard = guard,
        .try_imports = try_imports,
        .in_try = in_try,
    };
    if (!PyUnicode_Check(imp.name)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "IMPORT_NAME names a non-string constant");
    }
    /* compiler_import / compiler_from_import push level, then fromlist. */
    Py_ssize_t nconsts = PyTuple_GET_SIZE(consts);
    if (prev2->op == PF_PY_OP_LOAD_CONST && prev1->op == PF_PY_OP_LOAD_CONST &&
        prev2->arg < (uint64_t)nconsts && prev1->arg < (uint64_t)nconsts) {
        PyObject *level = PyTuple_GET_ITEM(consts, prev2->arg);
        PyObject *fromlist = PyTuple_GET_ITEM(consts, prev1->arg);
        if (PyLong_CheckExact(level)) {
            long v = PyLong_AsLong(level);
            if (v == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                v = 0;
            }
            imp.level = v >= 0 && v <= INT32_MAX ? (int)v : 0;
        }
        if (PyTuple_CheckExact(fromlist)) {
            imp.fromlist = fromlist;
        }
    }
    int line = PyCode_Addr2Line(code, (int)offset);
    imp.line = line > 0 ? line : 0;
    return fn(ctx, &imp, err);
}

/* is_str: 1 when obj is the str text. */
static int is_str(PyObject *obj, const char *text)
{
    return PyUnicode_CheckExact(obj) && PyUnicode_CompareWithASCIIString(obj, text) == 0;
}

/* main_guard_end: when the four instructions ending with `jump` (the last
 * one, at byte offset jump_offset) are `if __name__ == "__main__":`, the
 * byte offset its block ends at (the jump target), else 0. */
static size_t main_guard_end(PyCodeObject *code, const scan_insn *window, size_t jump_offset)
{
    const scan_insn *name = &window[0], *text = &window[1], *cmp = &window[2], *jump = &window[3];
    if (jump->op != PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE || cmp->op != PF_PY_OP_COMPARE_OP ||
        cmp->arg != Py_EQ || name->op != PF_PY_OP_LOAD_NAME || text->op != PF_PY_OP_LOAD_CONST) {
        return 0;
    }
    if (name->arg >= (uint64_t)PyTuple_GET_SIZE(code->co_names) ||
        text->arg >= (uint64_t)PyTuple_GET_SIZE(code->co_consts) ||
        !is_str(PyTuple_GET_ITEM(code->co_names, name->arg), "__name__") ||
        !is_str(PyTuple_GET_ITEM(code->co_consts, text->arg), "__main__")) {
        return 0;
    }
    /* Forward jumps count 2-byte units from the next instruction. */
    return jump_offset + 2 + 2 * (size_t)jump->arg;
}

/* try_body_imports: a new tuple of (name, level) for each IMPORT_NAME in
 * units [start, end) of insns, in order; NULL with an exception on failure. */
static PyObject *try_body_imports(PyCodeObject *code, const unsigned char *insns, size_t start,
                                  size_t end)
{
    PyObject *list = PyList_New(0);
    uint32_t extended = 0;
    Py_ssize_t nnames = PyTuple_GET_SIZE(code->co_names);
    Py_ssize_t nconsts = PyTuple_GET_SIZE(code->co_consts);
    for (size_t u = start; list != NULL && u < end; u++) {
        int op = insns[2 * u];
        uint32_t arg = (extended << 8) | insns[2 * u + 1];
        extended = op == PF_PY_OP_EXTENDED_ARG ? arg : 0;
        if (op != PF_PY_OP_IMPORT_NAME || arg >= (uint64_t)nnames) {
            continue;
        }
        long level = 0; /* compiler_import pushes level, fromlist, then imports */
        if (u >= start + 2 && insns[2 * (u - 2)] == PF_PY_OP_LOAD_CONST &&
            insns[2 * (u - 2) + 1] < nconsts) {
            PyObject *c = PyTuple_GET_ITEM(code->co_consts, insns[2 * (u - 2) + 1]);
            level = PyLong_CheckExact(c) ? PyLong_AsLong(c) : 0;
            if (level < 0 || level > INT32_MAX) {
                PyErr_Clear();
                level = 0;
            }
        }
        PyObject *item = Py_BuildValue("(Ol)", PyTuple_GET_ITEM(code->co_names, arg), level);
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_CLEAR(list);
        }
        Py_XDECREF(item);
    }
    PyObject *tuple = list != NULL ? PyList_AsTuple(list) : NULL;
    Py_XDECREF(list);
    return tuple;
}

/* combine: the guard of an import at `own` in a code object made under
 * `outer`: a block that never runs wins, then the inner place; code made
 * in a fallback is only off the path (its try body is not its own). */
static pfz_import_guard combine(pfz_import_guard outer, pfz_import_guard own)
{
    if (outer >= PFZ_GUARD_TYPE_CHECKING) {
        return outer;
    }
    if (own != PFZ_GUARD_NONE) {
        return own;
    }
    return outer == PFZ_GUARD_FALLBACK ? PFZ_GUARD_HANDLER : outer;
}

/* report_placed: report_import with the import's place in the flow, and for
 * a fallback the imports of the try body it stands in for. */
static int report_placed(PyCodeObject *code, const unsigned char *insns, const pfz_flow *flow,
                         int in_function, pfz_import_guard outer, size_t offset, uint32_t arg,
                         const scan_insn *prev2, const scan_insn *prev1, pfz_import_fn fn,
                         void *ctx, pf_error *err)
{
    pfz_flow_place place;
    pfz_flow_place_of(flow, offset / 2, &place);
    pfz_import_guard guard = combine(outer, place.guard);
    PyObject *tries = NULL;
    if (guard == PFZ_GUARD_FALLBACK) {
        tries = try_body_imports(code, insns, place.try_start, place.try_end);
        if (tries == NULL) {
            return pfz_scan_python_error(err);
        }
    }
    int status = report_import(code, in_function, guard, tries, place.in_try, offset, arg, prev2,
                               prev1, fn, ctx, err);
    Py_XDECREF(tries);
    return status;
}

/* mentions: 1 when code or a code object nested in it names `name` in its
 * co_names (a global, an attribute: either may be the function), else 0;
 * -1 with an exception. */
static int mentions(PyCodeObject *code, PyObject *name, int depth)
{
    int found = depth > PFZ_SCAN_MAX_DEPTH ? 1 : PySequence_Contains(code->co_names, name);
    for (Py_ssize_t i = 0; found == 0 && i < PyTuple_GET_SIZE(code->co_consts); i++) {
        PyObject *c = PyTuple_GET_ITEM(code->co_consts, i);
        if (PyCode_Check(c)) {
            found = mentions((PyCodeObject *)c, name, depth + 1);
        }
    }
    return found;
}

/* skip_main_only: marks (made[i] = -2) the module-level functions that
 * only the skipped `if __name__ == "__main__":` block can call: a
 * function `main` or one with a private name (`_test`), defined by a plain
 * `def` (defs: name -> co_consts index), that the module body outside the
 * block never names (used: the names it loads) and no other code of the
 * module mentions, except functions so marked (random._test_generator is
 * called by _test only). Their imports never run in an imported module. */
static int skip_main_only(PyCodeObject *code, PyObject *defs, PyObject *used, int named,
                          signed char *made)
{
    Py_ssize_t nconsts = PyTuple_GET_SIZE(code->co_consts);
    unsigned char *cand = calloc((size_t)nconsts + 1, 1);
    if (cand == NULL) {
        return PF_ERR_NOMEM;
    }
    PyObject *name, *index;
    Py_ssize_t pos = 0;
    while (PyDict_Next(defs, &pos, &name, &index)) {
        const char *n = PyUnicode_AsUTF8(name);
        int private = n != NULL && n[0] == '_' && !(n[1] == '_' && strstr(n + 2, "__") != NULL);
        Py_ssize_t i = PyLong_AsSsize_t(index);
        if (n != NULL && (private || (named && strcmp(n, "main") == 0)) &&
            PySet_Contains(used, name) == 0 && i >= 0 && i < nconsts && made[i] != -2) {
            cand[i] = 1;
        }
        PyErr_Clear();
    }
    for (int changed = 1; changed;) {
        changed = 0;
        pos = 0;
        while (PyDict_Next(defs, &pos, &name, &index)) {
            Py_ssize_t i = PyLong_AsSsize_t(index);
            for (Py_ssize_t k = 0; i >= 0 && i < nconsts && cand[i] && k < nconsts; k++) {
                PyObject *c = PyTuple_GET_ITEM(code->co_consts, k);
                if (!cand[k] && made[k] != -2 && PyCode_Check(c) &&
                    mentions((PyCodeObject *)c, name, 0) != 0) {
                    cand[i] = 0; /* named by code that may run: scanned */
                    changed = 1;
                }
            }
        }
    }
    PyErr_Clear();
    for (Py_ssize_t i = 0; i < nconsts; i++) {
        if (cand[i]) {
            made[i] = -2;
        }
    }
    free(cand);
    return PF_OK;
}

/* note_module_name: for skip_main_only, records a module body's LOAD_NAME
 * in used and a plain `def` (LOAD_CONST code, MAKE_FUNCTION, STORE_NAME;
 * window[2..3] the two instructions before) in defs. Returns 0, or -1 with
 * an exception. */
static int note_module_name(PyCodeObject *code, int op, uint32_t arg, const scan_insn *window,
                            PyObject *defs, PyObject *used)
{
    if (arg >= (uint64_t)PyTuple_GET_SIZE(code->co_names)) {
        return 0;
    }
    PyObject *n = PyTuple_GET_ITEM(code->co_names, arg);
    if (op == PF_PY_OP_LOAD_NAME) {
        return PySet_Add(used, n);
    }
    if (op != PF_PY_OP_STORE_NAME || window[3].op != PF_PY_OP_MAKE_FUNCTION ||
        window[2].op != PF_PY_OP_LOAD_CONST ||
        window[2].arg >= (uint64_t)PyTuple_GET_SIZE(code->co_consts) ||
        !PyCode_Check(PyTuple_GET_ITEM(code->co_consts, window[2].arg))) {
        return 0;
    }
    PyObject *i = PyLong_FromUnsignedLong(window[2].arg);
    int rc = i != NULL ? PyDict_SetItem(defs, n, i) : -1;
    Py_XDECREF(i);
    return rc;
}

/* note_made: a code object is loaded (to make a function or class) at
 * byte offset: *made keeps the least guarded place it is made at, or -2
 * once it is made in the skipped main-guard block (in_guard). */
static void note_made(const pfz_flow *flow, pfz_import_guard outer, size_t offset, int in_guard,
                      signed char *made)
{
    pfz_flow_place place;
    pfz_flow_place_of(flow, offset / 2, &place);
    int g = in_guard ? -2 : (int)combine(outer, place.guard);
    if (g == -2 || *made == -1 || (*made >= 0 && g < *made)) {
        *made = (signed char)g;
    }
}

/* scan_code: the scan of one code object and, recursively, of the code
 * objects in its co_consts; depth counts the nesting, in_function is set
 * below a function's code, outer is the guard the code was made under. */
static int scan_code(PyCodeObject *code, int depth, int in_function, pfz_import_guard outer,
                     unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err)
{
    /* Functions, lambdas and comprehensions get fast locals (CO_OPTIMIZED);
     * module and class bodies run with a namespace dict. */
    in_function |= (code->co_flags & CO_OPTIMIZED) != 0;
    if (depth > PFZ_SCAN_MAX_DEPTH) {
        return pf_error_set(err, PF_ERR_CORRUPT, "code objects nested more than %d deep",
                            PFZ_SCAN_MAX_DEPTH);
    }
    /* co_code unquickened, with every CACHE entry zero (deopt_code in
     * Objects/codeobject.c). */
    PyObject *bytes = PyCode_GetCode(code);
    if (bytes == NULL) {
        return pfz_scan_python_error(err);
    }
    if (!PyBytes_Check(bytes)) {
        Py_DECREF(bytes);
        return pf_error_set(err, PF_ERR_CORRUPT, "co_code is not bytes");
    }
    const unsigned char *insns = (const unsigned char *)PyBytes_AS_STRING(bytes);
    size_t size = (size_t)PyBytes_GET_SIZE(bytes) & ~(size_t)1; /* whole 2-byte units only */
    Py_ssize_t nconsts = PyTuple_GET_SIZE(code->co_consts);
    /* window[3] is the latest instruction, window[0] the fourth latest. */
    scan_insn window[4] = {{-1, 0}, {-1, 0}, {-1, 0}, {-1, 0}};
    uint32_t extended = 0;
    size_t skip_end = 0; /* byte offset where a main-guard block ends */
    int guard = depth == 0 && (flags & PFZ_SCAN_SKIP_MAIN_GUARD) != 0;
    pfz_flow *flow = NULL;
    int status = pfz_flow_build(code, insns, size / 2, &flow, err);
    /* per co_consts index: the least guarded place it is loaded at (a
     * function's guard), -1 never loaded, -2 loaded in a main-guard block */
    signed char *made = status == PF_OK ? malloc((size_t)nconsts + 1) : NULL;
    if (status == PF_OK && made == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
    }
    if (made != NULL) {
        memset(made, -1, (size_t)nconsts + 1);
    }
    /* for skip_main_only: the module's plain `def`s and the names it loads
     * outside the main-guard block */
    PyObject *defs = guard ? PyDict_New() : NULL, *used = guard ? PySet_New(NULL) : NULL;
    if (status == PF_OK && guard && (defs == NULL || used == NULL)) {
        status = pfz_scan_python_error(err);
    }
    for (size_t offset = 0; offset < size && status == PF_OK; offset += 2) {
        int op = insns[offset];
        uint32_t arg = (extended << 8) | insns[offset + 1];
        if (op == PF_PY_OP_EXTENDED_ARG) {
            extended = arg;
            continue;
        }
        extended = 0;
        if (op == PF_PY_OP_CACHE) {
            continue;
        }
        if (op == PF_PY_OP_LOAD_CONST && arg < (uint64_t)nconsts &&
            PyCode_Check(PyTuple_GET_ITEM(code->co_consts, arg))) {
            note_made(flow, outer, offset, offset < skip_end, &made[arg]);
        } else if (op == PF_PY_OP_IMPORT_NAME && offset >= skip_end) {
            status = report_placed(code, insns, flow, in_function, outer, offset, arg, &window[2],
                                   &window[3], fn, ctx, err);
        } else if (guard && offset >= skip_end &&
                   note_module_name(code, op, arg, window, defs, used) < 0) {
            status = pfz_scan_python_error(err);
        }
        memmove(window, window + 1, 3 * sizeof window[0]);
        window[3] = (scan_insn){op, arg};
        if (guard && offset >= skip_end) {
            size_t end = main_guard_end(code, window, offset);
            if (end > skip_end) {
                skip_end = end;
            }
        }
    }
    Py_DECREF(bytes);
    pfz_flow_free(flow);
    if (status == PF_OK && guard && skip_end > 0 &&
        skip_main_only(code, defs, used, (flags & PFZ_SCAN_SKIP_MAIN_NAMED) != 0, made) != PF_OK) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
    }
    Py_XDECREF(defs);
    Py_XDECREF(used);

    PyObject *consts = code->co_consts;
    for (Py_ssize_t i = 0; i < nconsts && status == PF_OK; i++) {
        PyObject *c = PyTuple_GET_ITEM(consts, i);
        if (PyCode_Check(c) && made[i] != -2) {
            /* a code object never loaded keeps the outer guard */
            pfz_import_guard g = made[i] >= 0 ? (pfz_import_guard)made[i] : outer;
            status = scan_code((PyCodeObject *)c, depth + 1, in_function, g, flags, fn, ctx, err);
        }
    }
    free(made);
    return status;
}

int pfz_scan_imports(PyObject *code, unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err)
{
    if (code == NULL || !PyCode_Check(code) || fn == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "pfz_scan_imports needs a code object");
    }
    return scan_code((PyCodeObject *)code, 0, 0, PFZ_GUARD_NONE, flags, fn, ctx, err);
}
