/* report.c - the list of warning and note records a freeze returns; see
 * report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

/* dup_or_null: a malloc'd copy of s, or NULL for NULL; *failed is set when
 * the copy cannot be made. */
static char *dup_or_null(const char *s, int *failed)
{
    if (s == NULL) {
        return NULL;
    }
    char *copy = strdup(s);
    *failed |= copy == NULL;
    return copy;
}

/* note_free: frees the strings of one record. */
static void note_free(pfz_note *n)
{
    free(n->module);
    free(n->importer);
    free(n->file);
    free(n->reason);
    free(n->names);
    free(n->distribution);
    free(n->version);
    free(n->library);
}

int pfz_report_add(pfz_report *r, const pfz_note *note, pf_error *err)
{
    if (r->note_count == r->note_capacity) {
        size_t cap = r->note_capacity ? r->note_capacity * 2 : 16;
        pfz_note *grown = realloc(r->notes, cap * sizeof *grown);
        if (grown == NULL) {
            return pf_error_set(err, PF_ERR_NOMEM, "out of memory while resolving imports");
        }
        r->notes = grown;
        r->note_capacity = cap;
    }
    int failed = 0;
    pfz_note copy = *note;
    copy.module = dup_or_null(note->module, &failed);
    copy.importer = dup_or_null(note->importer, &failed);
    copy.file = dup_or_null(note->file, &failed);
    copy.reason = dup_or_null(note->reason, &failed);
    copy.names = dup_or_null(note->names, &failed);
    copy.distribution = dup_or_null(note->distribution, &failed);
    copy.version = dup_or_null(note->version, &failed);
    copy.library = dup_or_null(note->library, &failed);
    if (failed) {
        note_free(&copy);
        return pf_error_set(err, PF_ERR_NOMEM, "out of memory while resolving imports");
    }
    r->notes[r->note_count++] = copy;
    return PF_OK;
}

void pfz_report_free(pfz_report *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < r->note_count; i++) {
        note_free(&r->notes[i]);
    }
    free(r->notes);
    pfz_python_error_free(&r->python_error);
    memset(r, 0, sizeof *r);
}
