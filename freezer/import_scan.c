/* import_scan.c - reads IMPORT_NAME instructions out of CPython 3.11
 * bytecode; see import_scan.h. */
#include "import_scan.h"

#include <opcode.h> /* IMPORT_NAME, LOAD_CONST, EXTENDED_ARG, CACHE: CPython 3.11 numbering */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One decoded instruction: its opcode and full argument. */
typedef struct scan_insn {
    int op;
    uint32_t arg;
} scan_insn;

/* scan_python_error: clears the pending Python exception and records its
 * text in err. Returns PF_ERR_PYTHON. */
static int scan_python_error(pf_error *err)
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
static int report_import(PyCodeObject *code, int in_function, size_t offset, uint32_t arg,
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
        .name = PyTuple_GET_ITEM(names, arg), .code = code, .in_function = in_function};
    if (!PyUnicode_Check(imp.name)) {
        return pf_error_set(err, PF_ERR_CORRUPT, "IMPORT_NAME names a non-string constant");
    }
    /* compiler_import / compiler_from_import push level, then fromlist. */
    Py_ssize_t nconsts = PyTuple_GET_SIZE(consts);
    if (prev2->op == LOAD_CONST && prev1->op == LOAD_CONST && prev2->arg < (uint64_t)nconsts &&
        prev1->arg < (uint64_t)nconsts) {
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
    if (jump->op != POP_JUMP_FORWARD_IF_FALSE || cmp->op != COMPARE_OP || cmp->arg != Py_EQ ||
        name->op != LOAD_NAME || text->op != LOAD_CONST) {
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

/* scan_code: the scan of one code object and, recursively, of the code
 * objects in its co_consts; depth counts the nesting, in_function is set
 * below a function's code. */
static int scan_code(PyCodeObject *code, int depth, int in_function, unsigned flags,
                     pfz_import_fn fn, void *ctx, pf_error *err)
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
        return scan_python_error(err);
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
    size_t skip_end = 0;           /* byte offset where a main-guard block ends */
    unsigned char *skipped = NULL; /* per co_consts index: loaded in such a block */
    int guard = depth == 0 && (flags & PFZ_SCAN_SKIP_MAIN_GUARD) != 0;
    int status = PF_OK;
    for (size_t offset = 0; offset < size && status == PF_OK; offset += 2) {
        int op = insns[offset];
        uint32_t arg = (extended << 8) | insns[offset + 1];
        if (op == EXTENDED_ARG) {
            extended = arg;
            continue;
        }
        extended = 0;
        if (op == CACHE) {
            continue;
        }
        if (offset < skip_end) {
            if (op == LOAD_CONST && arg < (uint64_t)nconsts &&
                PyCode_Check(PyTuple_GET_ITEM(code->co_consts, arg))) {
                if (skipped == NULL && (skipped = calloc((size_t)nconsts, 1)) == NULL) {
                    status = pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
                    break;
                }
                skipped[arg] = 1;
            }
        } else if (op == IMPORT_NAME) {
            status =
                report_import(code, in_function, offset, arg, &window[2], &window[3], fn, ctx, err);
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

    PyObject *consts = code->co_consts;
    for (Py_ssize_t i = 0; i < nconsts && status == PF_OK; i++) {
        PyObject *c = PyTuple_GET_ITEM(consts, i);
        if (PyCode_Check(c) && (skipped == NULL || !skipped[i])) {
            status = scan_code((PyCodeObject *)c, depth + 1, in_function, flags, fn, ctx, err);
        }
    }
    free(skipped);
    return status;
}

int pfz_scan_imports(PyObject *code, unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err)
{
    if (code == NULL || !PyCode_Check(code) || fn == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "pfz_scan_imports needs a code object");
    }
    return scan_code((PyCodeObject *)code, 0, 0, flags, fn, ctx, err);
}
