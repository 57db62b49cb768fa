/* strlist.c - a growable list of malloc'd strings; see strlist.h. */
#include "strlist.h"

#include <stdlib.h>
#include <string.h>

int pfz_strlist_push(pfz_strlist *list, const char *s, size_t len, pf_error *err)
{
    if (list->count == list->capacity) {
        size_t cap = list->capacity ? list->capacity * 2 : 8;
        char **grown = realloc(list->items, cap * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
        }
        list->items = grown;
        list->capacity = cap;
    }
    char *copy = strndup(s, len);
    if (copy == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory");
    }
    list->items[list->count++] = copy;
    return PF_OK;
}

int pfz_strlist_contains(const pfz_strlist *list, const char *s)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}

void pfz_strlist_free(pfz_strlist *list)
{
    if (list == NULL) {
        return;
    }
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i]);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}
