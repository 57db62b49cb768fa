/* module_graph_internal.h - what the files of the resolver share: its state
 * and the functions one file calls in another. Not for other files: the
 * public contract is module_graph.h.
 *
 * The resolver (stage 1 of the freezer, pfz_graph_build) is these files,
 * each with one job; calls go one way only, down this list:
 *   module_graph.c         the driver: sets the resolver up and runs the steps
 *                          in order (roots, deferred imports, third-party
 *                          rules, the final sweep), then tears it down
 *   module_roots.c         the modules no import statement reaches: the
 *                          entry script or -m module, encodings, runpy,
 *                          computed imports, the whole stdlib for --python
 *   module_search_path.c   the directories searched for top-level names
 *   third_party_collect.c  the collection rules for third-party packages
 *                          (docs/third-party.md), asking third_party.c's
 *                          Python helpers
 *   module_walk.c          the walk: a module ensured with its parents,
 *                          visited (compiled, imports scanned), one import
 *                          statement followed, deferred imports replayed
 *   import_policy.c        which import edges the walk does not follow, from
 *                          where they sit and which distribution they enter; which
 *                          modules only the whole-distribution rule reaches
 *   extra_imports.c        the imports a module's statements do not show:
 *                          the rules' hidden imports, constant dynamic imports
 *                          (dynamic_imports.h), six-style lazy names, imports
 *                          from C (native_imports.h)
 *   import_filters.c       which import edges the walk does not follow
 *                          (development and build tools, the rules' excluded
 *                          imports, importlib's aliases)
 *   codec_names.c          the codecs packed on demand: the ones a
 *                          module's string constants name, the left-out
 *                          records of the rest
 *   gated_imports.c        the stdlib features imported on use: which
 *                          function-level imports wait for a module to
 *                          name the feature
 *   package_rules.c        the package rules (package_rules.h): tool lists,
 *                          hidden and excluded imports, data, plugin groups,
 *                          lazy names
 *   module_find.c          finding one module by name as importlib would
 *   import_warnings.c      the warning records for imports that cannot be
 *                          resolved (report.h)
 *   module_table.c         the module table: adding a module, the names
 *                          known missing, --exclude-module
 *   unmatched_excludes.c   the warning for an --exclude-module name that
 *                          matched nothing
 *   resolve_util.c         small helpers: paths, strings, no-memory errors
 * Compiling is compile/module_compile.h's, which knows nothing of the graph.
 * Functions shared between them are named pfz_mg_*; everything else in those
 * files is static. This header includes Python.h, which CPython wants before
 * any system header: include it first, or after Python.h. */
#ifndef PFZ_MODULE_GRAPH_INTERNAL_H
#define PFZ_MODULE_GRAPH_INTERNAL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "import_scan.h"
#include "module_compile.h"
#include "module_graph.h"
#include "pf_error.h"
#include "py_error.h"
#include "report.h"

/* What the walk keeps per module besides the public pfz_module. */
typedef struct mod_state {
    PyObject *search_path; /* list of str: submodule_search_locations; NULL if not a package */
    int scanned;           /* its imports have been followed */
    int collected;         /* added by a collection rule (docs/third-party.md), not an import */
    int rule_only;         /* reached only through modules the whole-distribution rule packed
                              (and what they import): its optional imports are held back
                              (import_policy.c pfz_mg_rule_only_held) until a followed
                              import of the program reaches it */
} mod_state;

