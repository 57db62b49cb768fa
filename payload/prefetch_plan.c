/* prefetch_plan.c - what the prefetch thread will do with each frame,
 * decided once from the index when the thread starts: buffer it, stream
 * its native code, or skip it; which of its members are native code. */
#include "prefetch_internal.h"

#include <stdlib.h>

#include "payload.h"

int pf_prefetch_plan(pf_prefetch *pf, pf_error *err)
{
    uint32_t frameCount = pf->payload->table.frame_count;
    uint32_t *files = calloc(frameCount, sizeof *files);
    uint32_t *libraries = calloc(frameCount, sizeof *libraries);
    uint32_t *others = calloc(frameCount, sizeof *others);
    pf->frames = calloc(frameCount, sizeof *pf->frames);
    /* as many as there are frames (a frame is held or queued once at a
     * time), so that the thread never grows them: it calls no malloc */
    pf->held = calloc(frameCount, sizeof *pf->held);
    pf->pulls = calloc(frameCount, sizeof *pf->pulls);
    pf->held_capacity = pf->pull_capacity = frameCount;
    int status = PF_OK;
    if (files == NULL || libraries == NULL || others == NULL || pf->frames == NULL ||
        pf->held == NULL || pf->pulls == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for prefetch");
        goto done;
    }
    for (uint32_t n = 0; n < pf->index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(pf->index, n, &e);
        if (!PF_KIND_IS_FILE(e.kind)) {
            continue;
        }
        files[e.frame]++;
        if (e.kind == PF_KIND_NATIVE || e.kind == PF_KIND_LIBRARY) {
            pf->frames[e.frame].native_count++;
            pf->native_count++;
            libraries[e.frame] += e.kind == PF_KIND_LIBRARY;
            pf->frames[e.frame].extension |= e.kind == PF_KIND_NATIVE;
        } else {
            others[e.frame]++;
        }
    }
    pf->natives = calloc(pf->native_count + 1u, sizeof *pf->natives);
    if (pf->natives == NULL) {
        status = pf_error_set(err, PF_ERR_NOMEM, "out of memory for prefetch");
        goto done;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < frameCount; i++) {
        prefetch_frame *f = &pf->frames[i];
        f->native_first = at;
        f->origin = i;
        at += f->native_count;
        f->native_count = 0; /* counted again as they are filled in */
        f->library_only = files[i] > 0 && libraries[i] == files[i];
        int buffer =
            others[i] > 0 && pf->payload->table.frames[i].decompressed_size <= pf->opt.max_buffered;
        int stream = files[i] > others[i] && pf->opt.open_native != NULL;
        /* the stored frame (payload.h) has nothing to decompress: its
         * members are copied by the kernel from the file */
        int skip = i < pf->opt.first_frame || i == 0 || pf_frame_is_stored(&pf->payload->table, i);
        f->plan = skip ? PLAN_SKIP : buffer ? PLAN_BUFFER : stream ? PLAN_STREAM : PLAN_SKIP;
    }
    for (uint32_t n = 0; n < pf->index->entry_count; n++) {
        pf_entry e;
        pf_index_entry(pf->index, n, &e);
        if (e.kind == PF_KIND_NATIVE || e.kind == PF_KIND_LIBRARY) {
            prefetch_frame *f = &pf->frames[e.frame];
            pf->natives[f->native_first + f->native_count++] = (prefetch_native){
                .entry = e.number, .kind = e.kind, .offset = e.offset, .size = e.size, .fd = -1};
        }
    }
done:
    free(files);
    free(libraries);
    free(others);
    return status;
}
