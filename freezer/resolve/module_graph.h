/* module_graph.h - stage 1 of the freezer: resolving the program's import
 * graph over the host python3.11's sys.path, each module compiled with
 * CPython's own compiler as it is reached (stage 2, module_compile.h). The
 * code is module_graph.c and the files module_graph_internal.h lists.
 *
 * Imports are read from the compiled code objects (IMPORT_NAME with its level
 * and fromlist, recursively through co_consts: import_scan.h) and resolved
 * with importlib.machinery.PathFinder, as the import system would, without
 * executing any module. Needs the embedded interpreter started
 * (python_host.h). */
#ifndef PFZ_MODULE_GRAPH_H
#define PFZ_MODULE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "bytecode_cache.h"
#include "pf_error.h"
#include "report.h"

typedef enum pfz_module_kind {
    PFZ_MODULE_SOURCE = 1,    /* a .py module: compiled and packed */
    PFZ_MODULE_PACKAGE = 2,   /* a regular package (__init__.py): compiled and packed */
    PFZ_MODULE_NAMESPACE = 3, /* a PEP 420 namespace package: no file */
    PFZ_MODULE_EXTENSION = 4, /* a C extension module (.so): not packed yet */
    PFZ_MODULE_BUILTIN = 5,   /* in sys.builtin_module_names: nothing to pack */
    PFZ_MODULE_FROZEN = 6,    /* frozen inside libpython: nothing to pack */
} pfz_module_kind;

#define PFZ_NO_IMPORTER ((size_t)-1)

typedef struct pfz_module {
    char *name; /* dotted name; "__main__" for a script entry */
    pfz_module_kind kind;
    char *origin;       /* absolute path of the file read, NULL if none */
    char *member_path;  /* tar path, e.g. "lib/json/__init__.pyc"; NULL if nothing packed */
    uint8_t *pyc;       /* .pyc bytes (16-byte PEP 552 header + marshal), or NULL */
    size_t pyc_size;    /* bytes */
    size_t importer;    /* index of the module that first imported it, PFZ_NO_IMPORTER for roots */
    int import_line;    /* line of that import statement, 0 for roots */
    int is_stdlib;      /* 1 when found in the packed stdlib's directories */
    char *source;       /* with include_source: the .py bytes as read, else NULL */
    size_t source_size; /* bytes */
    const char *via;    /* static text: the rule that added it when no import statement did
                           ("--hidden-import", "entry point", ...); NULL when importer's
                           statement at import_line did (the build report) */
} pfz_module;

/* A data file to pack (PF_KIND_DATA): package data, distribution metadata,
 * --add-data files (docs/third-party.md). */
typedef struct pfz_data_file {
    char *member_path; /* tar path, "lib/pkg/data/x.json" */
    char *origin;      /* absolute path of the file read */
    uint8_t *data;     /* its bytes */
    size_t size;       /* bytes */
} pfz_data_file;

/* A module name the freezer knew of and did not pack: the runtime's
 * ModuleNotFoundError for it names the option that packs it. */
typedef struct pfz_left_out {
    char *name;   /* dotted module name */
    int excluded; /* 1: an --exclude-module name; 0: an import edge not followed */
} pfz_left_out;

/* A shared library the package rules leave to the target machine because a
 * module that names it in `target_libraries` is packed (docs/third-party.md,
 * "The rules file"): the collect stage leaves it out as --exclude-library
 * would (lib_policy.h). */
typedef struct pfz_target_library {
    char *name;   /* a SONAME or an fnmatch(3) glob of one */
    char *module; /* the packed module whose rules entry names it */
} pfz_target_library;
/* Longest name kept in pfz_graph.left_out: the index's limit (payload.h
 * PF_MAX_NAME_SIZE). */
#define PF_MAX_LEFT_OUT_NAME 4096u

typedef struct pfz_graph {
    pfz_module *modules; /* in discovery order (depth-first from the roots) */
    size_t count;
    size_t capacity;
    size_t main;           /* index of the main module */
    size_t walk_count;     /* modules[0 .. walk_count) were found from the entry (and runpy
                              for -m) through module-level imports on the normal path,
                              those that run as modules load; later ones only from
                              functions, exception handlers, Windows-only blocks,
                              importlib's aliases, the other roots (codecs, --hidden-import,
                              third-party collection) or past the depth limit's sweep */
    uint32_t main_flags;   /* PF_INDEX_FLAG_MAIN_IS_MODULE for -m */
    size_t unresolved;     /* imports that could not be resolved (warning records) */
    size_t unresolved_own; /* of them, in the program's own code and not guarded by a
                              try that handles their failure (what --strict refuses) */
    size_t from_pycache;   /* modules whose bytecode came from CPython's __pycache__ */
    pfz_data_file *data;   /* data files, in the order found */
    size_t data_count;
    size_t data_capacity;
    pfz_left_out *left_out; /* sorted by name (strcmp), each once: --exclude-module names and
                               every import edge not followed (with its parent packages);
                               names of modules in the graph may be among them (the packer
                               drops those) */
    size_t left_out_count;
    size_t left_out_capacity;
    pfz_target_library *target_libraries; /* the rules' target_libraries of the packed
                                             modules, in module-name order, each name once */
    size_t target_library_count;
} pfz_graph;