typedef struct resolver {
    pfz_graph *g;
    const pfz_resolve_options *opts;
    mod_state *state;            /* parallel to g->modules, same capacity */
    PyObject *index;             /* dict: module name -> int index into g->modules */
    PyObject *missing;           /* dict: module name -> str reason it cannot be found */
    PyObject *top_path;          /* list of str: search directories for top-level names */
    PyObject *find_spec;         /* importlib.machinery.PathFinder.find_spec */
    PyObject *ext_loader;        /* importlib.machinery.ExtensionFileLoader */
    PyObject *source_loader;     /* importlib.machinery.SourceFileLoader */
    PyObject *builtins;          /* frozenset: the stub's built-in modules */
    PyObject *is_frozen;         /* _imp.is_frozen */
    PyObject *is_frozen_package; /* _imp.is_frozen_package */
    PyObject *get_frozen_object; /* _imp.get_frozen_object */
    PyObject *source_hash;       /* _imp.source_hash */
    PyObject *fix_co_filename;   /* _imp._fix_co_filename */
    char cache_tag[32];          /* sys.implementation.cache_tag, e.g. "cpython-311" */
    long magic;                  /* importlib.util._RAW_MAGIC_NUMBER */
    char stdlib_dir[PATH_MAX];   /* the stdlib searched and packed: opts->stdlib_dir, or
                                    sys._stdlib_dir, e.g. /usr/lib/python3.11 */
    char cwd[PATH_MAX];          /* to make paths absolute and shorten them in warnings */
    int depth;                   /* current visit recursion depth */
    int defer_visits;            /* set: pfz_mg_ensure_module only adds, visits come later */
    int entry_known;             /* g->main is set */
    int collecting;              /* set: modules added now come from a collection rule */
    const char *via;             /* static text: the rule adding modules now (pfz_module.via),
                                    NULL while an import statement is followed */
    PyObject *deferred;          /* list of (importer, name, level, fromlist, line,
                                    in_function, guard, try_imports, in_try): imports inside
                                    functions or off the normal path, followed after
                                    everything that runs at import time (see on_import in
                                    module_walk.c) */
    int replaying;               /* set: the next on_import call replays a deferred one */
    const pfz_import *following; /* the import statement being followed, or NULL (a root):
                                    its warnings say where it sits (import_warnings.c) */
    uint8_t *exclude_hit;        /* per opts->excludes[i]: 1 once an import reached it
                                    (pfz_mg_is_excluded), for unmatched_excludes.c */
    PyObject *tp;                /* third_party.h helpers (dict) */
    PyObject *dists;             /* dict: top-level name -> distribution key, or NULL
                                    (import_policy.c) */
    PyObject *native_found;      /* dict: (kind, name) -> bool, or NULL: lookups of names
                                    read from extension modules (extra_imports.c) */
    PyObject *named_dists;       /* list of str, or NULL: distribution names given as
                                    constants to importlib.metadata / pkg_resources calls
                                    (dynamic_imports.h): their metadata is packed */
    PyObject *rules;             /* package_rules.h Rules object */
    PyObject *dev_tools;         /* frozenset: the rules' tools.development */
    PyObject *build_tools;       /* frozenset: the rules' tools.build */
    PyObject *left_out;          /* frozenset: the rules' standalone.left_out */
    PyObject *codec_aliases;     /* dict: encodings.aliases.aliases (codec_names.c) */
    PyObject *codec_short_names; /* frozenset: the rules' codecs.on_demand, without
                                    "encodings." */
    PyObject *codec_ignored_in;  /* frozenset: the rules' codecs.names_ignored_in */
    size_t codec_name_max;       /* the longest alias or on-demand name, in bytes */
    PyObject *gate_tops;         /* frozenset: top-level packages of the rules'
                                    gated_imports importers (gated_imports.c) */
    PyObject *gate_fragments;    /* tuple of str: gate names that are no identifier,
                                  * found inside string constants */
    PyObject *gate_names;        /* dict: top-level package -> set of the names used by
                                  * the modules that import it */
    PyObject *gated;             /* list: held-back imports, as r->deferred's items plus
                                    their absolute name */
    PyObject *held;              /* list: imports of rule_only modules held back
                                    (import_policy.c), as r->gated's items */
    PyObject *rule_children;     /* dict: index of a rule_only module -> list of the indexes
                                    of the rule_only modules it imports (import_policy.c) */
    size_t promotions;           /* rule_only modules a followed import reached since */
    pfz_compiler compiler;       /* what module_compile.h needs, from the fields above */

    /* sys._stdlib_dir: the host's stdlib, which the embedded interpreter
     * runs on; stdlib_dir is the packed one (the PVM's) */
    char host_stdlib_dir[PATH_MAX];
} resolver;

