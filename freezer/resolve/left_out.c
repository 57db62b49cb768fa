/* left_out.c - the graph's list of module names the freezer knew of and
 * did not pack (pfz_graph.left_out, module_graph.h): the --exclude-module
 * names and the targets of the import edges the resolver left out, kept
 * sorted and each name once, for the packer to record in the payload index
 * (payload.h: PF_KIND_NOT_FOLLOWED, PF_KIND_EXCLUDED), so that the runtime
 * can say which option packs a module an import did not find. */
#include "module_graph.h"

#include <stdlib.h>
#include <string.h>

/* find_slot: the position of name in g->left_out (sorted by strcmp), or
 * where it would go; *found says which. Binary search: a freeze can leave
 * out hundreds of names. */
static size_t find_slot(const pfz_graph *g, const char *name, size_t nameSize, int *found)
{
    size_t lo = 0, hi = g->left_out_count;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(g->left_out[mid].name, name, nameSize);
        if (c == 0 && g->left_out[mid].name[nameSize] != '\0') {
            c = 1; /* longer than name, so after it */
        }
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* add_one: name[0..nameSize) into the list (see pfz_graph_add_left_out). */
static int add_one(pfz_graph *g, const char *name, size_t nameSize, int excluded, pf_error *err)
{
    int found;
    size_t at = find_slot(g, name, nameSize, &found);
    if (found) {
        g->left_out[at].excluded |= excluded;
        return PF_OK;
    }
    if (g->left_out_count == g->left_out_capacity) {
        size_t capacity = g->left_out_capacity ? 2 * g->left_out_capacity : 16;
        pfz_left_out *grown = realloc(g->left_out, capacity * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory listing left-out modules");
        }
        g->left_out = grown;
        g->left_out_capacity = capacity;
    }
    char *copy = malloc(nameSize + 1);
    if (copy == NULL) {
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory listing left-out modules");
    }
    memcpy(copy, name, nameSize);
    copy[nameSize] = '\0';
    memmove(&g->left_out[at + 1], &g->left_out[at], (g->left_out_count - at) * sizeof *g->left_out);
    g->left_out[at] = (pfz_left_out){copy, excluded};
    g->left_out_count++;
    return PF_OK;
}

int pfz_graph_add_left_out(pfz_graph *g, const char *name, int excluded, pf_error *err)
{
    size_t size = strlen(name);
    if (size == 0 || size > PF_MAX_LEFT_OUT_NAME) {
        return PF_OK; /* no module has such a name: nothing to say about it */
    }
    /* "a.b.c" left out: an import of it stops at the first of "a", "a.b"
     * that is not packed, so each is named (the packer drops packed ones) */
    for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
        int status = add_one(g, name, (size_t)(dot - name), 0, err);
        if (status != PF_OK) {
            return status;
        }
    }
    return add_one(g, name, size, excluded, err);
}

void pfz_graph_free_left_out(pfz_graph *g)
{
    for (size_t i = 0; i < g->left_out_count; i++) {
        free(g->left_out[i].name);
    }
    free(g->left_out);
    g->left_out = NULL;
    g->left_out_count = g->left_out_capacity = 0;
}
