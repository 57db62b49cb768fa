/* fuzz_index.c - libFuzzer target for the index validator on its own
 * bytes (no tar, compression or checksum in the way): pf_index_open on the
 * input against a seek table of the frame count the input's header gives
 * (at most 4096 frames of 64 KiB), then every entry decoded and looked up
 * by name: what a start does, which must not read out of bounds; and when
 * pf_index_verify passes too, every lookup must find its entry. Seeds: the sample payloads' indexes
 * (make_seed). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "payload.h"
#include "payload_index.h"
#include "pf_le.h"
#include "seek_table.h"

#define MAX_FRAMES 4096u

static pf_frame frames[MAX_FRAMES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_index index;
    uint32_t count = size >= 28 ? pf_le32_load(data + 24) : 1;
    if (count == 0 || count > MAX_FRAMES) {
        count = 1;
    }
    for (uint32_t i = 0; i < count; i++) {
        frames[i] = (pf_frame){.compressed_offset = i,
                               .compressed_size = 1,
                               .decompressed_size = 65536,
                               .decompressed_offset = 65536u * i};
    }
    pf_seek_table table = {.frames = frames, .frame_count = count, .frames_size = count};
    /* an exact-size copy: ASan sees any read past the end */
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }
    for (size_t i = 0; i < size; i++) {
        copy[i] = data[i];
    }
    if (pf_index_open(&index, copy, size, &table, NULL) == PF_OK) {
        int verified = pf_index_verify(&index, NULL) == PF_OK;
        for (uint32_t n = 0; n < index.entry_count; n++) {
            pf_entry e, found;
            pf_index_entry(&index, n, &e);
            int hit = pf_index_find(&index, e.name, e.name_size, &found);
            if (verified && (!hit || found.number != n)) {
                __builtin_trap(); /* verify promised every entry is found by its name */
            }
        }
    }
    free(copy);
    return 0;
}
