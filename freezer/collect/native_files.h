/* native_files.h - stage 3 of the freezer, collecting native code: the
 * extension modules the import graph reached and the shared libraries they
 * need (native_deps.h), read into memory under their payload paths
 * (payload/payload.h):
 *   lib/<package path>/<file name>   an extension module, PF_KIND_NATIVE,
 *                                    e.g. lib/_json.cpython-311-x86_64-linux-gnu.so
 *   libs/<SONAME>                    a bundled library, PF_KIND_LIBRARY
 * both with mode 0755. The runtime loads an extension module's bundled
 * libraries by reading its DT_NEEDED names and looking up libs/<name>, so a
 * library's member name is exactly its SONAME. */
#ifndef PFZ_NATIVE_FILES_H
#define PFZ_NATIVE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "glibc_floor.h"
#include "module_graph.h"
#include "native_deps.h"
#include "pf_error.h"

#define PFZ_NATIVE_FILE_MODE 0755u

typedef struct pfz_native_file {
    char *path;         /* tar path */
    uint32_t kind;      /* PF_KIND_NATIVE or PF_KIND_LIBRARY */
    uint8_t *data;      /* the file's bytes (owned) */
    size_t size;        /* bytes */
    size_t module;      /* graph index of the extension module; SIZE_MAX for a library */
    const char *source; /* the file read, for messages (borrowed from the graph's origin or
                           deps' path, which live as long as this set's owner keeps them) */
} pfz_native_file;

typedef struct pfz_native_files {
    pfz_native_file
        *files; /* extension modules in graph order, then libraries in dependency order */
    size_t count;
    pfz_native_result deps; /* the resolution, for the -v listing */
    /* the glibc the whole program needs, set by the freezer's driver
     * (program_floor.h) and written into the payload index; zero until then */
    pfz_glibc_version glibc_floor;
} pfz_native_files;

/* pfz_extension_member_path: the tar path of extension module name (dotted)
 * loaded from origin: "lib/" + the package's directories + "/" + origin's
 * file name; a top-level module has no directories
 * ("lib/_json.cpython-311-x86_64-linux-gnu.so"), and a package whose
 * __init__ is an extension ("__init__.<tag>.so") lives in its own
 * directory. On PF_OK *path is malloc'd. Errors: PF_ERR_USAGE (empty name or
 * origin without a file name), PF_ERR_NOMEM. */
int pfz_extension_member_path(const char *name, const char *origin, char **path, pf_error *err);

/* pfz_native_files_collect: for every PFZ_MODULE_EXTENSION module of g with
 * an origin, reads the .so; resolves the libraries they all need and
 * cfg->extra_libraries with cfg (pfz_native_resolve) and reads each bundled
 * one. *out is zeroed by the
 * callee. Errors: those of pfz_native_resolve (a missing library names the
 * module's file and the library), PF_ERR_IO (a file cannot be read: the
 * message names it), PF_ERR_USAGE (a file larger than the payload allows),
 * PF_ERR_NOMEM. Free with pfz_native_files_free in every case. */
int pfz_native_files_collect(const pfz_graph *g, const pfz_native_config *cfg,
                             pfz_native_files *out, pf_error *err);

/* pfz_native_files_for_module: index in files of graph module `module`'s
 * .so, SIZE_MAX when it has none; set may be NULL. */
size_t pfz_native_files_for_module(const pfz_native_files *set, size_t module);

/* pfz_native_files_free: frees what set owns and zeroes it; accepts NULL. */
void pfz_native_files_free(pfz_native_files *set);

#endif
