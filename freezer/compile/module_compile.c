/* module_compile.c - turns a module's source into a code object and the
 * .pyc bytes the payload holds: stage 2 of the freezer, for the resolver
 * (module_graph_internal.h: pfz_mg_compile_module).
 *
 * A module's bytecode comes from the first of: the .pyc CPython wrote in an
 * installed module's __pycache__ (pycache.h), the freezer's own cache
 * (bytecode_cache.h), CPython's compiler. Whichever it is, the packed .pyc
 * has a PEP 552 unchecked-hash header and the code's co_filename is the
 * payload-relative name, so no build path enters the payload. A syntax
 * error is printed as python3 prints it. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include "module_graph_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "payload.h"
#include "pycache.h"

/* Largest source file read, in bytes: far above any real module, low enough
 * that a wrong path (a disk image named .py) fails clearly. */
#define PFZ_MAX_SOURCE_SIZE (64u * 1024u * 1024u)

int pfz_mg_read_source(const char *path, char **out, size_t *size, int64_t *mtime, pf_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "cannot read %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "cannot read %s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > PFZ_MAX_SOURCE_SIZE) {
        close(fd);
        return pf_error_set(err, PF_ERR_IO, "cannot read %s: larger than %u bytes", path,
                            PFZ_MAX_SOURCE_SIZE);
    }
    size_t cap = (size_t)st.st_size;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return pfz_mg_nomem(err);
    }
    size_t used = 0;
    while (used < cap) { /* a file that shrinks while read is read as it is now */
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            close(fd);
            free(buf);
            return pf_error_set(err, PF_ERR_IO, "cannot read %s: %s", path, strerror(e));
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *out = buf;
    *size = used;
    /* int() of a float truncates toward zero: -1.5 s is -1 */
    *mtime = (int64_t)st.st_mtim.tv_sec + (st.st_mtim.tv_sec < 0 && st.st_mtim.tv_nsec > 0);
    return PF_OK;
}

/* report_compile_error: prints the pending compile exception as python3
 * would print it for the file at path (the exception's filename is set to
 * path: the compiler saw the payload-relative name), then clears it.
 * Returns PF_ERR_PYTHON. */
static int report_compile_error(resolver *r, const char *path, pf_error *err)
{
    r->printed = 1;
    int syntax = PyErr_ExceptionMatches(PyExc_SyntaxError);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (syntax && value != NULL) {
        PyObject *file = PyUnicode_DecodeFSDefault(path);
        if (file == NULL || PyObject_SetAttrString(value, "filename", file) < 0) {
            PyErr_Clear();
        }
        Py_XDECREF(file);
    } else if (r->opts->diag != NULL) {
        fprintf(r->opts->diag, "pyfreeze: error: cannot compile %s:\n", path);
    }
    if (r->opts->diag != NULL) {
        fflush(r->opts->diag);
    }
    fflush(stderr);
    PyErr_Restore(type, value, tb);
    PyErr_PrintEx(0);
    PyObject *out = PySys_GetObject("stderr"); /* borrowed */
    if (out != NULL && out != Py_None) {
        PyObject *res = PyObject_CallMethod(out, "flush", NULL);
        Py_XDECREF(res);
    }
    PyErr_Clear();
    return pf_error_set(err, PF_ERR_PYTHON, "%s %s: fix it and freeze again", path,
                        syntax ? "has a syntax error" : "cannot be compiled");
}

/* null_byte_error: raises the SyntaxError CPython 3.12 gives for a NUL byte
 * in source (3.11's compile() raises a ValueError naming no file). */
static void null_byte_error(const char *path, const char *src, const char *nul)
{
    long line = 1;
    for (const char *p = src; p < nul; p++) {
        line += *p == '\n';
    }
    PyObject *args = Py_BuildValue("(s(NlOO))", "source code cannot contain null bytes",
                                   PyUnicode_DecodeFSDefault(path), line, Py_None, Py_None);
    if (args != NULL) {
        PyErr_SetObject(PyExc_SyntaxError, args);
        Py_DECREF(args);
    }
}

/* source_hash_of: _imp.source_hash(magic, src) (PEP 552: the hash a
 * hash-based .pyc records) into hash[8]. */
