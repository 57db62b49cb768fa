/* module_compile.c - turns a module's source into a code object and the
 * .pyc bytes the payload holds (stage 2 of the freezer); see
 * module_compile.h. A syntax error comes back as the text python3 would
 * print for it (py_error.h), never printed here. */
#include "module_compile.h"

#include <marshal.h>

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

/* compile_nomem: records an allocation failure. Returns PF_ERR_NOMEM. */
static int compile_nomem(pf_error *err)
{
    return pf_error_set(err, PF_ERR_NOMEM, "out of memory while resolving imports");
}

int pfz_read_source(const char *path, char **out, size_t *size, int64_t *mtime, pf_error *err)
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
        return compile_nomem(err);
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

/* report_compile_error: takes the pending compile exception for the file
 * at path into *pyerr (when not NULL) as python3 would print it (a
 * SyntaxError's filename is set to path: the compiler saw the
 * payload-relative name), and clears it. Returns PF_ERR_PYTHON, or
 * PF_ERR_NOMEM when the text cannot be kept. */
static int report_compile_error(const char *path, pfz_python_error *pyerr, pf_error *err)
{
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
    }
    PyErr_Restore(type, value, tb);
    if (pyerr == NULL) {
        PyErr_Clear();
    } else if (pfz_py_error_capture(path, syntax, pyerr) != PF_OK) {
        return compile_nomem(err);
    }
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
static int source_hash_of(const pfz_compiler *c, const char *src, size_t src_size, uint8_t hash[8],
                          pf_error *err)
{
    PyObject *view = PyMemoryView_FromMemory((char *)src, (Py_ssize_t)src_size, PyBUF_READ);
    PyObject *h = view != NULL ? PyObject_CallFunction(c->source_hash, "lO", c->magic, view) : NULL;
    Py_XDECREF(view);
    if (h == NULL || !PyBytes_Check(h) || PyBytes_GET_SIZE(h) != 8) {
        Py_XDECREF(h);
        if (!PyErr_Occurred()) {
            return pf_error_set(err, PF_ERR_PYTHON, "_imp.source_hash gave no 8-byte hash");
        }
        return pfz_py_fail(err, "_imp.source_hash failed");
    }
    memcpy(hash, PyBytes_AS_STRING(h), 8);
    Py_DECREF(h);
    return PF_OK;
}

/* build_pyc: the .pyc bytes for code compiled from a source whose
 * _imp.source_hash is hash: PEP 552 header (magic, flags = unchecked hash,
 * hash) and marshal data, into out->pyc. */
static int build_pyc(const pfz_compiler *c, PyObject *code, const uint8_t hash[8],
                     pfz_compiled *out, pf_error *err)
{
    PyObject *data = PyMarshal_WriteObjectToString(code, Py_MARSHAL_VERSION);
    if (data == NULL) {
        return pfz_py_fail(err, "marshal failed");
    }
    size_t data_size = (size_t)PyBytes_GET_SIZE(data);
    uint8_t *pyc = malloc(PF_PYC_HEADER_SIZE + data_size);
    if (pyc == NULL) {
        Py_DECREF(data);
        return compile_nomem(err);
    }
    uint32_t magic = (uint32_t)c->magic, flags = PF_PYC_FLAG_HASH_BASED;
    for (int i = 0; i < 4; i++) {
        pyc[i] = (uint8_t)(magic >> (8 * i));
        pyc[4 + i] = (uint8_t)(flags >> (8 * i));
    }
    memcpy(pyc + 8, hash, 8);
    memcpy(pyc + PF_PYC_HEADER_SIZE, PyBytes_AS_STRING(data), data_size);
    Py_DECREF(data);
    out->pyc = pyc;
    out->pyc_size = PF_PYC_HEADER_SIZE + data_size;
    return PF_OK;
}

/* cached_code: the module's code from the cache (bytecode_cache.h), for a
 * source of src_size bytes hashing to hash. On a hit returns a new
 * reference to the code object unmarshalled from the entry and puts the
 * entry's .pyc bytes in out; otherwise NULL (no exception set): an entry
 * whose marshal data does not load as a code object is not trusted. */
