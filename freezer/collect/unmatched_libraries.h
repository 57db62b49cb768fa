/* unmatched_libraries.h - the warnings for --exclude-library and
 * --include-library names that matched no library the program needs
 * (most likely a typo, or a library no extension module links: the option
 * then does nothing). */
#ifndef PFZ_UNMATCHED_LIBRARIES_H
#define PFZ_UNMATCHED_LIBRARIES_H

#include "lib_policy.h"
#include "native_deps.h"
#include "pf_error.h"
#include "report.h"

/* pfz_lib_report_unmatched: adds to report (which may be NULL: then
 * nothing) one PFZ_NOTE_OPTION_MATCHED_NOTHING record for each name or glob
 * of policy (NULL: none) that matches, with fnmatch(3) as
 * pfz_lib_policy_decide matches, neither a bundled library of deps (NULL:
 * none resolved, the program has no extension module) nor a name deps left
 * to the target. The record's names is the option, module the name as
 * given. Returns PF_OK or PF_ERR_NOMEM. */
int pfz_lib_report_unmatched(const pfz_lib_policy *policy, const pfz_native_result *deps,
                             pfz_report *report, pf_error *err);

#endif
