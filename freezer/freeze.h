/* freeze.h - the freezer pipeline driver: checks the inputs, locates the
 * stub, resolves and compiles the program (module_graph.h), lays out and
 * packs the payload (layout.h), injects it into a copy of the stub (inject.h) and
 * publishes the result atomically (output.h). It reads top to bottom in
 * pfz_freeze; the helpers are public so tests can call them without an
 * interpreter. */
#ifndef PFZ_FREEZE_H
#define PFZ_FREEZE_H

#include <stdint.h>
#include <stdio.h>

#include "layout.h"
#include "module_graph.h"
#include "native_files.h"
#include "options.h"
#include "pf_error.h"
#include "seek_table_writer.h"

/* The stubs' file names, beside pyfreeze or in the install directory: the
 * default stub (a fixed-address executable, linked as Debian links
 * python3.11) and the position-independent one (--pie). stub/CMakeLists.txt
 * builds both. */
#define PFZ_STUB_NAME "pyfreeze-stub"
#define PFZ_STUB_PIE_NAME "pyfreeze-stub-pie"
/* pfz_freeze: runs the whole pipeline for opts (command PFZ_COMMAND_FREEZE)
 * and writes opts->output. With opts->verbose each packed module is listed
 * on listing with the import that first pulled it in, then each bundled
 * shared library with what needs it (pfz_native_print); warnings go to diag.
 * Returns PF_OK, or an error with err's message naming the file and what to
 * do: PF_ERR_NOT_FOUND (script, module or stub missing; a shared library an
 * extension module needs is not installed), PF_ERR_USAGE (bad -p directory,
 * bad output path, stub not a stub, a bad --include-library or
 * --exclude-library name), PF_ERR_CORRUPT / PF_ERR_VERSION (an extension
 * module or library that is not an x86-64 ELF shared object), PF_ERR_IO,
 * PF_ERR_NOMEM,
 * and PF_ERR_PYTHON: a Python error (e.g. a syntax error) that has already
 * been printed to stderr as python3 prints it; err's message is then empty
 * and the caller prints nothing more. Nothing is written to opts->output
 * unless the whole pipeline succeeded. */
int pfz_freeze(const pfz_options *opts, FILE *listing, FILE *diag, pf_error *err);

/* pfz_locate_stub: the stub to use: given (--stub) if not NULL, whatever
 * pie says (pfz_options_parse rejects --stub with --pie); else the stub file
 * PFZ_STUB_PIE_NAME when pie is non-zero, PFZ_STUB_NAME when it is zero,
 * looked for in the directory of self_exe (the running pyfreeze, as
 * /proc/self/exe names it), then in PYFREEZE_STUB_INSTALL_RELDIR relative to
 * that directory. On PF_OK *path is a malloc'd path to a regular file (the
 * caller frees it); on error *path is NULL. Errors: PF_ERR_NOT_FOUND (given
 * missing or not a regular file; or the stub file in neither place: the
 * message names both paths looked at and the build target to build, and
 * says --stub PATH may be given instead), PF_ERR_NOMEM. */
int pfz_locate_stub(const char *given, int pie, const char *self_exe, char **path, pf_error *err);

/* pfz_source_date_epoch: the tar time for every member: value (the
 * SOURCE_DATE_EPOCH variable, reproducible-builds.org spec: decimal seconds
 * since the epoch) when it is a valid number within the ustar range, else 0;
 * an invalid value is reported on diag (may be NULL) and ignored. */
int64_t pfz_source_date_epoch(const char *value, FILE *diag);

#endif