static PyObject *cached_code(const pfz_compiler *c, const pfz_pyc_key *key, size_t src_size,
                             const uint8_t hash[8], pfz_compiled *out)
{
    uint8_t *pyc = NULL;
    size_t pyc_size = 0;
    if (!pfz_cache_pyc_get(c->cache, key, src_size, hash, &pyc, &pyc_size)) {
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
    out->pyc = pyc;
    out->pyc_size = pyc_size;
    return code;
}

/* installed_module: whether the module belongs to the Python installation
 * (the stdlib) or to an installed distribution (a site-packages or
 * dist-packages directory), whose __pycache__ was written when it was
 * installed. The program's own modules are always compiled: their
 * __pycache__ depends on what was run in the working tree, and the output
 * must not (marshal data of the same code can differ in its bytes). */
static int installed_module(const pfz_compile_input *in)
{
    return in->is_stdlib || strstr(in->origin, "/site-packages/") != NULL ||
           strstr(in->origin, "/dist-packages/") != NULL;
}

/* pycache_code: the module's code from the .pyc CPython wrote beside its
 * source (pycache.h), with co_filename set to filename as the compiler
 * would have set it (_imp._fix_co_filename, as SourceLoader does). Returns
 * a new reference, or NULL (no exception set) on a miss: no valid entry, or
 * data that is not a code object. */
static PyObject *pycache_code(const pfz_compiler *c, const pfz_compile_input *in,
                              const pfz_pycache_source *src, PyObject *filename)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (!installed_module(in) ||
        !pfz_pycache_read(src, (uint32_t)c->magic, c->cache_tag, c->optimize, &data, &size)) {
        return NULL;
    }
    PyObject *code = PyMarshal_ReadObjectFromString((const char *)data, (Py_ssize_t)size);
    free(data);
    PyObject *fixed = code != NULL && PyCode_Check(code)
                          ? PyObject_CallFunctionObjArgs(c->fix_co_filename, code, filename, NULL)
                          : NULL;
    if (fixed == NULL) {
        PyErr_Clear();
        Py_XDECREF(code);
        return NULL;
    }
    Py_DECREF(fixed);
    return code;
}

/* host_pycache_code: for a module of the packed stdlib when that is not
 * the host's (pfz_compiler.stdlib_dir), the code from the .pyc the host's
 * Python wrote for the same file under its own stdlib (Debian byte-compiles
 * its stdlib when installing it), used only when that file holds exactly
 * src (size bytes): the .pyc is checked against the host's file as CPython
 * checks it (pycache.h), and the bytes compared here make it the compile of
 * this source. Returns a new reference, or NULL (no exception set) on a miss.
 * Why: a cold freeze otherwise compiles every stdlib module it packs (the
 * PVM's stdlib has no __pycache__). */
static PyObject *host_pycache_code(const pfz_compiler *c, const pfz_compile_input *in,
                                   const char *src, size_t size, const uint8_t hash[8],
                                   PyObject *filename)
{
    size_t n = c->stdlib_dir != NULL ? strlen(c->stdlib_dir) : 0;
    if (!in->is_stdlib || n == 0 || c->host_stdlib_dir == NULL ||
        strcmp(c->stdlib_dir, c->host_stdlib_dir) == 0 ||
        strncmp(in->origin, c->stdlib_dir, n) != 0 || in->origin[n] != '/') {
        return NULL;
    }
    char *host = NULL;
    if (asprintf(&host, "%s%s", c->host_stdlib_dir, in->origin + n) < 0) {
        return NULL;
    }
    char *host_src = NULL;
    size_t host_size = 0;
    int64_t host_mtime = 0;
    pf_error ignored;
    PyObject *code = NULL;
    if (pfz_read_source(host, &host_src, &host_size, &host_mtime, &ignored) == PF_OK &&
        host_size == size && memcmp(host_src, src, size) == 0) {
        pfz_pycache_source host_pycache = {host, size, host_mtime, hash};
        code = pycache_code(c, in, &host_pycache, filename);
    }
    free(host_src);
    free(host);
    return code;
}

/* keep_source: with in->keep_source, out keeps src (size bytes, malloc'd)
 * as the source to pack; otherwise src is freed. */
