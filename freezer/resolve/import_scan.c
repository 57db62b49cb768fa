/* import_scan.c - reads IMPORT_NAME instructions out of CPython 3.11
 * bytecode; see import_scan.h. */
#include "import_scan.h"

#include <opcode.h> /* CPython's own numbers, checked against cpython311.h's */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpython311.h"

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
static int report_import(PyCodeObject *code, int in_function, int on_exception, size_t offset,
                         uint32_t arg, const scan_insn *prev2, const scan_insn *prev1,
                         pfz_import_fn fn, void *ctx, pf_error *err)
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
        .on_exception = on_exception,
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

/* jump_target: for a jump instruction at 2-byte unit `unit` with argument
 * arg, the unit it jumps to, or SIZE_MAX when op does not jump. CPython
 * 3.11 jumps are relative to the next instruction (no 3.11 jump has inline
 * CACHE entries), counted in units: forward, or backward for the
 * *_BACKWARD_* opcodes (Python/ceval.c: JUMPBY). */
static size_t jump_target(int op, uint32_t arg, size_t unit)
{
    switch (op) {
    case PF_PY_OP_JUMP_FORWARD:
    case PF_PY_OP_JUMP_IF_FALSE_OR_POP:
    case PF_PY_OP_JUMP_IF_TRUE_OR_POP:
    case PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE:
    case PF_PY_OP_POP_JUMP_FORWARD_IF_TRUE:
    case PF_PY_OP_POP_JUMP_FORWARD_IF_NONE:
    case PF_PY_OP_POP_JUMP_FORWARD_IF_NOT_NONE:
    case PF_PY_OP_FOR_ITER:
    case PF_PY_OP_SEND:
        return unit + 1 + arg;
    case PF_PY_OP_JUMP_BACKWARD:
    case PF_PY_OP_JUMP_BACKWARD_NO_INTERRUPT:
    case PF_PY_OP_POP_JUMP_BACKWARD_IF_FALSE:
    case PF_PY_OP_POP_JUMP_BACKWARD_IF_TRUE:
    case PF_PY_OP_POP_JUMP_BACKWARD_IF_NONE:
    case PF_PY_OP_POP_JUMP_BACKWARD_IF_NOT_NONE:
        return unit + 1 >= arg ? unit + 1 - arg : SIZE_MAX;
    default:
        return SIZE_MAX;
    }
}

/* falls_through: 0 when the instruction never goes on to the next one. */
static int falls_through(int op)
{
    return op != PF_PY_OP_RETURN_VALUE && op != PF_PY_OP_RAISE_VARARGS && op != PF_PY_OP_RERAISE &&
           op != PF_PY_OP_JUMP_FORWARD && op != PF_PY_OP_JUMP_BACKWARD &&
           op != PF_PY_OP_JUMP_BACKWARD_NO_INTERRUPT;
}

/* windows_test: whether the four instructions before a
 * POP_JUMP_FORWARD_IF_FALSE (window[0..3], oldest first) test
 * `sys.platform == "win32"` or `os.name == "nt"` (also `_os.name`), false
 * on Linux: the jump is then always taken. Module and class bodies load the
 * module by LOAD_NAME (functions are in_function anyway). */
static int windows_test(PyCodeObject *code, const scan_insn *window)
{
    const scan_insn *mod = &window[0], *attr = &window[1], *text = &window[2], *cmp = &window[3];
    PyObject *names = code->co_names, *consts = code->co_consts;
    if (mod->op != PF_PY_OP_LOAD_NAME || attr->op != PF_PY_OP_LOAD_ATTR ||
        text->op != PF_PY_OP_LOAD_CONST || cmp->op != PF_PY_OP_COMPARE_OP || cmp->arg != Py_EQ ||
        mod->arg >= (uint64_t)PyTuple_GET_SIZE(names) ||
        attr->arg >= (uint64_t)PyTuple_GET_SIZE(names) ||
        text->arg >= (uint64_t)PyTuple_GET_SIZE(consts)) {
        return 0;
    }
    PyObject *m = PyTuple_GET_ITEM(names, mod->arg), *a = PyTuple_GET_ITEM(names, attr->arg);
    PyObject *t = PyTuple_GET_ITEM(consts, text->arg);
    return (is_str(m, "sys") && is_str(a, "platform") && is_str(t, "win32")) ||
           ((is_str(m, "os") || is_str(m, "_os")) && is_str(a, "name") && is_str(t, "nt"));
}

/* normal_flow: the 2-byte units of insns (`units` of them) that the code's
 * normal control flow on Linux reaches from unit 0 (see import_scan.h:
 * on_exception), one byte per unit, 1 when reached; NULL when out of
 * memory. The caller frees it. */
