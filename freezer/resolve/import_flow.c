/* import_flow.c - the control flow of one CPython 3.11 code object: its
 * regions (normal path, exception handlers, blocks that never run on
 * Linux) and where each instruction sits; see import_flow.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "import_flow.h"

#include <opcode.h> /* CPython's own numbers, checked against cpython311.h's */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpython311.h"

/* What a region is; the normal path is region 1, 0 means unreached. */
enum { REGION_MAIN = 1, REGION_HANDLER, REGION_TYPE_CHECKING, REGION_OTHER_OS };

typedef struct region {
    int kind;       /* REGION_* */
    size_t parent;  /* the region the guard or try body sits in (0 for the main one) */
    size_t handler; /* REGION_HANDLER: index into flow->handlers */
} region;

/* One exception handler: a target of the exception table. */
typedef struct handler {
    size_t target;     /* unit of its first instruction (PUSH_EXC_INFO) */
    size_t span_start; /* the units the entries naming it cover: [span_start, span_end) */
    size_t span_end;
    int walked;  /* its region exists */
    int catches; /* an `except` clause catches a failed import (import_flow.h) */
    int imports; /* its region (or one nested in it) holds an IMPORT_NAME */
} handler;

/* A POP_JUMP_FORWARD_IF_* whose outcome on Linux is known. */
typedef struct known_jump {
    size_t unit;
    int always; /* 1: always jumps, 0: never jumps */
    int kind;   /* REGION_TYPE_CHECKING or REGION_OTHER_OS */
    int walked;
} known_jump;

struct pfz_flow {
    const unsigned char *insns;
    size_t units;
    uint32_t *args;          /* each unit's full argument (EXTENDED_ARG applied) */
    size_t *regionof;        /* each unit's region, 0 when unreached */
    signed char *jump;       /* per unit: 1 always jumps, -1 never jumps, 0 as coded */
    unsigned char *catch_at; /* per unit: 1 at an `except` clause that catches a failed
                                import (its CHECK_EXC_MATCH, or a bare one's POP_TOP) */
    region *regions;
    size_t region_count, region_capacity;
    handler *handlers;
    size_t handler_count;
    known_jump *known;
    size_t known_count, known_capacity;
};

/* op_at: the opcode at unit u. */
static int op_at(const pfz_flow *f, size_t u)
{
    return f->insns[2 * u];
}

/* jump_target: see import_scan.c; SIZE_MAX when op does not jump. */
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

/* name_of: the co_names entry an instruction names (LOAD_GLOBAL keeps a
 * flag in its low bit: Python/ceval.c), or NULL. */
static PyObject *name_of(PyCodeObject *code, int op, uint32_t arg)
{
    if (op == PF_PY_OP_LOAD_GLOBAL) {
        arg >>= 1;
    } else if (op != PF_PY_OP_LOAD_NAME && op != PF_PY_OP_LOAD_ATTR && op != PF_PY_OP_LOAD_METHOD) {
        return NULL;
    }
    return arg < (uint64_t)PyTuple_GET_SIZE(code->co_names) ? PyTuple_GET_ITEM(code->co_names, arg)
                                                            : NULL;
}

/* is_name: 1 when instruction (op, arg) names the str text. */
static int is_name(PyCodeObject *code, int op, uint32_t arg, const char *text)
{
    PyObject *n = name_of(code, op, arg);
    return n != NULL && PyUnicode_CheckExact(n) && PyUnicode_CompareWithASCIIString(n, text) == 0;
}

/* const_of: co_consts[arg] for a LOAD_CONST, else NULL. */
static PyObject *const_of(PyCodeObject *code, int op, uint32_t arg)
{
    return op == PF_PY_OP_LOAD_CONST && arg < (uint64_t)PyTuple_GET_SIZE(code->co_consts)
               ? PyTuple_GET_ITEM(code->co_consts, arg)
               : NULL;
}

/* matches: whether `value` (Linux's sys.platform or os.name) passes test
 * `how` against constant c: 0 ==, 1 in, 2 startswith; -1 when c is not a
 * str (or for `in`/startswith a tuple of str). */
