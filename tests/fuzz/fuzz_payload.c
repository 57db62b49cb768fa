/* fuzz_payload.c - libFuzzer target for the payload reader: opens the input
 * as a payload, looks every entry up by name and reads every file entry,
 * streamed (pf_payload_copy) and whole (pf_payload_read). Mutations mostly
 * end in the zstd layer; fuzz_plain.c reaches the decompressed contents.
 *
 * Built only with -DPYFREEZE_FUZZ=ON and clang (tests/fuzz/CMakeLists.txt),
 * where the reader is compiled with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION:
 * the index CRC, tar header checksums and zstd content checksums are not
 * compared, so mutated inputs reach the structural checks behind them.
 * How to run: docs/payload-format.md, "Fuzzing". */
#include <stddef.h>
#include <stdint.h>

#include "payload.h"
#include "payload_reader.h"

/* count: a pf_payload_sink touching the first and last byte of each piece. */
static int count(void *context, const uint8_t *data, size_t size)
{
    size_t *total = context;
    if (size > 0) {
        *total += data[0] + data[size - 1];
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pf_payload *p = NULL;
    if (pf_payload_open(&p, data, size, NULL) != PF_OK) {
        return 0;
    }
    const pf_index *index = pf_payload_index(p);
    for (uint32_t n = 0; n < index->entry_count; n++) {
        pf_entry e, found;
        const uint8_t *bytes;
        size_t byteCount;
        pf_index_entry(index, n, &e);
        (void)pf_index_find(index, e.name, e.name_size, &found);
        size_t total = 0;
        if (PF_KIND_IS_FILE(e.kind)) {
            (void)pf_payload_copy(p, &e, count, &total, NULL);
        }
        if (PF_KIND_IS_FILE(e.kind) && pf_payload_read(p, &e, &bytes, &byteCount, NULL) == PF_OK) {
            /* Touch the first and last byte: the span must be mapped. */
            volatile uint8_t sink = 0;
            if (byteCount > 0) {
                sink ^= bytes[0];
                sink ^= bytes[byteCount - 1];
            }
            (void)sink;
        }
    }
    pf_payload_close(p);
    return 0;
}
