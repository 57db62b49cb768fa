/* module_graph.h - stage 1 and 2 of the freezer: resolving the program's
 * import graph over the host python3.11's sys.path and compiling every module
 * with CPython's own compiler.
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
#include <stdio.h>

#include "bytecode_cache.h"
#include "pf_error.h"

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
    char *origin;      /* absolute path of the file read, NULL if none */
    char *member_path; /* tar path, e.g. "lib/json/__init__.pyc"; NULL if nothing packed */
    uint8_t *pyc;      /* .pyc bytes (16-byte PEP 552 header + marshal), or NULL */
    size_t pyc_size;   /* bytes */
    size_t importer;   /* index of the module that first imported it, PFZ_NO_IMPORTER for roots */
    int import_line;   /* line of that import statement, 0 for roots */
    int is_stdlib;     /* 1 when found in the host's stdlib directories */
} pfz_module;

typedef struct pfz_graph {
    pfz_module *modules; /* in discovery order (depth-first from the roots) */
    size_t count;
    size_t capacity;
    size_t main;         /* index of the main module */
    uint32_t main_flags; /* PF_INDEX_FLAG_MAIN_IS_MODULE for -m */
    size_t unresolved;   /* imports that could not be resolved (warned about) */
} pfz_graph;

typedef struct pfz_resolve_options {
    const char *script;       /* entry script path, or NULL when module is set */
    const char *module;       /* entry module for -m, or NULL */
    const char *const *paths; /* -p/--path directories searched first, in order */
    size_t path_count;        /* when 0, the script's directory (as python3 does) */
    int optimize;             /* 0, 1 or 2 as python -O/-OO */
    int verbose;              /* 1: also list unresolved stdlib imports */
    FILE *diag;               /* where warnings go (stderr) */
    pfz_cache *cache;         /* compiled modules to reuse and keep, or NULL */
} pfz_resolve_options;

/* pfz_graph_build: resolves and compiles the program described by opts into
 * *g (zeroed by the caller). Roots: the entry (a script becomes module
 * "__main__", packed as lib/<script name>.pyc; for -m the module and, for a
 * package, its __main__), the whole `encodings` package (the codec machinery
 * imports it by name at run time) and, for -m, `runpy`'s imports. Builtin and
 * frozen modules are recorded but not compiled; frozen modules' own imports
 * are followed. An unresolvable import is a warning on opts->diag naming the
 * importer's file and line (for stdlib importers only counted unless
 * verbose), never an error.
 * With opts->cache each module's .pyc is taken from the cache when an entry
 * for the same source path, co_filename, magic and optimize level holds the
 * _imp.source_hash of the source as it is now and its marshal data loads as
 * a code object (bytecode_cache.h); otherwise the module is compiled and the
 * result stored. The .pyc bytes are the same either way.
 * Errors: PF_ERR_NOT_FOUND (entry script or module not found),
 * PF_ERR_IO (a source file cannot be read: the message names it),
 * PF_ERR_PYTHON (a syntax error: already printed to stderr exactly as python3
 * prints it, file, line, offending line and caret), PF_ERR_NOMEM. */
int pfz_graph_build(pfz_graph *g, const pfz_resolve_options *opts, pf_error *err);

/* pfz_graph_free: frees everything g owns and zeroes it; accepts NULL. */
void pfz_graph_free(pfz_graph *g);

#endif
