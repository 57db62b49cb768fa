/* native_deps.h - stage 3 of the freezer, shared libraries: given extension
 * modules (ELF shared objects), find every shared library they need,
 * directly or through other libraries, the way glibc's ld.so(8) would find
 * it on this machine, and decide with lib_policy.h which ones to bundle.
 *
 * For each DT_NEEDED name of an object X (in DT_NEEDED order, objects in
 * breadth-first load order as ld.so's _dl_map_object_deps visits them):
 *   0. a name the policy leaves to the target is not looked up at all (so a
 *      library this machine lacks can be left out with --exclude-library);
 *   1. a library already found under that name or SONAME is reused, as
 *      ld.so reuses an already loaded object;
 *   2. a name containing '/' is an error (ld.so opens it as a path, which a
 *      frozen program cannot carry);
 *   3. else the directories, as ld.so(8) "Rpath token expansion" and
 *      search order give them: DT_RPATH of X and then of each object that
 *      loaded it (only when X has no DT_RUNPATH; an object's DT_RPATH is
 *      ignored when it also has DT_RUNPATH), then X's DT_RUNPATH, then the
 *      directories of /etc/ld.so.conf (what ld.so.cache is built from),
 *      then the default directories; the last two are skipped when X has
 *      DF_1_NODEFLIB. LD_LIBRARY_PATH is not used: it belongs to whoever runs
 *      the freezer, and the same inputs must give the same executable. The
 *      executable's own DT_RPATH is not used either: at run time it is the
 *      stub's, which has none.
 * A candidate that does not exist or is not a regular file is passed over;
 * one of another ELF class or machine too (ld.so's "wrong ELF class"); one
 * that is not ELF at all is an error, as it stops ld.so. The found path's
 * symlinks are followed to the real file; two names that reach the same
 * file are one library. The extension modules themselves are the roots and
 * are loaded (dlopen) by the interpreter, which has no DT_RPATH.
 */
#ifndef PFZ_NATIVE_DEPS_H
#define PFZ_NATIVE_DEPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib_policy.h"
#include "pf_error.h"
#include "report.h"

typedef struct pfz_native_config {
    const char *ld_so_conf;          /* NULL: PFZ_LD_SO_CONF ("/etc/ld.so.conf") */
    const char *const *default_dirs; /* NULL: pfz_ld_default_dirs() */
    size_t default_dir_count;
    const pfz_lib_policy *policy; /* NULL: the built-in lists only */
    pfz_report *report;           /* warnings (cycles, SONAME mismatches) are added here as
                                     records (report.h); may be NULL */
    /* Libraries bundled though no input object needs them (a program loads
     * them itself, with ctypes), each with the libraries it needs: a path
     * (containing '/', an --add-binary file; relative to the current
     * directory) is that file; a name (an --include-library SONAME) is
     * looked for as ld.so looks for a dlopen()ed name from an executable
     * without DT_RPATH: /etc/ld.so.conf's directories, then the defaults.
     * May be NULL. */
    const char *const *extra_libraries;
    size_t extra_library_count;
} pfz_native_config;

typedef struct pfz_native_lib {
    char *soname;  /* DT_SONAME, or the file name when it has none: packed as libs/<soname> */
    char *path;    /* the real file (symlinks followed), absolute */
    uint64_t size; /* bytes of that file */
    size_t *needs; /* bundled libraries it needs directly: indices into libs, DT_NEEDED order */
    size_t need_count;
} pfz_native_lib;

typedef struct pfz_native_object {
    const char *path; /* the input path (borrowed from the caller) */
    size_t *needs;    /* bundled libraries it needs directly: indices into libs */
    size_t need_count;
} pfz_native_object;

typedef struct pfz_native_skipped {
    char *soname;              /* a DT_NEEDED name (or SONAME) that is not bundled */
    pfz_lib_decision decision; /* why: PFZ_LIB_GLIBC, _MANYLINUX, _EXCLUDED or _RULE */
    char *rule_module;         /* for PFZ_LIB_RULE, the packed module whose rules entry
                                  leaves it to the target; else NULL */
} pfz_native_skipped;

typedef struct pfz_native_result {
    pfz_native_lib *libs; /* in dependency order: a library before each that needs it */
    size_t lib_count;
    pfz_native_object *objects; /* one per input object, in input order */
    size_t object_count;
    pfz_native_skipped *skipped; /* each name left to the target, in first-seen order */
    size_t skipped_count;
} pfz_native_result;

/* pfz_native_resolve: resolves the libraries needed by objects[0..count)
 * (paths of ELF shared objects, normally extension modules; relative paths
 * are taken from the current directory) into *out (zeroed by the callee),
 * following the rules above, recursively.
 * Dependency order: depth first from each input object in order, each
 * library's needs before itself. A dependency cycle among bundled libraries
 * cannot be ordered: it is broken where it closes (the library that closes
 * it comes after the others) and reported on cfg->diag, because at run time
 * the first of them loaded will look for the other on the target's disk.
 * cfg->extra_libraries are resolved after the objects, in order, and are
 * bundled whatever the policy says (but never a glibc-tier library).
 * Errors (the message names the object and the library):
 *   PF_ERR_NOT_FOUND: an input object or extra library file is missing, an
 *     extra library name is in none of the directories, or a needed library is in
 *     none of the directories ("X needs libfoo.so.1, which is not installed
 *     on this machine: install it or --exclude-library libfoo.so.1");
 *   PF_ERR_CORRUPT: an input or a found candidate is not an ELF shared
 *     object, or is damaged;
 *   PF_ERR_VERSION: an input object is not ELF64 x86-64;
 *   PF_ERR_USAGE: a library needed by path ('/' in DT_NEEDED), two
 *     different files to bundle with the same SONAME, or an extra library
 *     of the glibc tier;
 *   PF_ERR_IO: a file cannot be read; PF_ERR_NOMEM.
 * On error *out is empty. Free with pfz_native_result_free in every case. */
int pfz_native_resolve(const char *const *objects, size_t count, const pfz_native_config *cfg,
                       pfz_native_result *out, pf_error *err);

/* pfz_native_result_free: frees what r owns and zeroes it; accepts NULL. */
void pfz_native_result_free(pfz_native_result *r);

/* pfz_native_find_lib: index in r->libs of the library named soname, or
 * SIZE_MAX when it is not bundled. */
size_t pfz_native_find_lib(const pfz_native_result *r, const char *soname);

#endif