static int matches(const char *value, int how, PyObject *c)
{
    if (PyUnicode_CheckExact(c)) {
        const char *s = PyUnicode_AsUTF8(c);
        if (s == NULL) {
            PyErr_Clear();
            return -1;
        }
        return how == 2 ? strncmp(value, s, strlen(s)) == 0 : strcmp(value, s) == 0;
    }
    if (how == 0 || !(PyTuple_CheckExact(c) || PyFrozenSet_CheckExact(c))) {
        return -1;
    }
    PyObject *it = PyObject_GetIter(c);
    int result = it != NULL ? 0 : -1;
    for (PyObject *item; it != NULL && (item = PyIter_Next(it)) != NULL;) {
        int m = PyUnicode_CheckExact(item) ? matches(value, how, item) : -1;
        Py_DECREF(item);
        if (m != 0) {
            result = m;
            break;
        }
    }
    Py_XDECREF(it);
    PyErr_Clear();
    return result;
}

/* platform_value: for the subject of a test (instructions w[0] = its
 * module, w[1] = the attribute), Linux's value: "linux" for sys.platform,
 * "posix" for os.name; NULL for anything else. */
static const char *platform_value(PyCodeObject *code, const int *ops, const uint32_t *args)
{
    if (ops[0] != PF_PY_OP_LOAD_NAME && ops[0] != PF_PY_OP_LOAD_GLOBAL) {
        return NULL;
    }
    if (ops[1] == PF_PY_OP_LOAD_ATTR && is_name(code, ops[1], args[1], "platform") &&
        (is_name(code, ops[0], args[0], "sys") || is_name(code, ops[0], args[0], "_sys"))) {
        return "linux";
    }
    if (ops[1] == PF_PY_OP_LOAD_ATTR && is_name(code, ops[1], args[1], "name") &&
        (is_name(code, ops[0], args[0], "os") || is_name(code, ops[0], args[0], "_os"))) {
        return "posix";
    }
    return NULL;
}

/* condition_value: the value on Linux of the condition the last n real
 * instructions (ops/args, oldest first) compute, 0 or 1, with *kind set to
 * REGION_TYPE_CHECKING or REGION_OTHER_OS; -1 when it is not known. */
static int condition_value(PyCodeObject *code, const int *ops, const uint32_t *args, int n,
                           int *kind)
{
    const int *o = ops + n;
    const uint32_t *a = args + n;
    if (n >= 1 && is_name(code, o[-1], a[-1], "TYPE_CHECKING") &&
        (o[-1] == PF_PY_OP_LOAD_NAME || o[-1] == PF_PY_OP_LOAD_GLOBAL ||
         o[-1] == PF_PY_OP_LOAD_ATTR)) {
        *kind = REGION_TYPE_CHECKING;
        return 0;
    }
    *kind = REGION_OTHER_OS;
    const char *value;
    if (n >= 4 && o[-1] == PF_PY_OP_COMPARE_OP && (a[-1] == Py_EQ || a[-1] == Py_NE) &&
        (value = platform_value(code, o - 4, a - 4)) != NULL) {
        PyObject *c = const_of(code, o[-2], a[-2]);
        int m = c != NULL ? matches(value, 0, c) : -1;
        return m < 0 ? -1 : m ^ (a[-1] == Py_NE);
    }
    if (n >= 4 && o[-1] == PF_PY_OP_CONTAINS_OP &&
        (value = platform_value(code, o - 4, a - 4)) != NULL) {
        PyObject *c = const_of(code, o[-2], a[-2]);
        int m = c != NULL ? matches(value, 1, c) : -1;
        return m < 0 ? -1 : m ^ (a[-1] != 0);
    }
    if (n >= 6 && o[-1] == PF_PY_OP_CALL && a[-1] == 1 && o[-2] == PF_PY_OP_PRECALL &&
        o[-4] == PF_PY_OP_LOAD_METHOD && is_name(code, o[-4], a[-4], "startswith") &&
        (value = platform_value(code, o - 6, a - 6)) != NULL) {
        PyObject *c = const_of(code, o[-3], a[-3]);
        return c != NULL ? matches(value, 2, c) : -1;
    }
    return -1;
}

/* add_region: appends a region; its index in *id. */
static int add_region(pfz_flow *f, int kind, size_t parent, size_t handler_idx, size_t *id,
                      pf_error *err)
{
    if (f->region_count == f->region_capacity) {
        size_t cap = f->region_capacity * 2 + 8;
        region *grown = realloc(f->regions, cap * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
        }
        f->regions = grown;
        f->region_capacity = cap;
    }
    f->regions[f->region_count] = (region){kind, parent, handler_idx};
    *id = f->region_count++;
    return PF_OK;
}