/* ---- resolve_util.c ---- */

/* pfz_mg_nomem: records an allocation failure in err. Returns PF_ERR_NOMEM. */
int pfz_mg_nomem(pf_error *err);

/* pfz_mg_str_concat3: a+b+c in a malloc'd string (the caller frees it), or
 * NULL when out of memory. */
char *pfz_mg_str_concat3(const char *a, const char *b, const char *c);

/* pfz_mg_absolute_path: path made absolute against r->cwd without resolving
 * symlinks (what the user named is what python3 would show). Returns a
 * malloc'd string (the caller frees it), or NULL when out of memory. */
char *pfz_mg_absolute_path(const resolver *r, const char *path);

/* pfz_mg_display_path: path shortened for a message: relative to the
 * working directory when below it, else unchanged. Borrowed from path. */
const char *pfz_mg_display_path(const resolver *r, const char *path);

/* pfz_mg_is_stdlib_path: 1 when path lies in r->stdlib_dir, the packed standard library
 * (not in its site-packages or dist-packages), else 0. */
int pfz_mg_is_stdlib_path(const resolver *r, const char *path);

/* pfz_mg_utf8: sets *utf8 to name's UTF-8 form (borrowed from name).
 * PyUnicode_AsUTF8 fails for a lone surrogate or no memory: then the
 * exception is cleared and the error returned (PF_ERR_PYTHON naming what,
 * or PF_ERR_NOMEM). Returns PF_OK or that error. */
int pfz_mg_utf8(PyObject *name, const char **utf8, const char *what, pf_error *err);

/* ---- module_table.c ---- */

/* pfz_mg_add_module: appends a module to the graph and the name index. Takes
 * ownership of origin (malloc'd or NULL) and search_path (a new reference or
 * NULL) whatever happens. Sets *idx. Returns PF_OK or PF_ERR_NOMEM. */
int pfz_mg_add_module(resolver *r, PyObject *name, pfz_module_kind kind, char *origin,
                      PyObject *search_path, size_t importer, int line, size_t *idx, pf_error *err);

/* pfz_mg_set_missing: remembers that name (a str) cannot be found and why
 * (a UTF-8 text, "" when it is simply absent). Returns PF_OK or an error of
 * pfz_py_fail. */
int pfz_mg_set_missing(resolver *r, PyObject *name, const char *why, pf_error *err);

/* pfz_mg_is_excluded: 1 when name (a str) is an --exclude-module name or
 * inside one, else 0; marks that name reached (r->exclude_hit). */
int pfz_mg_is_excluded(const resolver *r, PyObject *name);

/* ---- unmatched_excludes.c ---- */

/* pfz_mg_excludes_init: allocates r->exclude_hit (none without
 * excludes). Returns PF_OK or PF_ERR_NOMEM. */
int pfz_mg_excludes_init(resolver *r, pf_error *err);

/* pfz_mg_report_unmatched_excludes: after the walk, a warning record
 * (PFZ_NOTE_OPTION_MATCHED_NOTHING) for each --exclude-module name no import
 * reached and no module of that name exists (builtin, frozen, or found by
 * importlib's PathFinder on r->top_path; nothing is imported). Returns PF_OK
 * or PF_ERR_NOMEM. */
int pfz_mg_report_unmatched_excludes(resolver *r, pf_error *err);

/* ---- import_warnings.c ---- */

/* pfz_mg_warn_missing: counts an import of `name` by module `importer` at
 * `line` that cannot be found (g->unresolved) and records its warning
 * (PFZ_NOTE_MODULE_NOT_FOUND) in opts->report; why is NULL, "" or the
 * reason. Nothing for a root (importer PFZ_NO_IMPORTER) but the count.
 * Returns PF_OK or PF_ERR_NOMEM. */
