/* package_rules.h - the package rules as a Python object, for the resolver
 * (module_graph_internal.h has the resolver's questions to it) and for
 * tests: freezer/rules/packages.toml read with tomllib and validated, and
 * packages' PyInstaller hooks read with ast (package_rules.py;
 * docs/third-party.md, "The rules file"). Include Python.h first. */
#ifndef PFZ_PACKAGE_RULES_H
#define PFZ_PACKAGE_RULES_H

#include "pf_error.h"

/* pfz_rules_load: a new reference to a package_rules.Rules over the TOML
 * text (UTF-8; origin names it in messages), or NULL with err set:
 * PF_ERR_USAGE when the text breaks the format (the message names origin
 * and the key: not TOML, a wrong `format`, an unknown key, a module list
 * that holds something not a module name, a data entry without from/to or
 * with a `to` leaving the package, a target_libraries entry that is no
 * library name), PF_ERR_NOMEM, PF_ERR_PYTHON. Needs the
 * embedded interpreter (python_host.h). The object's methods:
 *   hidden_imports(module, top_dir) -> [names]
 *   hidden_imports_at_use(module, top_dir) -> [names]: imports made only
 *       when something is used (not in hidden_imports' answer)
 *   excludes(importer, name, top_dir) -> bool
 *   data(module, package_dir) -> [(absolute file, path relative to the package)]:
 *       the rules' data directories, then the data Debian moved out of
 *       the package (DpkgData: dpkg's lists read once, when needed)
 *   plugin_groups(module) -> [groups]
 *   target_libraries(modules) -> [(library name, module)]: the entries'
 *       target_libraries of those modules, each name once
 *   lazy_targets(module_file, rest) -> [modules] or None
 *   alias_targets(name) -> [module] or None (the rules' submodules_from)
 *   hooks(top_dir) -> {module: {"hidden_imports": [...], "excluded_imports": [...]}}
 * and attributes development, build, left_out (frozensets of names). */
PyObject *pfz_rules_load(const char *text, const char *origin, pf_error *err);

#endif
