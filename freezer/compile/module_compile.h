/* module_compile.h - stage 2 of the freezer: one module's source to a code
 * object and the .pyc bytes the payload holds. Inputs in (the source file,
 * its payload path, the interpreter's compile settings), code object and
 * .pyc bytes out; it knows nothing of the import graph.
 *
 * A module's bytecode comes from the first of: the .pyc CPython wrote in an
 * installed module's __pycache__ (pycache.h), the freezer's own cache
 * (bytecode_cache.h), CPython's compiler. Whichever it is, the .pyc has a
 * PEP 552 unchecked-hash header and the code's co_filename is the
 * payload-relative name, so no build path enters the payload. Needs the
 * embedded interpreter started (python_host.h). This header includes
 * Python.h, which CPython wants before any system header: include it first,
 * or after Python.h. */
#ifndef PFZ_MODULE_COMPILE_H
#define PFZ_MODULE_COMPILE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>

#include "bytecode_cache.h"
#include "pf_error.h"
#include "py_error.h"

/* What every compile shares: the running interpreter's settings and the
 * _imp functions used (borrowed; the caller keeps them alive). */
typedef struct pfz_compiler {
    long magic;                /* PyImport_GetMagicNumber(): the .pyc magic, little-endian */
    const char *cache_tag;     /* sys.implementation.cache_tag, e.g. "cpython-311" */
    int optimize;              /* 0, 1 or 2 as python -O/-OO */
    pfz_cache *cache;          /* compiled modules to reuse and keep, or NULL */
    PyObject *source_hash;     /* _imp.source_hash */
    PyObject *fix_co_filename; /* _imp._fix_co_filename */
    /* When the packed stdlib (the PVM's) is not the host's: both directories,
     * so a stdlib module with no __pycache__ of its own can take the .pyc the
     * host's Python wrote for a byte-identical source file (the same 3.11.2
     * sources with Debian's patches: code_of in module_compile.c). NULL: not
     * looked for. */
    const char *stdlib_dir;      /* the packed stdlib, e.g. .../pvm/lib/python3.11 */
    const char *host_stdlib_dir; /* the host interpreter's, e.g. /usr/lib/python3.11 */
} pfz_compiler;

/* One module to compile. */
typedef struct pfz_compile_input {
    const char *origin;      /* absolute path of its .py file */
    const char *member_path; /* its tar path, "lib/" ... ".pyc" (payload.h) */
    int is_stdlib;           /* 1: found in the host's stdlib directories */
    int keep_source;         /* 1: return the source bytes read (--include-source) */
} pfz_compile_input;

/* The result; every pointer is owned by the caller after PF_OK. */
typedef struct pfz_compiled {
    PyObject *code;     /* new reference to the code object */
    uint8_t *pyc;       /* malloc'd .pyc bytes: 16-byte PEP 552 header + marshal data */
    size_t pyc_size;    /* bytes */
    char *source;       /* with keep_source: malloc'd source bytes as read, else NULL */
    size_t source_size; /* bytes */
    int from_pycache;   /* 1: the bytecode came from CPython's __pycache__ */
} pfz_compiled;

/* pfz_compile_module: reads and compiles in->origin (or takes its bytecode
 * from CPython's __pycache__ when the module is installed, or from
 * c->cache), with
 * co_filename the member path without "lib/" and with ".py", the name the
 * runtime shows under the executable. On PF_OK *out is filled (see
 * pfz_compiled); otherwise it holds nothing. Errors: PF_ERR_IO (the source
 * cannot be read: the message names it), PF_ERR_PYTHON (a syntax or compile
 * error: the message says which file to fix, and *pyerr, when not NULL,
 * receives the exception's text as python3 prints it; or a failure of the
 * interpreter itself: the message says what failed, *pyerr untouched),
 * PF_ERR_NOMEM. */
int pfz_compile_module(const pfz_compiler *c, const pfz_compile_input *in, pfz_compiled *out,
                       pfz_python_error *pyerr, pf_error *err);

/* pfz_read_source: the whole file at path into a malloc'd (the caller
 * frees it), NUL-terminated buffer *out of *size bytes (the NUL not
 * counted); *mtime is its modification time in whole seconds, as
 * int(os.stat(path).st_mtime). Returns PF_OK, PF_ERR_IO (not a regular
 * file, larger than 64 MiB, or unreadable: the message names the file),
 * PF_ERR_NOMEM. */
int pfz_read_source(const char *path, char **out, size_t *size, int64_t *mtime, pf_error *err);

#endif