static int source_hash_of(resolver *r, const char *src, size_t src_size, uint8_t hash[8],
                          pf_error *err)
{
    PyObject *view = PyMemoryView_FromMemory((char *)src, (Py_ssize_t)src_size, PyBUF_READ);
    PyObject *h = view != NULL ? PyObject_CallFunction(r->source_hash, "lO", r->magic, view) : NULL;
    Py_XDECREF(view);
    if (h == NULL || !PyBytes_Check(h) || PyBytes_GET_SIZE(h) != 8) {
        Py_XDECREF(h);
        if (!PyErr_Occurred()) {
            return pf_error_set(err, PF_ERR_PYTHON, "_imp.source_hash gave no 8-byte hash");
        }
        return pfz_mg_py_fail(err, "_imp.source_hash failed");
    }
    memcpy(hash, PyBytes_AS_STRING(h), 8);
    Py_DECREF(h);
    return PF_OK;
}

/* build_pyc: the .pyc bytes for code compiled from a source whose
 * _imp.source_hash is hash: PEP 552 header (magic, flags = unchecked hash,
 * hash) and marshal data. Stores them in module idx. */
static int build_pyc(resolver *r, size_t idx, PyObject *code, const uint8_t hash[8], pf_error *err)
{
    PyObject *data = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
    if (data == NULL) {
        return pfz_mg_py_fail(err, "marshal failed");
    }
    size_t data_size = (size_t)PyBytes_GET_SIZE(data);
    uint8_t *pyc = malloc(PF_PYC_HEADER_SIZE + data_size);
    if (pyc == NULL) {
        Py_DECREF(data);
        return pfz_mg_nomem(err);
    }
    uint32_t magic = (uint32_t)r->magic, flags = PF_PYC_FLAG_HASH_BASED;
    for (int i = 0; i < 4; i++) {
        pyc[i] = (uint8_t)(magic >> (8 * i));
        pyc[4 + i] = (uint8_t)(flags >> (8 * i));
    }
    memcpy(pyc + 8, hash, 8);
    memcpy(pyc + PF_PYC_HEADER_SIZE, PyBytes_AS_STRING(data), data_size);
    Py_DECREF(data);
    r->g->modules[idx].pyc = pyc;
    r->g->modules[idx].pyc_size = PF_PYC_HEADER_SIZE + data_size;
    return PF_OK;
}

/* cached_code: module idx's code from the cache (bytecode_cache.h), for a
 * source of src_size bytes hashing to hash. On a hit returns a new
 * reference to the code object unmarshalled from the entry and stores the
 * entry's .pyc bytes in the module; otherwise NULL (no exception set): an
 * entry whose marshal data does not load as a code object is not trusted. */
static PyObject *cached_code(resolver *r, size_t idx, const pfz_pyc_key *key, size_t src_size,
                             const uint8_t hash[8])
{
    uint8_t *pyc = NULL;
    size_t pyc_size = 0;
    if (!pfz_cache_pyc_get(r->opts->cache, key, src_size, hash, &pyc, &pyc_size)) {
        return NULL;
    }
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)pyc + PF_PYC_HEADER_SIZE,
                                                    (Py_ssize_t)(pyc_size - PF_PYC_HEADER_SIZE));
    if (code == NULL || !PyCode_Check(code)) {
        PyErr_Clear();
        Py_XDECREF(code);
        free(pyc);
        return NULL;
    }
    r->g->modules[idx].pyc = pyc;
    r->g->modules[idx].pyc_size = pyc_size;
    return code;
}

/* installed_module: whether module m belongs to the Python installation
 * (the stdlib) or to an installed distribution (a site-packages or
 * dist-packages directory), whose __pycache__ was written when it was
 * installed. The program's own modules are always compiled: their
 * __pycache__ depends on what was run in the working tree, and the output
 * must not (marshal data of the same code can differ in its bytes). */
static int installed_module(const pfz_module *m)
{
    return m->is_stdlib || strstr(m->origin, "/site-packages/") != NULL ||
           strstr(m->origin, "/dist-packages/") != NULL;
}

/* pycache_code: module idx's code from the .pyc CPython wrote beside its
 * source (pycache.h), with co_filename set to filename as the compiler
 * would have set it (_imp._fix_co_filename, as SourceLoader does). Returns
 * a new reference, or NULL (no exception set) on a miss: no valid entry, or
 * data that is not a code object. */
