/* ld_paths.h - the directories the dynamic loader searches, as glibc's
 * ld.so(8) 2.36 on Debian x86-64 builds them: the lists in DT_RPATH and
 * DT_RUNPATH with their dynamic string tokens expanded, and the directories
 * of /etc/ld.so.conf that ldconfig(8) builds /etc/ld.so.cache from.
 *
 * Deliberate differences from ld.so, so that the build machine's current
 * directory and CPU never change what pyfreeze bundles:
 *   - an empty or relative entry of DT_RPATH/DT_RUNPATH (ld.so takes it
 *     relative to the loading process's current directory) is dropped;
 *   - the glibc-hwcaps (x86-64-v2/v3/v4) and legacy hwcap subdirectories
 *     (tls, x86_64) ld.so tries below each directory are not searched: a
 *     library built for the build machine's CPU level may not run on the
 *     target. */
#ifndef PFZ_LD_PATHS_H
#define PFZ_LD_PATHS_H

#include <stddef.h>

#include "pf_error.h"
#include "strlist.h"

/* What $LIB and $PLATFORM expand to. ld.so(8): "$LIB expands to lib or lib64
 * depending on the architecture"; Debian's glibc is configured with the
 * multiarch directory, and LD_DEBUG=libs on bookworm shows
 * "lib/x86_64-linux-gnu". $PLATFORM is the kernel's AT_PLATFORM, "x86_64" on
 * every x86-64 kernel. */
#define PFZ_LD_LIB "lib/x86_64-linux-gnu"
#define PFZ_LD_PLATFORM "x86_64"

/* The configuration file ldconfig builds ld.so.cache from. */
#define PFZ_LD_SO_CONF "/etc/ld.so.conf"

/* pfz_ld_default_dirs: the loader's built-in "system search path", in
 * order, as `/lib64/ld-linux-x86-64.so.2 --help` prints it on Debian
 * bookworm: /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib.
 * (/lib64 and /usr/lib64 are not in Debian's list.) *count receives 4.
 * The array and its strings are static: never freed or changed. */
const char *const *pfz_ld_default_dirs(size_t *count);

/* pfz_ld_expand_tokens: expands the dynamic string tokens of one path (ld.so
 * "Dynamic string tokens"): $ORIGIN and ${ORIGIN} to origin (the directory
 * of the object whose DT_RPATH/DT_RUNPATH this is, no trailing '/'), $LIB to
 * PFZ_LD_LIB, $PLATFORM to PFZ_LD_PLATFORM. An unbraced token only counts
 * when the next character is not a letter, digit or '_' (glibc's is_dst);
 * any other '$' is kept as it is. On PF_OK *out is malloc'd (the caller
 * frees it); on error it is NULL. Errors: PF_ERR_NOMEM. */
int pfz_ld_expand_tokens(const char *path, const char *origin, char **out, pf_error *err);

/* pfz_ld_split_path_list: splits a colon-separated DT_RPATH or DT_RUNPATH
 * value, expands each entry's tokens with origin, drops empty and relative
 * entries and trailing '/', and appends the rest to dirs in order (copies,
 * owned by dirs). Errors: PF_ERR_NOMEM (dirs may hold the entries appended
 * before it). */
int pfz_ld_split_path_list(const char *value, const char *origin, pfz_strlist *dirs, pf_error *err);

/* pfz_ld_conf_dirs: appends to dirs the directories named by the ldconfig
 * configuration file conf_path (PFZ_LD_SO_CONF normally) in the order
 * ldconfig reads them: one directory per line, '#' starts a comment,
 * "include PATTERN..." reads each file matching the glob(7) patterns in
 * sorted order (a relative pattern is relative to the including file's
 * directory), "hwcap" lines are ignored, an old "dir=TYPE" suffix is cut,
 * relative directories and duplicates are dropped. A missing conf_path
 * gives no directories (ld.so then uses its defaults only); includes nest
 * at most 16 deep (deeper ones are ignored, which also ends include loops).
 * Errors: PF_ERR_IO (a file that exists cannot be read; the message names
 * it), PF_ERR_NOMEM. */
int pfz_ld_conf_dirs(const char *conf_path, pfz_strlist *dirs, pf_error *err);

#endif
