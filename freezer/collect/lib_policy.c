/* lib_policy.c - the base-system library lists, the --include-library /
 * --exclude-library options and the package rules' target_libraries; see
 * lib_policy.h and docs/native-libraries.md. */
#include "lib_policy.h"

#include <fnmatch.h>
#include <string.h>

/* glibc's own shared libraries (Debian bookworm's libc6 2.36 ships exactly
 * these under /lib/x86_64-linux-gnu; libcidn.so.1 and libSegFault.so are in
 * older releases) and libpython. glibc's libraries are one unit with the
 * target's ld.so and libc.so.6, which no program may carry a copy of; a
 * second libpython would be a second interpreter beside the stub's. */
static const char *const glibc_list[] = {
    "ld-linux-x86-64.so.2",   "libc.so.6",         "libm.so.6",      "libmvec.so.1",
    "libpthread.so.0",        "libdl.so.2",        "librt.so.1",     "libutil.so.1",
    "libresolv.so.2",         "libnsl.so.1",       "libanl.so.1",    "libBrokenLocale.so.1",
    "libc_malloc_debug.so.0", "libthread_db.so.1", "libcidn.so.1",   "libnss_*.so.2",
    "libmemusage.so",         "libpcprofile.so",   "libSegFault.so", "libpython3*.so*",
};

/* The rest of the manylinux policy's lib_whitelist (auditwheel's
 * manylinux-policy.json, the list PEP 600 defers to, for manylinux_2_17 =
 * PEP 599's manylinux2014 and every later tag), minus the glibc libraries
 * above. libz.so.1 and libexpat.so.1 are not in PEP 599's text but were
 * added to the policy in auditwheel 4.0 (expat) and 5.0 (zlib) as present on
 * every distribution manylinux supports. libcrypt.so.1 was in PEP 513's
 * manylinux1 list but left the policy (distributions moved to libxcrypt's
 * libcrypt.so.2): it is bundled. */
static const char *const manylinux_list[] = {
    "libgcc_s.so.1",       "libstdc++.so.6",   "libatomic.so.1", "libz.so.1",
    "libexpat.so.1",       "libX11.so.6",      "libXext.so.6",   "libXrender.so.1",
    "libICE.so.6",         "libSM.so.6",       "libGL.so.1",     "libgobject-2.0.so.0",
    "libgthread-2.0.so.0", "libglib-2.0.so.0",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* matches_any: 1 when name matches one of the count fnmatch patterns. */
static int matches_any(const char *const *patterns, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (patterns[i] != NULL && fnmatch(patterns[i], name, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

pfz_lib_decision pfz_lib_policy_decide(const pfz_lib_policy *policy, const char *soname)
{
    if (matches_any(glibc_list, COUNT(glibc_list), soname)) {
        return PFZ_LIB_GLIBC;
    }
    if (policy != NULL && matches_any(policy->includes, policy->include_count, soname)) {
        return PFZ_LIB_BUNDLE;
    }
    if (policy != NULL && matches_any(policy->excludes, policy->exclude_count, soname)) {
        return PFZ_LIB_EXCLUDED;
    }
    if (pfz_lib_policy_rule_module(policy, soname) != NULL) {
        return PFZ_LIB_RULE;
    }
    if (matches_any(manylinux_list, COUNT(manylinux_list), soname)) {
        return PFZ_LIB_MANYLINUX;
    }
    return PFZ_LIB_BUNDLE;
}

/* rule_index: the first of policy's rule names that soname matches, or
 * rule_count when none does. */
static size_t rule_index(const pfz_lib_policy *policy, const char *soname)
{
    size_t i = 0;
    while (i < policy->rule_count &&
           (policy->rule_names[i] == NULL || fnmatch(policy->rule_names[i], soname, 0) != 0)) {
        i++;
    }
    return i;
}

const char *pfz_lib_policy_rule_module(const pfz_lib_policy *policy, const char *soname)
{
    if (policy == NULL || policy->rule_count == 0 ||
        matches_any(glibc_list, COUNT(glibc_list), soname) ||
        matches_any(policy->includes, policy->include_count, soname) ||
        matches_any(policy->excludes, policy->exclude_count, soname)) {
        return NULL; /* decided before the rules are asked */
    }
    size_t i = rule_index(policy, soname);
    return i < policy->rule_count ? policy->rule_modules[i] : NULL;
}

/* check_names: each of names[0..count) is a non-empty name without '/'. */
static int check_names(const char *const *names, size_t count, const char *option, pf_error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (names[i] == NULL || names[i][0] == '\0') {
            return pf_error_set(err, PF_ERR_USAGE, "%s needs a non-empty library name", option);
        }
        if (strchr(names[i], '/') != NULL) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "%s '%s': give a library's SONAME (e.g. libfoo.so.1), not a path",
                                option, names[i]);
        }
    }
    return PF_OK;
}

int pfz_lib_policy_check(const pfz_lib_policy *policy, pf_error *err)
{
    if (policy == NULL) {
        return PF_OK;
    }
    int rc = check_names(policy->excludes, policy->exclude_count, "--exclude-library", err);
    if (rc == PF_OK) {
        rc = check_names(policy->includes, policy->include_count, "--include-library", err);
    }
    if (rc != PF_OK) {
        return rc;
    }
    for (size_t i = 0; i < policy->include_count; i++) {
        const char *name = policy->includes[i];
        /* a literal name (no glob characters) that the glibc tier holds */
        if (strpbrk(name, "*?[") == NULL && matches_any(glibc_list, COUNT(glibc_list), name)) {
            return pf_error_set(err, PF_ERR_USAGE,
                                "--include-library '%s': it is part of glibc (or the stub's "
                                "libpython) and must come from the target machine; it cannot be "
                                "bundled",
                                name);
        }
    }
    return PF_OK;
}

const char *pfz_lib_policy_reason(pfz_lib_decision decision)
{
    switch (decision) {
    case PFZ_LIB_BUNDLE:
        return "bundled";
    case PFZ_LIB_GLIBC:
        return "part of glibc";
    case PFZ_LIB_MANYLINUX:
        return "in the manylinux policy";
    case PFZ_LIB_EXCLUDED:
        return "--exclude-library";
    case PFZ_LIB_RULE:
        return "the package rules";
    }
    return "?";
}

const char *const *pfz_lib_policy_glibc(size_t *count)
{
    *count = COUNT(glibc_list);
    return glibc_list;
}

const char *const *pfz_lib_policy_manylinux(size_t *count)
{
    *count = COUNT(manylinux_list);
    return manylinux_list;
}