int pfz_mg_warn_missing(resolver *r, const char *name, const char *why, size_t importer, int line,
                        pf_error *err);

/* pfz_mg_warn_relative: the same for a relative import that has no
 * package to be relative to (importlib._bootstrap._sanity_check,
 * _resolve_name; PFZ_NOTE_BAD_RELATIVE_IMPORT); why is importlib's words.
 * Returns PF_OK, PF_ERR_PYTHON (the import's name is not text), or
 * PF_ERR_NOMEM. */
int pfz_mg_warn_relative(resolver *r, const pfz_import *imp, const char *why, size_t importer,
                         pf_error *err);

/* pfz_mg_note_skipped: records (verbose_only) that module importer's import
 * of `name` at line is not followed, being a development tool (kind
 * PFZ_NOTE_DEV_TOOL_NOT_FOLLOWED), a build tool
 * (PFZ_NOTE_BUILD_TOOL_NOT_FOLLOWED), or left out by import_policy.c
 * (PFZ_NOTE_IMPORT_LEFT_OUT) for `reason` (copied; NULL for the other
 * kinds), and adds name to the graph's left-out names
 * (pfz_graph_add_left_out), which the payload records: every edge the walk
 * leaves out goes through here. Returns PF_OK or
 * PF_ERR_NOMEM. */
int pfz_mg_note_skipped(resolver *r, pfz_note_kind kind, const char *name, size_t importer,
                        int line, const char *reason, pf_error *err);

/* ---- module_find.c ---- */

/* pfz_mg_look_up_seen: sets *done when name was met before: *idx is then
 * its index, or PFZ_NO_IMPORTER when it was found missing (warned about
 * again for this importer when warn is set). Returns PF_OK or an error. */
int pfz_mg_look_up_seen(resolver *r, PyObject *name, size_t importer, int line, int warn,
                        size_t *idx, int *done, pf_error *err);

/* pfz_mg_find_module: finds module name (a str, not seen before) as the
 * import system would, its parent's __path__ being path (r->top_path for a
 * top-level name; NULL when the parent is not a package), and adds it to
 * the table without visiting it. *idx is its index, or PFZ_NO_IMPORTER when
 * it cannot be found: then it is remembered as missing and, when warn is
 * set, warned about. Returns PF_OK or an error. */
int pfz_mg_find_module(resolver *r, PyObject *name, PyObject *path, size_t importer, int line,
                       int warn, size_t *idx, pf_error *err);

/* ---- import_policy.c ---- */

/* pfz_mg_edge_left_out: 1 (after recording why with pfz_mg_note_skipped)
 * when the walk leaves out imp, module importer's import of the absolute
 * name full; else 0. Left out, unless opts->follow_all_imports: an import
 * under `if TYPE_CHECKING:` or a test for another OS; a fallback (an
 * `except ImportError:` import) whose try body's imports are all packed;
 * and an optional import (in a function, an exception handler, a fallback,
 * or a stdlib try body that handles its failure) of a third-party
 * distribution other than the importer's, unless the importer is the
 * program's own (the script, or a module of no distribution) or that
 * top-level package is already packed. Never left out: a module libpython
 * carries frozen (importable anyway; its own imports must be packed). *status is PF_OK, or an error
 * (PF_ERR_PYTHON, PF_ERR_NOMEM; then 1 is returned). */
int pfz_mg_edge_left_out(resolver *r, size_t importer, const pfz_import *imp, const char *full,
                         int *status, pf_error *err);