/* walk: marks with region id every unit reachable from start along the
 * normal flow (known jumps as known) that no region holds yet. stack has
 * room for units + 1 entries. */
static void walk(pfz_flow *f, size_t start, size_t id, size_t *stack)
{
    size_t pending = 0;
    if (start < f->units && f->regionof[start] == 0) {
        stack[pending++] = start;
    }
    while (pending > 0) {
        size_t u = stack[--pending];
        for (; u < f->units && f->regionof[u] == 0; u++) {
            f->regionof[u] = id;
            int op = op_at(f, u);
            size_t target = jump_target(op, f->args[u], u);
            if (f->jump[u] >= 0 && target < f->units && f->regionof[target] == 0) {
                stack[pending++] = target; /* each unit is pushed at most once per mark */
            }
            if (f->jump[u] > 0 || !falls_through(op)) {
                break;
            }
        }
    }
}

/* parse_table: the handlers of code's exception table: varint entries of
 * start, length, target, depth/lasti, in units (Lib/dis.py
 * _parse_exception_table); entries with the same target are merged. */
static int parse_table(pfz_flow *f, PyCodeObject *code, pf_error *err)
{
    PyObject *table = code->co_exceptiontable;
    if (table == NULL || !PyBytes_Check(table)) {
        return PF_OK;
    }
    const unsigned char *p = (const unsigned char *)PyBytes_AS_STRING(table);
    size_t size = (size_t)PyBytes_GET_SIZE(table), pos = 0;
    f->handlers = calloc(size / 4 + 1, sizeof *f->handlers); /* an entry is 4+ bytes */
    if (f->handlers == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
    }
    while (pos < size) {
        uint64_t v[4];
        for (int k = 0; k < 4; k++) {
            if (pos >= size) {
                return pf_error_set(err, PF_ERR_CORRUPT, "exception table cut short");
            }
            unsigned b = p[pos++];
            v[k] = b & 63;
            while ((b & 64) != 0 && pos < size && v[k] < (UINT64_C(1) << 40)) {
                b = p[pos++];
                v[k] = (v[k] << 6) | (b & 63);
            }
        }
        if (v[0] + v[1] > f->units || v[2] >= f->units) {
            return pf_error_set(err, PF_ERR_CORRUPT, "exception table entry past the code");
        }
        size_t h = 0;
        while (h < f->handler_count && f->handlers[h].target != v[2]) {
            h++;
        }
        if (h == f->handler_count) {
            f->handlers[f->handler_count++] =
                (handler){.target = v[2], .span_start = v[0], .span_end = v[0] + v[1]};
        } else {
            if (v[0] < f->handlers[h].span_start) {
                f->handlers[h].span_start = v[0];
            }
            if (v[0] + v[1] > f->handlers[h].span_end) {
                f->handlers[h].span_end = v[0] + v[1];
            }
        }
    }
    return PF_OK;
}

/* catches_import: whether exception name n is one whose handler catches a
 * failed import. */
