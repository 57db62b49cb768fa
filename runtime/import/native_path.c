/* native_path.c - dlopen() of a path inside the executable. A package that
 * loads its own shared objects by the path its __file__ gives, through ctypes
 * or cffi rather than the import system (pycryptodome's
 * Cryptodome/Util/_raw_api.py: ffi.dlopen("<executable>/Cryptodome/Cipher/
 * _raw_ecb.abi3.so")), gets the payload's copy, loaded from memory as an
 * extension module is (native_loader.h), where glibc would find no such file.
 * The stub exports this dlopen (stub/exports.list), so it takes the place of
 * glibc's both for the stub's own code and for the shared objects it loads
 * (an ELF symbol is looked up in the executable first: System V gABI,
 * "Shared Object Dependencies"); every other name goes to glibc's dlopen
 * unchanged. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

#include "glibc_dlopen.h"
#include "importer_internal.h"
#include "native_path.h"
#include "payload.h"

size_t pf_native_path_member(const char *executable, const char *file, char *name,
                             size_t nameCapacity)
{
    size_t exeSize = strlen(executable);
    if (exeSize == 0 || strncmp(file, executable, exeSize) != 0 || file[exeSize] != '/' ||
        nameCapacity <= PF_LIB_DIR_SIZE) {
        return 0;
    }
    memcpy(name, PF_LIB_DIR, PF_LIB_DIR_SIZE);
    size_t used = PF_LIB_DIR_SIZE;
    for (const char *p = file + exeSize; *p != '\0';) {
        while (*p == '/') {
            p++;
        }
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (used == PF_LIB_DIR_SIZE) {
                return 0; /* above the executable's root */
            }
            while (used > PF_LIB_DIR_SIZE && name[used - 1] != '/') {
                used--;
            }
            if (used > PF_LIB_DIR_SIZE) {
                used--; /* the slash before the removed part */
            }
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            int slash = used > PF_LIB_DIR_SIZE;
            if (used + (size_t)slash + n >= nameCapacity) {
                return 0;
            }
            if (slash) {
                name[used++] = '/';
            }
            memcpy(name + used, p, n);
            used += n;
        }
        p += n;
    }
    return used > PF_LIB_DIR_SIZE ? used : 0;
}

/* place: when file names a packed native code member under the executable
 * and this thread holds the GIL (pf_native_prepare is not thread-safe; ctypes
 * and cffi call dlopen with it held), loads the member from memory and puts
 * the path to give glibc (/proc/self/fd/N) in path[0..pathCapacity): 1; else
 * 0, and glibc's dlopen sees the name as given. A damaged member ends the
 * process (damaged.h). */
static int place(const char *file, char *path, size_t pathCapacity)
{
    const char *executable = NULL;
    pf_payload *payload = pf_importer_process(&executable);
    char name[PATH_MAX];
    size_t nameSize =
        payload != NULL ? pf_native_path_member(executable, file, name, sizeof name) : 0;
    pf_entry entry;
    if (nameSize == 0 || !Py_IsInitialized() || !PyGILState_Check() ||
        !pf_index_find(pf_payload_index(payload), name, nameSize, &entry) ||
        entry.kind != PF_KIND_NATIVE) {
        return 0;
    }
    pf_error err;
    return pf_importer_place_native(payload, executable, &entry, path, pathCapacity, &err) == PF_OK;
}

/* dlopen: glibc's dlopen(3) (pf_glibc_dlopen), given the placed copy's
 * path for a packed shared object's path under the executable (place).
 * Same arguments, result and dlerror() as glibc's. */
void *dlopen(const char *file, int mode)
{
    char placed[64];
    if (file != NULL && place(file, placed, sizeof placed)) {
        file = placed;
    }
    return pf_glibc_dlopen(file, mode);
}
