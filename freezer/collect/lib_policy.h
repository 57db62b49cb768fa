/* lib_policy.h - which shared libraries a frozen program bundles and which
 * it leaves to the target machine (docs/native-libraries.md lists them).
 *
 * Three tiers, decided by SONAME (or by file name for a library without
 * one):
 *   - glibc's own libraries (libc.so.6, ld-linux-x86-64.so.2, libm.so.6 ...)
 *     and libpython (the stub carries the C API): never bundled, and
 *     --include-library cannot change that: a second glibc or a second
 *     interpreter in one process breaks it;
 *   - the rest of the manylinux policy's library list (PEP 600 defers it to
 *     auditwheel's policy file, manylinux-policy.json's lib_whitelist for
 *     manylinux_2_17 and later: libgcc_s, libstdc++, libatomic, libz,
 *     libexpat, the X11/GL/GLib set): not bundled unless --include-library
 *     names them;
 *   - everything else: bundled, unless --exclude-library names it, or the
 *     package rules do for a packed module (its `target_libraries`,
 *     docs/third-party.md: libraries that must match the target machine's
 *     configuration, fontconfig for tkinter), which leaves it out the same
 *     way; --include-library wins over both.
 * Names given to the options may be fnmatch(3) globs ("libfoo*.so.*").
 */
#ifndef PFZ_LIB_POLICY_H
#define PFZ_LIB_POLICY_H

#include <stddef.h>

#include "pf_error.h"

typedef enum pfz_lib_decision {
    PFZ_LIB_BUNDLE = 0,    /* pack it as libs/<SONAME> */
    PFZ_LIB_GLIBC = 1,     /* part of glibc (or the stub's libpython): the target's own copy */
    PFZ_LIB_MANYLINUX = 2, /* in the manylinux policy list: the target's own copy */
    PFZ_LIB_EXCLUDED = 3,  /* named by --exclude-library */
    PFZ_LIB_RULE = 4,      /* named by a packed module's target_libraries in the rules */
} pfz_lib_decision;

typedef struct pfz_lib_policy {
    const char *const *excludes; /* --exclude-library names or globs, in order */
    size_t exclude_count;
    const char *const *includes; /* --include-library names or globs, in order */
    size_t include_count;
    const char *const *rule_names;   /* the rules' target_libraries of the packed modules */
    const char *const *rule_modules; /* for each, the module whose entry names it */
    size_t rule_count;
} pfz_lib_policy;

/* pfz_lib_policy_decide: the decision for the library named soname (a
 * SONAME, or a file name for a library without one) under policy (NULL
 * means no options); names are matched with fnmatch(3), no flags. Order:
 * the glibc tier always wins; then an --include-library match bundles; then
 * an --exclude-library match excludes; then a rules match (PFZ_LIB_RULE);
 * then the manylinux list; else PFZ_LIB_BUNDLE. Never fails. */
pfz_lib_decision pfz_lib_policy_decide(const pfz_lib_policy *policy, const char *soname);

/* pfz_lib_policy_rule_module: for a soname that policy decides
 * PFZ_LIB_RULE, the module whose rules entry leaves it to the target
 * (borrowed from policy->rule_modules); NULL for any other. */
const char *pfz_lib_policy_rule_module(const pfz_lib_policy *policy, const char *soname);

/* pfz_lib_policy_check: validates the options' names before any work: each
 * is non-empty and has no '/' (a SONAME is a file name), and no
 * --include-library names a glibc-tier library literally (a glob that also
 * matches one is allowed: the glibc tier simply wins). Returns PF_OK or
 * PF_ERR_USAGE naming the option and the name. */
int pfz_lib_policy_check(const pfz_lib_policy *policy, pf_error *err);

/* pfz_lib_policy_reason: a few words saying why decision leaves a library
 * out ("part of glibc", "in the manylinux policy", "--exclude-library",
 * "the package rules"),
 * or "bundled"; for -v listings and messages. A static string, never NULL. */
const char *pfz_lib_policy_reason(pfz_lib_decision decision);

/* pfz_lib_policy_glibc / pfz_lib_policy_manylinux: the built-in lists
 * (fnmatch patterns), for the documentation test; *count receives their
 * length. The arrays are static: never freed or changed. */
const char *const *pfz_lib_policy_glibc(size_t *count);
const char *const *pfz_lib_policy_manylinux(size_t *count);

#endif
