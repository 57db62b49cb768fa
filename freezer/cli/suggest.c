/* suggest.c - the closest name to a mistyped one (edit distance), for "did
 * you mean" in the command's messages; see suggest.h. */
#include "suggest.h"

#include <stdint.h>
#include <string.h>

/* Names are option and command names: anything longer is no typo of one. */
#define MAX_NAME 63

size_t pfz_edit_distance(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    if (a_len > MAX_NAME || b_len > MAX_NAME) {
        return SIZE_MAX;
    }
    /* d[i][j]: the distance between a's first i and b's first j characters
     * (Wagner-Fischer, with Damerau's transposition). */
    size_t d[MAX_NAME + 1][MAX_NAME + 1];
    for (size_t i = 0; i <= a_len; i++) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= b_len; j++) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= a_len; i++) {
        for (size_t j = 1; j <= b_len; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) {
                best = d[i][j - 1] + 1;
            }
            if (d[i - 1][j - 1] + cost < best) {
                best = d[i - 1][j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best) {
                best = d[i - 2][j - 2] + 1;
            }
            d[i][j] = best;
        }
    }
    return d[a_len][b_len];
}

/* unique_prefix_of: the only name typed is a prefix of, or NULL. */
static const char *unique_prefix_of(const char *typed, size_t typed_len, const char *const *names,
                                    size_t count)
{
    const char *found = NULL;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(names[i], typed, typed_len) == 0) {
            if (found != NULL) {
                return NULL;
            }
            found = names[i];
        }
    }
    return found;
}

const char *pfz_suggest(const char *typed, size_t typed_len, const char *const *names, size_t count)
{
    if (typed_len >= 2) {
        const char *p = unique_prefix_of(typed, typed_len, names, count);
        if (p != NULL) {
            return p;
        }
    }
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(names[i]);
        size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
        size_t dist = pfz_edit_distance(typed, typed_len, names[i]);
        if (dist <= limit && dist < typed_len && dist < best_distance) {
            best = names[i];
            best_distance = dist;
        }
    }
    return best;
}
