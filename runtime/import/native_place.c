/* native_place.c - one native code member of the payload placed for
 * whichever of its three users asks first (the import of an extension
 * module, ctypes' _native_path, the stub's dlopen): loaded from memory by
 * the native loader, a damaged member ending the program, the
 * sub-interpreter watch started for libraries that create interpreters; see
 * importer_internal.h. A file of its own so that the three users depend on
 * it and not on each other. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "importer_internal.h"

#include "damaged.h"
#include "native_loader.h"
#include "payload.h"

int pf_importer_place_native(pf_payload *payload, const char *executable, const pf_entry *file,
                             char *path, size_t pathCapacity, pf_error *err)
{
    int createsInterpreters;
    int status = pf_native_prepare(payload, file, path, pathCapacity, &createsInterpreters, err);
    if (status == PF_ERR_CORRUPT || status == PF_ERR_TRUNCATED) {
        pf_damaged_exit(executable, file->name, file->name_size, err->message);
    }
    if (status == PF_OK && createsInterpreters) {
        pf_importer_watch_new_interpreters();
    }
    return status;
}
