/* strlist.h - a growable list of malloc'd strings: the directory lists of
 * ld_paths.h and the DT_NEEDED names of elf_dynamic.h. */
#ifndef PFZ_STRLIST_H
#define PFZ_STRLIST_H

#include <stddef.h>

#include "pf_error.h"

/* A growable list of malloc'd strings. Zero-initialise; free with
 * pfz_strlist_free. */
typedef struct pfz_strlist {
    char **items;
    size_t count;
    size_t capacity;
} pfz_strlist;

/* pfz_strlist_push: appends a copy of the first len bytes of s (a NUL is
 * added; s need not be NUL-terminated), owned by list. Returns PF_OK or
 * PF_ERR_NOMEM (list unchanged). */
int pfz_strlist_push(pfz_strlist *list, const char *s, size_t len, pf_error *err);

/* pfz_strlist_contains: 1 when an item equals s (strcmp), else 0. */
int pfz_strlist_contains(const pfz_strlist *list, const char *s);

/* pfz_strlist_free: frees every item and the array, zeroes list; accepts NULL. */
void pfz_strlist_free(pfz_strlist *list);

#endif
