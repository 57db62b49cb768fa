/* suggest.h - "did you mean": the name in a list closest to one a user
 * mistyped, for the messages of an unknown option or command. */
#ifndef PFZ_SUGGEST_H
#define PFZ_SUGGEST_H

#include <stddef.h>

/* pfz_edit_distance: the optimal string alignment distance between a[0..a_len)
 * and b (NUL-terminated): the fewest insertions, deletions, substitutions
 * and swaps of two adjacent characters that turn one into the other
 * (Damerau's typing errors). Names longer than 63 bytes count as far from
 * everything (SIZE_MAX). */
size_t pfz_edit_distance(const char *a, size_t a_len, const char *b);

/* pfz_suggest: of names[0..count), the one the mistyped typed[0..typed_len)
 * most likely meant, or NULL when none is close: the only name typed is a
 * prefix of (at least 2 characters typed), else the nearest within an edit
 * distance of 1 for names of up to 4 characters, 2 up to 8 and 3 beyond
 * (the first of equals). Returns a pointer into names (borrowed). */
const char *pfz_suggest(const char *typed, size_t typed_len, const char *const *names,
                        size_t count);

#endif
