/* freeze.h - the freezer pipeline driver: checks the inputs, locates the
 * stub, resolves and compiles the program (module_graph.h), packs the
 * payload (pack.h), injects it into a copy of the stub (inject.h) and
 * publishes the result atomically (output.h). It reads top to bottom in
 * pfz_freeze; the helpers are public so tests can call them without an
 * interpreter. */
#ifndef PFZ_FREEZE_H
#define PFZ_FREEZE_H

#include <stdint.h>
#include <stdio.h>

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
/* zstd level for the payload. Measured on a 6.3 MB hello-world tar in
 * 128 KiB frames: level 3 took 0.05 s (2.21 MB), 6 took 0.10 s (2.14 MB),
 * 9 took 0.20 s (2.07 MB). 6 keeps compression a small part of a freeze
 * that must stay well under 0.3 s, at 3% more bytes than 9. */
#define PFZ_FREEZE_ZSTD_LEVEL 6
/* Bytes of tar stream per frame: large enough for a good ratio, small
 * enough that an import decompresses little it does not need (DESIGN.md). */
#define PFZ_FREEZE_FRAME_TARGET (128u * 1024u)
/* Past the start-up walk (pack.h: walk_files) modules are read one by one,
 * late if ever: smaller frames mean less decompressed per import and less
 * kept in the one cache slot they share (runtime/payload_reader.h), for
 * about 0.2% more payload. */
#define PFZ_FREEZE_LATE_FRAME_TARGET (64u * 1024u)

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

/* pfz_payload_from_graph_native: packs every module of g that has bytecode
 * (PFZ_MODULE_SOURCE -> PF_KIND_MODULE, PFZ_MODULE_PACKAGE ->
 * PF_KIND_PACKAGE), every namespace package (PF_KIND_NAMESPACE) and every
 * extension module whose .so native holds (PF_KIND_EXTENSION, its member a
 * PF_KIND_NATIVE file at native's path, mode 0755) in discovery order into
 * out, then g's data files (PF_KIND_DATA at their member paths, mode 0644:
 * package data, distribution metadata, --add-data; docs/third-party.md),
 * then native's libraries (PF_KIND_LIBRARY at libs/<SONAME>, mode 0755)
 * in dependency order. native may be NULL: extension modules are then not
 * packed. Builtin and frozen modules are never packed. magic is the 4-byte
 * .pyc magic every bytecode must start with. Errors: PF_ERR_USAGE (the main
 * module has no Python code to pack, a .pyc with another magic or shorter
 * than its header), those of pfz_pack. */
int pfz_payload_from_graph_native(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime, pfz_buffer *out,
                                  pf_error *err);

/* pfz_payload_from_graph_cached: pfz_payload_from_graph_native taking
 * compressed frames from frames (NULL: none) when it holds them
 * (bytecode_cache.h); the payload is byte-identical either way. Errors:
 * those of pfz_payload_from_graph_native. */
int pfz_payload_from_graph_cached(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime,
                                  const pfz_frame_store *frames, pfz_buffer *out, pf_error *err);

/* pfz_payload_from_graph: pfz_payload_from_graph_native without native
 * code (extension modules are left out). */
int pfz_payload_from_graph(const pfz_graph *g, const uint8_t magic[4], int64_t mtime,
                           pfz_buffer *out, pf_error *err);

/* pfz_print_graph: the -v listing: one line per packed module (extension
 * modules included),
 * "json  <- app (app.py:3)", naming the module that first imported it and
 * the file and line of that import; script names the entry script (its stem
 * stands for "__main__"), NULL for -m. */
void pfz_print_graph(const pfz_graph *g, const char *script, FILE *out);

#endif
