/* option_table.h - the option table's ids and look-up, shared by the
 * parser (options.c) and the table itself (option_table.c); the rows are
 * public through options.h pfz_option_table. Internal to freezer/cli. */
#ifndef PFZ_OPTION_TABLE_H
#define PFZ_OPTION_TABLE_H

#include <stddef.h>

#include "options.h"

/* The options, with the value each takes. A table rather than hand-counted
 * string comparisons, so a new option is one line. */
typedef enum option_id {
    OPT_OUTPUT,
    OPT_MODULE,
    OPT_PATH,
    OPT_VERBOSE,
    OPT_QUIET,
    OPT_STRICT,
    OPT_STUB,
    OPT_PIE,
    OPT_EXCLUDE_LIBRARY,
    OPT_INCLUDE_LIBRARY,
    OPT_OPTIMIZE,
    OPT_CACHE_DIR,
    OPT_NO_CACHE,
    OPT_INCLUDE_SOURCE,
    OPT_STORE_NATIVE_CODE,
    OPT_ALLOW_INTERACTIVE,
    OPT_PYTHON,
    OPT_FOLLOW_ALL_IMPORTS,
    OPT_HIDDEN_IMPORT,
    OPT_COLLECT,
    OPT_EXCLUDE_MODULE,
    OPT_ADD_DATA,
    OPT_VENV,
    OPT_MAX_GLIBC,
    OPT_ENTRY_POINT,
    OPT_REPORT,
    OPT_SBOM,
    OPT_ADD_BINARY,
    OPT_DEPFILE,
    OPT_CONFIG,
    OPT_HELP,
    OPT_VERSION,
    OPTION_ID_COUNT /* not an option: the number of ids */
} option_id;

/* pfz_option_find: the row for "-x" (short: name is "x...", only its first
 * character counts) or "--name" (long: the name_len bytes of name, without
 * any "=value"); NULL when no option is so named. Static storage. */
const pfz_option_spec *pfz_option_find(const char *name, size_t name_len, int is_long);

#endif
