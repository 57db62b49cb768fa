/* native_loader.h - loading native code from the payload without writing
 * it to the disk: extension modules and the shared libraries they need.
 *
 * Each object's bytes go into a memfd (memfd_create(2)) that is dlopen()ed
 * as /proc/self/fd/N. Bundled libraries ("libs/<SONAME>" members) are loaded
 * first, dependencies before dependents, with RTLD_GLOBAL: glibc then
 * satisfies a later DT_NEEDED by that SONAME from the loaded copy, never from
 * the target's disk, and never loads a library twice. glibc recognises an
 * already loaded object by its path, so a path /proc/self/fd/N given to
 * dlopen() names that object for the life of the process: the program may
 * close N or put another file there (daemons close every descriptor), and
 * no later object is ever given a number used before (it is moved above
 * them). Each descriptor is identified (fstat) before dlopen() and checked
 * right before and after it; the runtime's descriptors are sealed
 * memfds (or the fallback's read-only file) and never take 0-2.
 *
 * Where executable memfds are refused (vm.memfd_noexec=2, a seccomp policy,
 * an LSM), the bytes go into a file created in a fresh private directory
 * (mkdtemp: mode 0700, unpredictable name, under $XDG_RUNTIME_DIR, else
 * $TMPDIR, else /tmp), opened O_EXCL|O_NOFOLLOW, read back and compared with
 * the payload's bytes through the same descriptor, then unlinked with its
 * directory before dlopen() maps it through /proc/self/fd/N: nothing is left
 * on the disk even if the process is killed right after.
 *
 * When the payload's prefetch thread has already placed a member in a
 * memfd (pf_native_open_memfd, payload_reader.h), in its own descriptor
 * table, the reads take a read-only descriptor of it, identity and seals
 * checked (pf_prefetch_take_native); if it cannot be mapped, the fallback
 * below applies as for any memfd.
 *
 * A member of the payload's stored frame (payload.h: native code kept
 * uncompressed, page-aligned) goes into its memfd by sendfile(2) from the
 * executable, and once loaded its read-only segments are mapped from the
 * executable and punched out of the memfd, which is sealed only then
 * (native_share.h): its code is shared between processes through the page
 * cache. Without the executable (it cannot be reopened as the same file),
 * the bytes are copied from the payload's mapping as for any member.
 *
 * pf_native_prepare is not thread-safe: the importer calls it with the GIL
 * held. pf_native_open_memfd may be called from any thread. */
#ifndef PF_NATIVE_LOADER_H
#define PF_NATIVE_LOADER_H

#include <stddef.h>

#include "payload_reader.h"
#include "pf_error.h"

/* pf_native_prepare: makes file entry `file` (an extension module's .so,
 * PF_KIND_NATIVE) loadable: loads every bundled library it needs
 * (recursively, once per process), places its bytes as described above, and
 * dlopen()s it once (RTLD_NOW | RTLD_LOCAL) to check it maps. On PF_OK,
 * path[0..pathCapacity) holds the NUL-terminated path to give dlopen(), e.g.
 * "/proc/self/fd/7", valid for the life of the process; loading it again
 * returns the same handle. A later call for the same member gives the same
 * path without placing it again (per process: every interpreter sees one
 * file, as python3's interpreters see one .so). Errors: PF_ERR_USAGE (not a native file entry,
 * path too small), PF_ERR_CORRUPT (damaged member or ELF headers),
 * PF_ERR_IO (neither a memfd nor a private file could be mapped: the
 * message has the dlerror() text), PF_ERR_NOMEM. On PF_OK,
 * *createsInterpreters is also set: 1 when the module imports
 * Py_NewInterpreter or _Py_NewInterpreter (it can start sub-interpreters, as
 * _xxsubinterpreters and _testcapi do), else 0. */
int pf_native_prepare(pf_payload *payload, const pf_entry *file, char *path, size_t pathCapacity,
                      int *createsInterpreters, pf_error *err);

/* pf_native_load_library: loads the bundled library name[0..nameSize) (a
 * SONAME: member "libs/<name>", PF_KIND_LIBRARY), with the bundled
 * libraries it needs, as for an extension module's DT_NEEDED (RTLD_GLOBAL,
 * once per process), for a program that loads it itself (ctypes, through
 * support.py): glibc's dlopen() of that SONAME then returns the loaded copy
 * (elf/dl-load.c _dl_map_object matches a loaded object's DT_SONAME) and
 * never reads the disk. *bundled is set to 1 when the payload bundles name,
 * else 0 (a name with '/' never is; nothing is done). Errors (only when
 * bundled): those of pf_native_prepare. Not thread-safe (GIL held). */
int pf_native_load_library(pf_payload *payload, const char *name, size_t nameSize, int *bundled,
                           pf_error *err);

/* pf_native_open_memfd: a pf_payload_native_open (payload_reader.h) for
 * the prefetch thread: an empty memfd named after the member's base name,
 * made as this loader makes its own (close-on-exec, sealable, executable
 * where the kernel asks for it), or -1 with errno set. context is unused. */
int pf_native_open_memfd(void *context, const pf_entry *file);

#endif
