/* depfile.h - --depfile FILE: every file a freeze read, written as one
 * Makefile rule "OUT: FILE...", the dependency-file format of make, ninja
 * (`depfile`) and CMake's add_custom_command(DEPFILE), so a build system
 * re-runs the freeze when the program's sources, data, native code or the
 * stub change (gcc -MD writes the same format). */
#ifndef PFZ_DEPFILE_H
#define PFZ_DEPFILE_H

#include "module_graph.h"
#include "native_files.h"
#include "pf_error.h"
#include "strlist.h"

/* pfz_depfile_add_graph: appends to deps (zero-initialised, freed with
 * pfz_strlist_free) the file each module of g was read from (its origin:
 * sources, extension modules) and each data file's origin. Errors:
 * PF_ERR_NOMEM. */
int pfz_depfile_add_graph(pfz_strlist *deps, const pfz_graph *g, pf_error *err);

/* pfz_depfile_add_native: appends the shared libraries of native that are
 * bundled (their real files). Errors: PF_ERR_NOMEM. */
int pfz_depfile_add_native(pfz_strlist *deps, const pfz_native_files *native, pf_error *err);

/* pfz_depfile_write: writes file (replaced through a temporary file beside it
 * and rename(2), so a reader never sees half of it) holding
 * "TARGET: DEP DEP ...\n", each path with make's escapes ('\ ' for a space,
 * '\#' for '#', '$$' for '$'), one dependency per continued line. Errors:
 * PF_ERR_USAGE (a path with a newline, which the format cannot hold: the
 * message names it), PF_ERR_IO (file cannot be written: the message names
 * it and the reason), PF_ERR_NOMEM. */
int pfz_depfile_write(const char *file, const char *target, const pfz_strlist *deps, pf_error *err);

#endif