static void keep_source(const pfz_compile_input *in, char *src, size_t size, pfz_compiled *out)
{
    if (!in->keep_source) {
        free(src);
        return;
    }
    out->source = src;
    out->source_size = size;
}

/* code_of: the code for source src (size bytes, hashing to hash) named
 * filename in co_filename: from __pycache__, the freezer's cache (then
 * out->pyc is set already) or CPython's compiler. Returns a new reference,
 * or NULL with the compile exception set. */
static PyObject *code_of(const pfz_compiler *c, const pfz_compile_input *in, const char *src,
                         size_t size, int64_t mtime, const uint8_t hash[8], PyObject *filename,
                         const pfz_pyc_key *key, pfz_compiled *out)
{
    /* An installed module's own __pycache__ entry first; such modules do
     * not go through the freezer's cache: reading that entry costs what
     * reading ours would, and a cold freeze would create a file for each. */
    pfz_pycache_source pycache_src = {in->origin, size, mtime, hash};
    PyObject *code = pycache_code(c, in, &pycache_src, filename);
    if (code == NULL) {
        code = host_pycache_code(c, in, src, size, hash, filename);
    }
    out->from_pycache = code != NULL;
    if (code == NULL) {
        code = cached_code(c, key, size, hash, out);
    }
    if (code == NULL) {
        PyCompilerFlags flags = _PyCompilerFlags_INIT; /* inherits nothing: dont_inherit */
        code = Py_CompileStringObject(src, filename, Py_file_input, &flags, c->optimize);
    }
    return code;
}

/* read_checked: the source of in->origin (pfz_read_source), refused with
 * the SyntaxError CPython 3.12 gives when it holds a NUL byte. */
static int read_checked(const pfz_compile_input *in, char **src, size_t *size, int64_t *mtime,
                        pfz_python_error *pyerr, pf_error *err)
{
    int status = pfz_read_source(in->origin, src, size, mtime, err);
    if (status != PF_OK) {
        return status;
    }
    const char *nul = memchr(*src, '\0', *size);
    if (nul != NULL) {
        null_byte_error(in->origin, *src, nul);
        free(*src);
        *src = NULL;
        return report_compile_error(in->origin, pyerr, err);
    }
    return PF_OK;
}

int pfz_compile_module(const pfz_compiler *c, const pfz_compile_input *in, pfz_compiled *out,
                       pfz_python_error *pyerr, pf_error *err)
{
    memset(out, 0, sizeof *out);
    char *src = NULL;
    size_t size = 0;
    int64_t mtime;
    int status = read_checked(in, &src, &size, &mtime, pyerr, err);
    if (status != PF_OK) {
        return status;
    }
    uint8_t hash[8];
    size_t mlen = strlen(in->member_path); /* "lib/" ... ".pyc" */
    char *code_filename = strndup(in->member_path + 4, mlen - 5);
    if (code_filename == NULL) {
        free(src);
        return compile_nomem(err);
    }
    status = source_hash_of(c, src, size, hash, err);
    PyObject *filename = status == PF_OK ? PyUnicode_DecodeFSDefault(code_filename) : NULL;
    if (status == PF_OK && filename == NULL) {
        status = pfz_py_fail(err, "cannot build a code filename");
    }
    if (status != PF_OK) {
        free(code_filename);
        free(src);
        return status;
    }
    pfz_pyc_key key = {.source_path = in->origin,
                       .code_filename = code_filename,
                       .magic = (uint32_t)c->magic,
                       .optimize = c->optimize};
    out->code = code_of(c, in, src, size, mtime, hash, filename, &key, out);
    Py_DECREF(filename);
    if (out->code == NULL) {
        free(code_filename);
        free(src);
        return report_compile_error(in->origin, pyerr, err);
    }
    keep_source(in, src, size, out);
    if (out->pyc == NULL) { /* not from the cache: build the .pyc and keep it there */
        status = build_pyc(c, out->code, hash, out, err);
        if (status == PF_OK && !out->from_pycache) {
            pfz_cache_pyc_put(c->cache, &key, size, out->pyc, out->pyc_size);
        }
    }
    free(code_filename);
    if (status != PF_OK) {
        Py_CLEAR(out->code);
        free(out->source);
        out->source = NULL;
    }
    return status;
}