/* pfz_mg_rule_only_held: 1 when imp, module importer's import of the
 * absolute name full, is held back because importer is rule_only (reached
 * only through modules the whole-distribution rule packed, which may never
 * run) and the import is optional: in a function, an exception handler or
 * a try body whose handler catches its failure (asyncio.base_events' `try:
 * import ssl`) and would add a module, unless it is a stdlib module's
 * module-level accelerator whose handler imports a fallback (decimal's
 * `try: from _decimal import *`: import_scan.h in_try 2)
 * (pfz_mg_held_targets; a module
 * that cannot be found is followed, to be warned about as missing); never with
 * opts->follow_all_imports (no module is rule_only then). Asked only of
 * edges pfz_mg_edge_left_out follows. The walk queues it on r->held and
 * replays it with r->gated: followed once a followed import reaches importer (pfz_mg_edge_reached),
 * else recorded as left out at the end (pfz_mg_note_held_left_out). */
int pfz_mg_rule_only_held(resolver *r, size_t importer, const pfz_import *imp, PyObject *full);

/* pfz_mg_note_held_left_out: once the walk is over, records as left out
 * (pfz_mg_note_skipped) each module that an import still in r->held would
 * have added: the module, or for `from PKG import X` of a packed package
 * the submodules X that can be found. Returns PF_OK, PF_ERR_PYTHON or
 * PF_ERR_NOMEM. */
int pfz_mg_note_held_left_out(resolver *r, pf_error *err);

/* pfz_mg_edge_reached: records that the walk followed an import (or a
 * rule) from module importer (PFZ_NO_IMPORTER for a root) to module
 * target: between rule_only modules, as an edge to promote along later;
 * from a module that runs (not rule_only, outside a collection rule) to a
 * rule_only one, target and every rule_only module reachable from it stop
 * being rule_only (r->promotions counts them). Returns PF_OK or
 * PF_ERR_PYTHON (no memory). */
int pfz_mg_edge_reached(resolver *r, size_t importer, size_t target, pf_error *err);

/* pfz_mg_classify_warnings: completes the unresolved-import records
 * (PFZ_NOTE_MODULE_NOT_FOUND, PFZ_NOTE_BAD_RELATIVE_IMPORT) from
 * opts->report's record `first` on, once the walk is over: whether the
 * importer is the program's own code, the stdlib or which distribution;
 * only an own module's import that runs as it loads (not in a function)
 * is shown without -v, the rest is summed up by the command. Counts
 * g->unresolved_own (own code, not guarded: --strict). Returns PF_OK, or
 * PF_ERR_PYTHON / PF_ERR_NOMEM from telling distributions apart. */
int pfz_mg_classify_warnings(resolver *r, size_t first, pf_error *err);

/* ---- import_filters.c ---- */

/* pfz_mg_is_dev_tool: 1 when the dotted name is in one of the rules'
 * tools.development packages (development tools a stdlib function may
 * import), else 0. */
int pfz_mg_is_dev_tool(const resolver *r, const char *name);

/* pfz_mg_is_build_tool: 1 when the dotted name is in one of the rules'
 * tools.build packages (build, packaging and test tools whose imports by
 * collected modules are not followed), else 0. */
int pfz_mg_is_build_tool(const resolver *r, const char *name);

/* pfz_mg_same_top_package: 1 when two dotted names share their first part
 * ("unittest.case", "unittest._log"), else 0. */
int pfz_mg_same_top_package(const char *a, const char *b);

/* pfz_mg_is_installed_alias: 1 when imp, in module `importer`, imports
 * importlib._bootstrap or importlib._bootstrap_external, which importlib
 * replaces by the interpreter's frozen modules (see import_filters.c),
 * else 0. */
int pfz_mg_is_installed_alias(const pfz_import *imp, const char *importer);

/* ---- package_rules.c ---- */

/* pfz_mg_rules_init: loads the built-in rules file into r->rules and its
 * tool lists. Returns PF_OK, PF_ERR_USAGE (the rules file is invalid: a
 * build defect), PF_ERR_PYTHON, PF_ERR_NOMEM. pfz_mg_rules_free releases
 * them (also after a partial init). */