typedef struct pfz_resolve_options {
    const char *script;             /* entry script path, or NULL when module is set */
    const char *entry_module;       /* with script: the module a console-script wrapper script
                                       imports (entry_script.h); it must be found, and the
                                       search path defaults to the current directory as for
                                       -m; NULL otherwise */
    const char *module;             /* entry module for -m, or NULL */
    const char *const *paths;       /* -p/--path directories searched first, in order */
    size_t path_count;              /* when 0, the script's directory (as python3 does) */
    int optimize;                   /* 0, 1 or 2 as python -O/-OO */
    pfz_report *report;             /* warnings, notes, a compile error's text, or NULL */
    pfz_cache *cache;               /* compiled modules to reuse and keep, or NULL */
    int include_source;             /* 1: keep each compiled module's source (pfz_module.source) */
    int whole_stdlib;               /* 1: every stdlib module is a root (a standalone Python) */
    int follow_all_imports;         /* 1: follow every import statement, guarded or not
                                       (import_policy.c leaves none out) */
    const char *stdlib_dir;         /* the standard library searched and packed instead of the
                                       host's (the PVM's lib/python3.11, lib-dynload inside;
                                       pvm/README.md), or NULL for the host's own */
    const char *const *extra_roots; /* more root module names, each followed like an import */
    size_t extra_root_count;
    /* third-party packages (docs/third-party.md) */
    int venv_from_environment;         /* 1: venv is $VIRTUAL_ENV, not --venv (its errors
                                          name the variable the user set) */
    const char *venv;                  /* virtual environment searched before the host's
                                          site directories, or NULL */
    const char *const *hidden_imports; /* --hidden-import: roots that must be found */
    size_t hidden_import_count;
    const char *const *collects; /* --collect: packages packed whole, tests and data too */
    size_t collect_count;
    const char *const *excludes; /* --exclude-module: never packed, nor their submodules */
    size_t exclude_count;
    const char *const *add_data; /* --add-data "SRC:DEST" values */
    size_t add_data_count;
} pfz_resolve_options;

/* pfz_graph_build: resolves and compiles the program described by opts into
 * *g (zeroed by the caller). Roots: the entry (a script becomes module
 * "__main__", packed as lib/<script name>.pyc; for -m the module and, for a
 * package, its __main__), the whole `encodings` package (the codec machinery
 * imports it by name at run time), for -m, `runpy`'s imports, each of
 * opts->extra_roots (missing ones are warnings) and, with whole_stdlib,
 * every module of the packed stdlib directory (opts->stdlib_dir or the
 * host's) and its lib-dynload except those the package rules leave out
 * (freezer/rules/packages.toml, standalone.left_out: tests, IDLE, Tk, and
 * tools that need files beside their modules); whole_stdlib also searches
 * neither -p directories nor the current directory, only the host's sys.path.
 * Third-party packages (docs/third-party.md): a top-level package or module
 * the program imports that an installed distribution owns (its
 * *.dist-info / *.egg-info beside it) is packed whole (every submodule but
 * tests, compiled and followed with its warnings verbose_only) with its
 * metadata files; every non-stdlib package in the graph has its data files
 * packed (g->data); --collect packages are packed whole, tests included;
 * --hidden-import names must be found (PF_ERR_NOT_FOUND); --exclude-module
 * names and their submodules are never looked up; --add-data files are
 * packed under lib/DEST; the rules' target_libraries of the packed modules
 * are listed in g->target_libraries. With venv, its site directories come before the
 * host's, which are dropped unless its pyvenv.cfg includes them (PEP 405).
 * With include_source each compiled module keeps the source bytes it was
 * compiled from in pfz_module.source. Builtin and
 * frozen modules are recorded but not compiled; frozen modules' own imports
 * are followed. Nothing is printed: an unresolvable import is a warning
 * record in opts->report (report.h) naming the importer's file and line
 * (verbose_only for stdlib importers and collected packages), never an
 * error; a distribution packed whole and an edge not followed are
 * verbose_only note records.
 * With opts->cache each module's .pyc is taken from the cache when an entry
 * for the same source path, co_filename, magic and optimize level holds the
 * _imp.source_hash of the source as it is now and its marshal data loads as
 * a code object (bytecode_cache.h); otherwise the module is compiled and the
 * result stored. The .pyc bytes are the same either way.
 * Errors: PF_ERR_NOT_FOUND (entry script, module or entry_module not
 * found: for a module the message starts "no module named '"),
 * PF_ERR_IO (a source file cannot be read: the message names it),
 * PF_ERR_PYTHON (the embedded interpreter raised: for a syntax or compile
 * error in the program's code the message names the file and
 * opts->report->python_error holds the exception's text exactly as python3
 * prints it, file, line, offending line and caret; for a failure of the
 * interpreter itself the message says what failed), PF_ERR_NOMEM. The
 * records in opts->report stay there whatever the outcome (the caller
 * frees them with pfz_report_free). */
int pfz_graph_build(pfz_graph *g, const pfz_resolve_options *opts, pf_error *err);

/* pfz_graph_add_left_out (left_out.c): adds name (dotted) to g->left_out
 * with its parent packages ("a", "a.b" for "a.b.c": an import of it fails
 * at the first of them not packed), keeping it sorted and each name once;
 * excluded (1 for an --exclude-module name) is kept for name itself when
 * any addition says so. An empty name or one over PF_MAX_LEFT_OUT_NAME bytes
 * is ignored. Returns PF_OK or PF_ERR_NOMEM. */
int pfz_graph_add_left_out(pfz_graph *g, const char *name, int excluded, pf_error *err);

/* pfz_graph_free_left_out (left_out.c): frees g->left_out and empties it. */
void pfz_graph_free_left_out(pfz_graph *g);

/* pfz_graph_free: frees everything g owns and zeroes it; accepts NULL. */
void pfz_graph_free(pfz_graph *g);

#endif