static int catches_import(PyObject *n)
{
    static const char *const names[] = {"ImportError", "ModuleNotFoundError", "Exception",
                                        "BaseException"};
    for (size_t k = 0; n != NULL && k < sizeof names / sizeof *names; k++) {
        if (PyUnicode_CheckExact(n) && PyUnicode_CompareWithASCIIString(n, names[k]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* decode: args, the known jumps, and each handler's `catches`, in one
 * pass over the instructions. */
static int decode(pfz_flow *f, PyCodeObject *code, pf_error *err)
{
    enum { WINDOW = 8 };
    int ops[WINDOW] = {0};
    uint32_t wargs[WINDOW] = {0};
    int seen = 0; /* real instructions in the window */
    uint32_t extended = 0;
    for (size_t u = 0; u < f->units; u++) {
        int op = op_at(f, u);
        f->args[u] = (extended << 8) | f->insns[2 * u + 1];
        extended = op == PF_PY_OP_EXTENDED_ARG ? f->args[u] : 0;
        if (op == PF_PY_OP_EXTENDED_ARG || op == PF_PY_OP_CACHE) {
            continue;
        }
        if (op == PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE || op == PF_PY_OP_POP_JUMP_FORWARD_IF_TRUE) {
            int kind, value = condition_value(code, ops, wargs, seen, &kind);
            if (value >= 0) {
                int always = value == (op == PF_PY_OP_POP_JUMP_FORWARD_IF_TRUE);
                f->jump[u] = (signed char)(always ? 1 : -1);
                if (f->known_count == f->known_capacity) {
                    size_t cap = f->known_capacity * 2 + 8;
                    known_jump *grown = realloc(f->known, cap * sizeof *grown);
                    if (grown == NULL) {
                        return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
                    }
                    f->known = grown;
                    f->known_capacity = cap;
                }
                f->known[f->known_count++] = (known_jump){u, always, kind, 0};
            }
        }
        if (op == PF_PY_OP_CHECK_EXC_MATCH) {
            /* the names loaded for this clause: `except (A, b.C):` */
            for (int k = seen - 1;
                 k >= 0 && (ops[k] == PF_PY_OP_LOAD_NAME || ops[k] == PF_PY_OP_LOAD_GLOBAL ||
                            ops[k] == PF_PY_OP_LOAD_ATTR || ops[k] == PF_PY_OP_BUILD_TUPLE);
                 k--) {
                f->catch_at[u] |= (unsigned char)catches_import(name_of(code, ops[k], wargs[k]));
            }
        }
        /* a bare `except:` after other clauses: where the last test jumps
         * when it fails, its POP_TOP */
        if (op == PF_PY_OP_POP_JUMP_FORWARD_IF_FALSE && seen > 0 &&
            ops[seen - 1] == PF_PY_OP_CHECK_EXC_MATCH) {
            size_t t = jump_target(op, f->args[u], u);
            if (t < f->units && op_at(f, t) == PF_PY_OP_POP_TOP) {
                f->catch_at[t] = 1;
            }
        }
        if (seen == WINDOW) {
            memmove(ops, ops + 1, (WINDOW - 1) * sizeof ops[0]);
            memmove(wargs, wargs + 1, (WINDOW - 1) * sizeof wargs[0]);
            seen--;
        }
        ops[seen] = op;
        wargs[seen++] = f->args[u];
    }
    /* a bare `except:` alone: POP_TOP right after PUSH_EXC_INFO */
    for (size_t h = 0; h < f->handler_count; h++) {
        size_t t = f->handlers[h].target;
        if (op_at(f, t) == PF_PY_OP_PUSH_EXC_INFO && t + 1 < f->units &&
            op_at(f, t + 1) == PF_PY_OP_POP_TOP) {
            f->catch_at[t + 1] = 1;
        }
    }
    return PF_OK;
}

/* mark_importing_handlers: sets `imports` on each handler whose region, or
 * a region nested in it, holds an IMPORT_NAME: the handler of a fallback
 * (`except ImportError: from _pydecimal import *`). */
static void mark_importing_handlers(pfz_flow *f)
{
    for (size_t u = 0; u < f->units; u++) {
        if (op_at(f, u) != PF_PY_OP_IMPORT_NAME) {
            continue;
        }
        /* an import under a block that never runs imports nothing */
        for (size_t x = f->regionof[u]; x != 0 && f->regions[x].kind != REGION_TYPE_CHECKING &&
                                        f->regions[x].kind != REGION_OTHER_OS;
             x = f->regions[x].parent) {
            if (f->regions[x].kind == REGION_HANDLER) {
                f->handlers[f->regions[x].handler].imports = 1;
            }
        }
    }
}

/* walk_regions: the main region from unit 0, then, until nothing changes,
 * each handler whose try body is reached and the skipped side of each
 * known jump that is reached, as regions nested in where they start. */
static int walk_regions(pfz_flow *f, size_t *stack, pf_error *err)
{
    size_t id = 0; /* set by add_region; gcc -O3 cannot see it */
    int status = add_region(f, REGION_MAIN, 0, 0, &id, err);
    if (status != PF_OK) {
        return status;
    }
    walk(f, 0, id, stack);
    for (int progress = 1; progress && status == PF_OK;) {
        progress = 0;
        for (size_t h = 0; h < f->handler_count && status == PF_OK; h++) {
            handler *hd = &f->handlers[h];
            if (hd->walked || hd->span_start >= f->units || f->regionof[hd->span_start] == 0) {
                continue;
            }
            status = add_region(f, REGION_HANDLER, f->regionof[hd->span_start], h, &id, err);
            walk(f, hd->target, id, stack);
            hd->walked = progress = 1;
        }
        for (size_t k = 0; k < f->known_count && status == PF_OK; k++) {
            known_jump *j = &f->known[k];
            if (j->walked || f->regionof[j->unit] == 0) {
                continue;
            }
            status = add_region(f, j->kind, f->regionof[j->unit], 0, &id, err);
            size_t other =
                j->always ? j->unit + 1 : jump_target(op_at(f, j->unit), f->args[j->unit], j->unit);
            walk(f, other, id, stack);
            j->walked = progress = 1;
        }
    }
    for (size_t u = 0; u < f->units; u++) {
        const region *rg = &f->regions[f->regionof[u]];
        if (f->catch_at[u] && rg->kind == REGION_HANDLER) {
            f->handlers[rg->handler].catches = 1;
        }
    }
    return status;
}

int pfz_flow_build(PyCodeObject *code, const unsigned char *insns, size_t units, pfz_flow **out,
                   pf_error *err)
{
    *out = NULL;
    pfz_flow *f = calloc(1, sizeof *f);
    size_t *stack = malloc((units + 1) * sizeof *stack);
    if (f == NULL || stack == NULL) {
        free(f);
        free(stack);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode");
    }
    f->insns = insns;
    f->units = units;
    f->args = calloc(units + 1, sizeof *f->args);
    f->regionof = calloc(units + 1, sizeof *f->regionof);
    f->jump = calloc(units + 1, sizeof *f->jump);
    f->catch_at = calloc(units + 1, sizeof *f->catch_at);
    size_t unreached;
    int status = f->args == NULL || f->regionof == NULL || f->jump == NULL || f->catch_at == NULL
                     ? pf_error_set(err, PF_ERR_NOMEM, "out of memory reading bytecode")
                     : add_region(f, 0, 0, 0, &unreached, err);
    if (status == PF_OK) {
        status = parse_table(f, code, err);
    }
    if (status == PF_OK) {
        status = decode(f, code, err);
    }
    if (status == PF_OK) {
        status = walk_regions(f, stack, err);
    }
    if (status == PF_OK) {
        mark_importing_handlers(f);
    }
    free(stack);
    if (status != PF_OK) {
        pfz_flow_free(f);
        return status;
    }
    *out = f;
    return PF_OK;
}

void pfz_flow_place_of(const pfz_flow *f, size_t unit, pfz_flow_place *place)
{
    memset(place, 0, sizeof *place);
    size_t r = unit < f->units ? f->regionof[unit] : 0;
    place->guard = r == 0 ? PFZ_GUARD_HANDLER : PFZ_GUARD_NONE;
    /* regions are made after their parents: the chain ends at 0 */
    for (size_t x = r; x != 0 && place->guard == PFZ_GUARD_NONE; x = f->regions[x].parent) {
        if (f->regions[x].kind == REGION_TYPE_CHECKING) {
            place->guard = PFZ_GUARD_TYPE_CHECKING;
        } else if (f->regions[x].kind == REGION_OTHER_OS) {
            place->guard = PFZ_GUARD_OTHER_OS;
        }
    }
    for (size_t x = r; x != 0 && place->guard == PFZ_GUARD_NONE; x = f->regions[x].parent) {
        if (f->regions[x].kind == REGION_HANDLER) {
            const handler *h = &f->handlers[f->regions[x].handler];
            place->guard = h->catches ? PFZ_GUARD_FALLBACK : PFZ_GUARD_HANDLER;
            if (h->catches) {
                place->try_start = h->span_start;
                place->try_end = h->span_end;
            }
        }
    }
    for (size_t h = 0; h < f->handler_count; h++) {
        if (f->handlers[h].catches && f->handlers[h].span_start <= unit &&
            unit < f->handlers[h].span_end) {
            place->in_try = f->handlers[h].imports || place->in_try == 2 ? 2 : 1;
        }
    }
}

void pfz_flow_free(pfz_flow *f)
{
    if (f == NULL) {
        return;
    }
    free(f->args);
    free(f->regionof);
    free(f->jump);
    free(f->catch_at);
    free(f->regions);
    free(f->handlers);
    free(f->known);
    free(f);
}