int pfz_mg_rules_init(resolver *r, pf_error *err);
void pfz_mg_rules_free(resolver *r);

/* pfz_mg_top_in: 1 when the first len bytes of name (its top-level part)
 * are in set (a frozenset of str; NULL: empty), else 0. */
int pfz_mg_top_in(PyObject *set, const char *name, size_t len);

/* pfz_mg_rule_excludes: 1 when the rules or the package's hooks leave out
 * module importer's import of `name` (excluded_imports of the importer or
 * a package above it), else 0 (also when the question fails). */
int pfz_mg_rule_excludes(const resolver *r, size_t importer, const char *name);

/* pfz_mg_rule_call: *list (a new list) is the rules' answer for module idx
 * to method "hidden_imports" or "hidden_imports_at_use" (names), "data" ((absolute, relative to the
 * package directory) pairs) or "plugin_groups" (group names). Returns
 * PF_OK or PF_ERR_PYTHON. */
int pfz_mg_rule_call(const resolver *r, const char *method, size_t idx, PyObject **list,
                     pf_error *err);

/* pfz_mg_rules_target_libraries: fills r->g->target_libraries with the
 * rules' target_libraries of the modules in the graph (package_rules.py
 * Rules.target_libraries). Returns PF_OK, PF_ERR_PYTHON or PF_ERR_NOMEM. */
int pfz_mg_rules_target_libraries(resolver *r, pf_error *err);

/* pfz_mg_lazy_targets: when name (a str) is a six-style lazy name below a
 * plain module in the graph whose source defines such names (six.moves,
 * six.moves.queue, ...), *targets is a new list of the real modules it
 * stands for (empty for a container such as six.moves), or when name is
 * below a package whose rules entry gives `submodules_from`
 * (pkg_resources.extern.X -> [pkg_resources._vendor.X]); else NULL.
 * Returns PF_OK or PF_ERR_PYTHON. */
int pfz_mg_lazy_targets(resolver *r, PyObject *name, PyObject **targets, pf_error *err);

/* ---- codec_names.c ---- */

/* pfz_mg_codec_names: *names is a new sorted list of the on-demand codec
 * modules ("encodings.X", the rules' codecs.on_demand) that module idx's
 * code (its code object, or NULL) names in a string constant, nested
 * code and constant tuples included, as codecs.lookup() would map the
 * string; NULL when none, or when the module is one of the rules'
 * codecs.names_ignored_in or inside one. Returns PF_OK or PF_ERR_PYTHON. */
int pfz_mg_codec_names(const resolver *r, size_t idx, PyObject *code, PyObject **names,
                       pf_error *err);

/* pfz_mg_is_codec_on_demand: 1 when module (a dotted name) is one of the
 * rules' codecs.on_demand, else 0. */
int pfz_mg_is_codec_on_demand(const resolver *r, const char *module);

/* pfz_mg_note_codecs_left_out: once the walk is over, records each
 * on-demand codec module not packed as left out (pfz_mg_note_skipped,
 * imported by encodings), so the payload names it and a lookup of it at
 * run time says which option packs it. Returns PF_OK, PF_ERR_PYTHON or
 * PF_ERR_NOMEM. */
int pfz_mg_note_codecs_left_out(resolver *r, pf_error *err);

/* ---- gated_imports.c ---- */

/* pfz_mg_gate_closed: 1 when imp, a function-level import of the absolute
 * name full by stdlib module importer, is one of the rules' gated_imports
 * and no module seen so far opens it (imports the importer's top-level
 * package and names one of the gate's names, r->gate_names); else 0 (also
 * with --follow-all-imports). */
int pfz_mg_gate_closed(const resolver *r, size_t importer, const pfz_import *imp, const char *full);

/* pfz_mg_gate_names_add: when module idx (its code object code, or NULL)
 * is outside the gated top-level packages and imports one of them, adds
 * the names its code uses (co_names, nested code's, short identifier-like
 * string constants) to r->gate_names. Returns PF_OK or PF_ERR_PYTHON. */