static PyObject *pycache_code(resolver *r, const pfz_module *m, const pfz_pycache_source *src,
                              PyObject *filename)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (!installed_module(m) ||
        !pfz_pycache_read(src, (uint32_t)r->magic, r->cache_tag, r->opts->optimize, &data, &size)) {
        return NULL;
    }
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)data, (Py_ssize_t)size);
    free(data);
    PyObject *fixed = code != NULL && PyCode_Check(code)
                          ? PyObject_CallFunctionObjArgs(r->fix_co_filename, code, filename, NULL)
                          : NULL;
    if (fixed == NULL) {
        PyErr_Clear();
        Py_XDECREF(code);
        return NULL;
    }
    Py_DECREF(fixed);
    return code;
}

/* keep_source: with opts->include_source, module idx keeps src (size bytes,
 * malloc'd) as its source to pack; otherwise src is freed. */
static void keep_source(resolver *r, size_t idx, char *src, size_t size)
{
    if (!r->opts->include_source) {
        free(src);
        return;
    }
    free(r->g->modules[idx].source);
    r->g->modules[idx].source = src;
    r->g->modules[idx].source_size = size;
}

int pfz_mg_compile_module(resolver *r, size_t idx, PyObject **code, pf_error *err)
{
    const pfz_module *m = &r->g->modules[idx];
    char *src = NULL;
    size_t size = 0;
    int64_t mtime;
    int status = pfz_mg_read_source(m->origin, &src, &size, &mtime, err);
    if (status != PF_OK) {
        return status;
    }
    const char *nul = memchr(src, '\0', size);
    if (nul != NULL) {
        null_byte_error(m->origin, src, nul);
        free(src);
        return report_compile_error(r, m->origin, err);
    }
    uint8_t hash[8];
    size_t mlen = strlen(m->member_path); /* "lib/" ... ".pyc" */
    char *code_filename = strndup(m->member_path + 4, mlen - 5);
    if (code_filename == NULL) {
        free(src);
        return pfz_mg_nomem(err);
    }
    status = source_hash_of(r, src, size, hash, err);
    PyObject *filename = status == PF_OK ? PyUnicode_DecodeFSDefault(code_filename) : NULL;
    if (status == PF_OK && filename == NULL) {
        status = pfz_mg_py_fail(err, "cannot build a code filename");
    }
    if (status != PF_OK) {
        free(code_filename);
        free(src);
        return status;
    }
    /* An installed module's own __pycache__ entry first; such modules do
     * not go through the freezer's cache: reading that entry costs what
     * reading ours would, and a cold freeze would create a file for each. */
    pfz_pycache_source pycache_src = {m->origin, size, mtime, hash};
    *code = pycache_code(r, m, &pycache_src, filename);
    int from_pycache = *code != NULL;
    r->g->from_pycache += (size_t)from_pycache;
    pfz_pyc_key key = {.source_path = m->origin,
                       .code_filename = code_filename,
                       .magic = (uint32_t)r->magic,
                       .optimize = r->opts->optimize};
    if (!from_pycache && (*code = cached_code(r, idx, &key, size, hash)) != NULL) {
        Py_DECREF(filename);
        free(code_filename);
        keep_source(r, idx, src, size);
        return PF_OK;
    }
    if (!from_pycache) {
        PyCompilerFlags flags = _PyCompilerFlags_INIT; /* inherits nothing: dont_inherit */
        *code = Py_CompileStringObject(src, filename, Py_file_input, &flags, r->opts->optimize);
    }
    Py_DECREF(filename);
    if (*code == NULL) {
        free(code_filename);
        free(src);
        return report_compile_error(r, m->origin, err);
    }
    keep_source(r, idx, src, size);
    status = build_pyc(r, idx, *code, hash, err);
    if (status != PF_OK) {
        Py_CLEAR(*code);
    } else if (!from_pycache) {
        pfz_cache_pyc_put(r->opts->cache, &key, size, r->g->modules[idx].pyc,
                          r->g->modules[idx].pyc_size);
    }
    free(code_filename);
    return status;
}
