/* glibc_dlopen.c - glibc's dlopen(3), looked up once past the stub's own
 * (native_path.c exports a dlopen that takes the place of glibc's); see
 * glibc_dlopen.h. A file of its own so that the loader calls glibc
 * directly, not back through the stub's dlopen. (_GNU_SOURCE, for
 * RTLD_NEXT, comes from the build.) */
#include "glibc_dlopen.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

typedef void *(*dlopen_fn)(const char *, int);

void *pf_glibc_dlopen(const char *file, int mode)
{
    /* threads may call at the same time: every racing lookup finds the same */
    static _Atomic(dlopen_fn) next;
    dlopen_fn found = atomic_load_explicit(&next, memory_order_acquire);
    if (found == NULL) {
        found = (dlopen_fn)dlsym(RTLD_NEXT, "dlopen");
        atomic_store_explicit(&next, found, memory_order_release);
    }
    return found(file, mode);
}