int pfz_mg_gate_names_add(resolver *r, size_t idx, PyObject *code, pf_error *err);

/* pfz_mg_note_gated_left_out: once the walk is over, records each
 * held-back import still in r->gated whose module nothing else packed as
 * left out (pfz_mg_note_skipped,
 * with the names that would have opened it). Returns PF_OK,
 * PF_ERR_PYTHON or PF_ERR_NOMEM. */
int pfz_mg_note_gated_left_out(resolver *r, pf_error *err);

/* ---- extra_imports.c ---- */

/* pfz_mg_extra_imports: calls fn(ctx, ...) with a pfz_import (level 0, no
 * fromlist) for each import of module idx that its statements do not
 * show: the rules' hidden imports; with code (the module's code object,
 * NULL for an extension module) the constant dynamic imports whose
 * top-level module can be found and the real modules behind six-style lazy
 * names its statements import (flags as pfz_scan_imports's); for an
 * extension module the names its read-only data holds that resolve to a
 * module (cffi's _cffi_backend, mypyc's runtime, dotted imports of Cython
 * modules), and the imports of a Python source of the same name beside it
 * (mypyc compiles a .py and ships it); and the on-demand codecs its
 * string constants name (codec_names.c), as imports in a function.
 * Returns PF_OK or an error of fn's,
 * of the scanners', PF_ERR_PYTHON, PF_ERR_NOMEM. */
int pfz_mg_extra_imports(resolver *r, size_t idx, PyObject *code, unsigned flags, pfz_import_fn fn,
                         void *ctx, pf_error *err);

/* ---- module_walk.c ---- */

/* pfz_mg_ensure_module: the module called name (a str), found and followed
 * if it was not seen before, as imported by module importer
 * (PFZ_NO_IMPORTER for a root) at line. Its parents come first, as importlib
 * imports them first (_find_and_load_unlocked). *idx is its index, or
 * PFZ_NO_IMPORTER when it cannot be found or is excluded (--exclude-module):
 * then, when warn is set, a warning names the first missing part. Returns
 * PF_OK or a hard error of pfz_mg_visit's. */
int pfz_mg_ensure_module(resolver *r, PyObject *name, size_t importer, int line, int warn,
                         size_t *idx, pf_error *err);

/* pfz_mg_visit: compiles module idx when it has source (module_compile.h)
 * and follows its imports (frozen modules' code comes from
 * _imp.get_frozen_object); once only, later calls return PF_OK. Returns
 * PF_OK, PF_ERR_IO (a source cannot be read), PF_ERR_PYTHON (a compile
 * error, its text in opts->report; or a failure of the interpreter),
 * PF_ERR_NOMEM. */
int pfz_mg_visit(resolver *r, size_t idx, pf_error *err);

/* pfz_mg_follow_deferred: follows the queued imports from inside functions
 * and exception handlers (r->deferred), in the order found; the modules they
 * reach queue their own, which are followed in turn. Returns PF_OK or an
 * error of pfz_mg_ensure_module's. */
int pfz_mg_follow_deferred(resolver *r, pf_error *err);

/* pfz_mg_follow_gated: replays the held-back imports (r->gated, r->held)
 * whose gate the walk has opened since or whose module a followed import
 * has reached, and what they reach, until a round changes nothing; the rest
 * stay in r->gated and r->held. Returns PF_OK or an error of
 * pfz_mg_follow_deferred's. */
int pfz_mg_follow_gated(resolver *r, pf_error *err);

/* ---- module_search_path.c ---- */

/* pfz_mg_top_search_path: sets r->top_path (a list of str, owned by r) to
 * the directories searched for top-level names: the -p directories (without
 * them and without whole_stdlib, the script's directory, for -m the working
 * directory, as python3 without -I would put first), the virtual
 * environment's site directories, then the host's sys.path (without its site
 * directories when the venv excludes them, PEP 405). Returns PF_OK, PF_ERR_NOT_FOUND (the
 * script cannot be opened), PF_ERR_USAGE (--venv names no virtual
 * environment), PF_ERR_PYTHON, PF_ERR_NOMEM. */
