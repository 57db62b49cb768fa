/* unmatched_libraries.c - warnings for library options that matched no
 * library the program needs; see unmatched_libraries.h. */
#include "unmatched_libraries.h"

#include <fnmatch.h>

/* matches_any: 1 when pattern matches a library deps bundles or leaves to
 * the target. */
static int matches_any(const char *pattern, const pfz_native_result *deps)
{
    for (size_t i = 0; deps != NULL && i < deps->lib_count; i++) {
        if (fnmatch(pattern, deps->libs[i].soname, 0) == 0) {
            return 1;
        }
    }
    for (size_t i = 0; deps != NULL && i < deps->skipped_count; i++) {
        if (fnmatch(pattern, deps->skipped[i].soname, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

/* report_list: the records for one option's names. */
static int report_list(const char *option, const char *const *names, size_t count,
                       const pfz_native_result *deps, pfz_report *report, pf_error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (matches_any(names[i], deps)) {
            continue;
        }
        pfz_note n = {.kind = PFZ_NOTE_OPTION_MATCHED_NOTHING,
                      .names = (char *)option,
                      .module = (char *)names[i],
                      .reason = "no extension module the program packs needs a shared library "
                                "of that name, directly or through another library"};
        int rc = pfz_report_add(report, &n, err);
        if (rc != PF_OK) {
            return rc;
        }
    }
    return PF_OK;
}

int pfz_lib_report_unmatched(const pfz_lib_policy *policy, const pfz_native_result *deps,
                             pfz_report *report, pf_error *err)
{
    if (policy == NULL || report == NULL) {
        return PF_OK;
    }
    int rc = report_list("--exclude-library", policy->excludes, policy->exclude_count, deps, report,
                         err);
    if (rc == PF_OK) {
        rc = report_list("--include-library", policy->includes, policy->include_count, deps, report,
                         err);
    }
    return rc;
}
