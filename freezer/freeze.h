/* freeze.h - the freezer pipeline driver: checks the inputs, locates the
 * stub, resolves and compiles the program (module_graph.h), collects the
 * native code it needs (native_files.h), finds the glibc it needs and
 * holds it to --max-glibc (program_floor.h), lays out and packs the payload
 * (layout.h), injects it into a copy of the stub (inject.h) and publishes
 * the result atomically (output.h). It reads top to bottom in pfz_freeze.
 *
 * Library code: it neither prints nor reads the environment. The command
 * (freezer/cli/) passes the environment's values in (pfz_environment) and
 * prints what the pipeline returns (pfz_report) at the points the hooks
 * mark, so messages come in the order things happen. */
#ifndef PFZ_FREEZE_H
#define PFZ_FREEZE_H

#include <stdint.h>
#include <stdio.h>

#include "build_report.h"
#include "bytecode_cache.h"
#include "layout.h"
#include "module_graph.h"
#include "native_files.h"
#include "options.h"
#include "pf_error.h"
#include "program_floor.h"
#include "report.h"

/* The stubs' file names, beside pyfreeze or in the install directory: the
 * default stub (a fixed-address executable, linked as Debian links
 * python3.11) and the position-independent one (--pie). stub/CMakeLists.txt
 * builds both. */
#define PFZ_STUB_NAME "pyfreeze-stub"
#define PFZ_STUB_PIE_NAME "pyfreeze-stub-pie"

/* What the command read from the environment; each NULL when unset. */
typedef struct pfz_environment {
    const char *self_exe;          /* the running pyfreeze as /proc/self/exe names it; NULL
                                      when unknown (then "./pyfreeze": --stub still works) */
    const char *source_date_epoch; /* SOURCE_DATE_EPOCH: the tar time (reproducible-builds.org) */
    const char *virtual_env;       /* VIRTUAL_ENV: the venv searched when --venv is not given */
    /* XDG_CACHE_HOME and HOME: the build cache's default directory
     * (cache_dir.h: pfz_cache_default_dir) */
    const char *xdg_cache_home;
    const char *home;
    const char *tmpdir; /* TMPDIR: where an entry point's wrapper script is written
                           (entry_script.h); /tmp when unset */
} pfz_environment;

/* What a successful freeze wrote, for the -v summary. */
typedef struct pfz_freeze_summary {
    const char *output;                 /* the executable written */
    const char *stub;                   /* the stub it was made from */
    size_t payload_size;                /* bytes of the .pyfreeze section */
    unsigned long long output_size;     /* bytes of the executable written */
    size_t module_count;                /* modules packed (source, package, namespace and
                                           extension modules; not builtin or frozen ones) */
    size_t library_count;               /* shared libraries bundled */
    int cache_used;                     /* 1: the build cache was open; cache holds its counters */
    pfz_cache_stats cache;              /* modules and frames reused (bytecode_cache.h) */
    size_t from_pycache;                /* modules whose bytecode came from CPython's __pycache__ */
    const pfz_glibc_floor *glibc_floor; /* the glibc the program needs and which file and
                                           symbol set it (program_floor.h) */
    const pfz_build_report *documents;  /* --report / --sbom texts for the command to write
                                           (build_report.h); NULL when neither was given */
} pfz_freeze_summary;

/* Points of the pipeline where the command may show what it has so far;
 * any of them may be NULL. The pointers passed are valid only during the
 * call. */
typedef struct pfz_freeze_hooks {
    void *ctx; /* passed back to each hook */
    /* the graph is resolved and compiled; report holds every record so far */
    void (*resolved)(void *ctx, const pfz_report *report, const pfz_graph *g);
    /* extension modules and their shared libraries are collected; report
     * holds every record so far */
    void (*collected)(void *ctx, const pfz_report *report, const pfz_native_files *native);
    /* the output is published */
    void (*written)(void *ctx, const pfz_freeze_summary *summary);
} pfz_freeze_hooks;

/* pfz_freeze: runs the whole pipeline for opts (command PFZ_COMMAND_FREEZE)
 * with the environment's values env (may be NULL: all unset), and writes
 * opts->output. An opts->module "MODULE:FUNCTION" freezes a console-script
 * wrapper calling it (entry_script.h), MODULE searched as for -m; the
 * command resolves --entry-point to such a module before calling this
 * (opts->entry_point is ignored here). Warnings and
 * notes are appended to report (may be NULL: nothing is kept; the caller
 * frees it with pfz_report_free, whatever the outcome); hooks (may be NULL) are called as their
 * points are reached. Returns PF_OK, or an error with err's message naming the file and what to do:
 * PF_ERR_NOT_FOUND (script, module or stub missing; a shared library an extension module needs is
 * not installed), PF_ERR_USAGE (bad -p directory, bad output path, stub not a stub, --strict with
 * an unresolved import in the program's own code, a bad
 * --include-library or --exclude-library name), PF_ERR_VERSION (the program
 * needs a glibc newer than --max-glibc: the message names the file and
 * symbol, program_floor.h), PF_ERR_CORRUPT /
 * PF_ERR_VERSION (an extension module or library that is not an x86-64 ELF
 * shared object), PF_ERR_IO, PF_ERR_NOMEM, and PF_ERR_PYTHON (the embedded
 * interpreter raised; for a syntax or compile error in the program's code
 * report->python_error holds the text python3 would print, see
 * module_graph.h; build_report.py failing over --report or --sbom). Nothing
 * is written to opts->output unless the whole pipeline succeeded; the
 * --report and --sbom texts are made before it is published and handed to
 * the written hook (pfz_freeze_summary.documents) for the command to write. */
int pfz_freeze(const pfz_options *opts, const pfz_environment *env, const pfz_freeze_hooks *hooks,
               pfz_report *report, pf_error *err);

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

/* pfz_locate_stdlib: the standard library the freezer packs, the PVM's
 * (pvm/README.md: the stub's own CPython): in a build with the PVM,
 * PYFREEZE_PVM_STDLIB_INSTALL_RELDIR relative to the directory of self_exe
 * (an installed pyfreeze: lib/pyfreeze/pvm/lib/python3.11), then the build
 * tree's PYFREEZE_PVM_STDLIB_BUILD_DIR; a directory counts when it holds
 * os.py (CPython's getpath.py landmark). On PF_OK *path is that directory,
 * resolved (realpath), malloc'd (the caller frees it), with lib-dynload
 * inside; in a build without the PVM (PYFREEZE_PVM=OFF) *path is NULL: the
 * host's stdlib is packed. Errors: PF_ERR_NOT_FOUND (in neither place: the
 * message names both and the pvm target), PF_ERR_NOMEM. */
int pfz_locate_stdlib(const char *self_exe, char **path, pf_error *err);

/* pfz_source_date_epoch: the tar time for every member: value (the
 * SOURCE_DATE_EPOCH variable, reproducible-builds.org spec: decimal seconds
 * since the epoch) when it is a valid number within the ustar range, else 0.
 * *valid is 0 when value is set but not such a number (the caller warns),
 * else 1. */
int64_t pfz_source_date_epoch(const char *value, int *valid);

/* PFZ_MAX_TAR_TIME: the largest tar time, ustar's 11 octal digits of
 * seconds (pack.c refuses later times). */
#define PFZ_MAX_TAR_TIME 077777777777LL

#endif