int pfz_mg_top_search_path(resolver *r, pf_error *err);

/* ---- module_roots.c ----
 * Each adds modules with their imports (pfz_mg_ensure_module) and returns
 * PF_OK or, besides the errors named, one of pfz_mg_visit's. */

/* pfz_mg_add_script: the entry script as module "__main__", packed as
 * lib/<script name without .py>.pyc, and its imports; sets g->main.
 * PF_ERR_NOT_FOUND when the script is missing or not a regular file. */
int pfz_mg_add_script(resolver *r, pf_error *err);

/* pfz_mg_add_entry_module: the -m entry: the module (after its parents)
 * and, for a package, PKG.__main__ (runpy._get_module_details), then their
 * imports; sets g->main. PF_ERR_NOT_FOUND when there is no such module or
 * the package has no __main__, PF_ERR_USAGE when it has no Python source. */
int pfz_mg_add_entry_module(resolver *r, pf_error *err);

/* pfz_mg_add_root: one module by name with its imports (runpy for -m, an
 * extra root), warned about, not an error, when it cannot be found. */
int pfz_mg_add_root(resolver *r, const char *module, pf_error *err);

/* pfz_mg_add_encodings: the encodings package and every module in it, in
 * name order, but the codecs the rules pack on demand (codec_names.c;
 * with --follow-all-imports those too).
 * Python/codecs.c's search function imports encodings.<name> by name, so
 * no import statement shows which ones a program needs.
 * PF_ERR_NOT_FOUND when the package is missing, PF_ERR_IO when its
 * directory cannot be listed. */
int pfz_mg_add_encodings(resolver *r, pf_error *err);

/* pfz_mg_add_computed_imports: modules the stdlib imports by a name it
 * computes, which no reading of bytecode can see, added when their importer
 * is in the graph: sysconfig imports its build-time data module by a name
 * made of the ABI flags, platform and multiarch (Lib/sysconfig.py:
 * _get_sysconfigdata_name), here _sysconfigdata__x86_64-linux-gnu.
 * PF_ERR_PYTHON when sysconfig cannot name it. */
int pfz_mg_add_computed_imports(resolver *r, pf_error *err);

/* pfz_mg_add_stdlib: every module of the host's stdlib directory and of its
 * lib-dynload directory as a root, in name order (reproducible), with its
 * imports, except those the rules leave out (standalone.left_out) and test
 * packages. Names that cannot be found (a platform's module whose import
 * fails here) are warnings, as for any import. PF_ERR_IO when a directory
 * cannot be listed. */
int pfz_mg_add_stdlib(resolver *r, pf_error *err);

/* pfz_mg_check_script_name: the script is packed as lib/<stem>.pyc, which is
 * also the member of a top-level module named <stem>. When the program
 * imports the script itself under that name (python3 puts the script's
 * directory first on sys.path), both get the same bytes; a different module
 * of that name cannot share the path, so the script must be renamed.
 * Returns PF_OK (also for a -m entry), PF_ERR_USAGE (rename the script),
 * PF_ERR_NOMEM. */
int pfz_mg_check_script_name(resolver *r, pf_error *err);

/* ---- third_party_collect.c ---- */

/* pfz_mg_add_third_party: the collection rules of docs/third-party.md,
 * after the program's own imports: hidden imports, --collect packages, whole
 * distributions, package data files (g->data), --add-data. Returns PF_OK,
 * PF_ERR_NOT_FOUND (a --hidden-import or --collect name is not found),
 * PF_ERR_USAGE (a bad --add-data value), PF_ERR_IO (a data file cannot be
 * read), or one of pfz_mg_visit's errors. */
int pfz_mg_add_third_party(resolver *r, pf_error *err);

#endif