static unsigned char *normal_flow(PyCodeObject *code, const unsigned char *insns, size_t units)
{
    unsigned char *reached = calloc(units + 1, 1);
    size_t *todo = malloc((units + 1) * sizeof *todo);
    uint32_t *args = malloc((units + 1) * sizeof *args);
    if (reached == NULL || todo == NULL || args == NULL) {
        free(reached);
        free(todo);
        free(args);
        return NULL;
    }
    /* each unit's full argument: EXTENDED_ARG prefixes widen the next;
     * reached[u] = 2 marks a jump always taken on Linux (windows_test) */
    uint32_t extended = 0;
    scan_insn window[4] = {{-1, 0}, {-1, 0}, {-1, 0}, {-1, 0}};
    for (size_t u = 0; u < units; u++) {
        int op = insns[2 * u];
        args[u] = (extended << 8) | insns[2 * u + 1];
        extended = op == PF_PY_OP_EXTENDED_ARG ? args[u] : 0;
        if (op == PF_PY_OP_EXTENDED_ARG || op == PF_PY_OP_CACHE) {
            continue;
        }
        if (op == PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE && windows_test(code, window)) {
            reached[u] = 2;
        }
        memmove(window, window + 1, 3 * sizeof window[0]);
        window[3] = (scan_insn){op, args[u]};
    }
    size_t pending = 0;
    if (units > 0) {
        todo[pending++] = 0;
    }
    while (pending > 0) {
        size_t u = todo[--pending];
        if (reached[u] == 1) {
            continue; /* each unit is walked once: at most units + 1 pushes */
        }
        /* a straight run until the path ends or meets reached code */
        for (;;) {
            int op = insns[2 * u];
            int always = reached[u] == 2;
            reached[u] = 1;
            size_t target = jump_target(op, args[u], u);
            if (target < units && reached[target] != 1) {
                todo[pending++] = target;
            }
            if (always || !falls_through(op) || u + 1 >= units || reached[u + 1] == 1) {
                break;
            }
            u++;
        }
    }
    free(todo);
    free(args);
    return reached;
}

/* scan_code: the scan of one code object and, recursively, of the code
 * objects in its co_consts; depth counts the nesting, in_function is set
 * below a function's code, on_exception below code made only in exception
 * handlers. */
static int scan_code(PyCodeObject *code, int depth, int in_function, int on_exception,
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
    /* Only code that runs as its module loads (module and class bodies)
     * needs its flow followed: a function's imports run late anyway. */
    unsigned char *reached = in_function ? NULL : normal_flow(code, insns, size / 2);
    /* per co_consts index: bit 1 loaded on the normal path, bit 2 loaded */
    unsigned char *loaded = in_function ? NULL : calloc((size_t)nconsts + 1, 1);
    if (!in_function && (reached == NULL || loaded == NULL)) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
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
        if (offset < skip_end) {
            if (op == PF_PY_OP_LOAD_CONST && arg < (uint64_t)nconsts &&
                PyCode_Check(PyTuple_GET_ITEM(code->co_consts, arg))) {
                if (skipped == NULL && (skipped = calloc((size_t)nconsts, 1)) == NULL) {
                    status = pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
                    break;
                }
                skipped[arg] = 1;
            }
        } else if (op == PF_PY_OP_IMPORT_NAME) {
            int off_path = on_exception || (reached != NULL && !reached[offset / 2]);
            status = report_import(code, in_function, off_path, offset, arg, &window[2], &window[3],
                                   fn, ctx, err);
        } else if (op == PF_PY_OP_LOAD_CONST && arg < (uint64_t)nconsts) {
            if (loaded != NULL && reached != NULL) {
                loaded[arg] |= (unsigned char)(2 | reached[offset / 2]);
            }
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
            /* made only where an exception leads (a class defined in an
             * `except` block); a code object never loaded keeps the flag */
            int handler_only = on_exception || (loaded != NULL && loaded[i] == 2);
            status = scan_code((PyCodeObject *)c, depth + 1, in_function, handler_only, flags, fn,
                               ctx, err);
        }
    }
    free(skipped);
    free(reached);
    free(loaded);
    return status;
}

int pfz_scan_imports(PyObject *code, unsigned flags, pfz_import_fn fn, void *ctx, pf_error *err)
{
    if (code == NULL || !PyCode_Check(code) || fn == NULL) {
        return pf_error_set(err, PF_ERR_USAGE, "pfz_scan_imports needs a code object");
    }
    return scan_code((PyCodeObject *)code, 0, 0, 0, flags, fn, ctx, err);
}
