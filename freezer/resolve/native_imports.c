/* native_imports.c - candidate module names in an extension module's
 * read-only data, read with libelf; see native_imports.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "native_imports.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

/* Longest string taken for a module name: dotted names of real packages
 * stay far below. */
#define NAME_MAX_BYTES 200

static int is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int pfz_native_is_candidate(const char *text, size_t len)
{
    static const char mypyc[] = "__mypyc";
    size_t parts = 1;
    if (len == 0 || len > NAME_MAX_BYTES || text[0] == '.' || text[len - 1] == '.') {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '.') {
            if (text[i - 1] == '.') {
                return 0;
            }
            parts++;
        } else if (!is_word(text[i])) {
            return 0;
        }
    }
    if (parts > 1) {
        return 1;
    }
    return (len == 13 && memcmp(text, "_cffi_backend", 13) == 0) ||
           (len > sizeof mypyc - 1 &&
            memcmp(text + len - (sizeof mypyc - 1), mypyc, sizeof mypyc - 1) == 0);
}

/* add_strings: the candidates among the NUL-terminated strings of one
 * section's bytes (size bytes) into list, skipping `module` and names
 * already in seen. Returns 0, or -1 with a Python exception. */
static int add_strings(const char *bytes, size_t size, const char *module, PyObject *list,
                       PyObject *seen)
{
    size_t start = 0;
    for (size_t i = 0; i < size; i++) {
        if (bytes[i] != '\0') {
            continue;
        }
        size_t len = i - start;
        const char *s = bytes + start;
        start = i + 1;
        if (!pfz_native_is_candidate(s, len) ||
            (strlen(module) == len && memcmp(s, module, len) == 0)) {
            continue;
        }
        PyObject *name = PyUnicode_DecodeASCII(s, (Py_ssize_t)len, NULL);
        int known = name != NULL ? PySet_Contains(seen, name) : -1;
        if (known == 0 && (PySet_Add(seen, name) < 0 || PyList_Append(list, name) < 0)) {
            known = -1;
        }
        Py_XDECREF(name);
        if (known < 0) {
            return -1;
        }
    }
    return 0;
}

int pfz_native_imports(const char *path, const char *module, PyObject **names, pf_error *err)
{
    *names = NULL;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return pf_error_set(err, PF_ERR_IO, "libelf is too old for %s", path);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return pf_error_set(err, PF_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    }
    PyObject *list = PyList_New(0);
    PyObject *seen = PySet_New(NULL);
    Elf *elf = list != NULL && seen != NULL ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    size_t shstrndx;
    int status =
        list == NULL || seen == NULL ? pf_error_set(err, PF_ERR_NOMEM, "out of memory") : PF_OK;
    if (elf != NULL && elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &shstrndx) == 0) {
        for (Elf_Scn *scn = NULL; status == PF_OK && (scn = elf_nextscn(elf, scn)) != NULL;) {
            GElf_Shdr shdr;
            const char *sname =
                gelf_getshdr(scn, &shdr) != NULL ? elf_strptr(elf, shstrndx, shdr.sh_name) : NULL;
            if (sname == NULL || shdr.sh_type != SHT_PROGBITS ||
                strncmp(sname, ".rodata", 7) != 0) {
                continue;
            }
            Elf_Data *data = elf_getdata(scn, NULL);
            if (data == NULL || data->d_buf == NULL) {
                status = pf_error_set(err, PF_ERR_IO, "cannot read %s of %s: %s", sname, path,
                                      elf_errmsg(-1));
            } else if (add_strings(data->d_buf, data->d_size, module, list, seen) < 0) {
                PyErr_Clear();
                status = pf_error_set(err, PF_ERR_NOMEM, "out of memory");
            }
        }
    }
    if (elf != NULL) {
        elf_end(elf);
    }
    close(fd);
    Py_XDECREF(seen);
    if (status != PF_OK) {
        Py_XDECREF(list);
        return status;
    }
    *names = list;
    return PF_OK;
}
