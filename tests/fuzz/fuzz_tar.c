/* fuzz_tar.c - libFuzzer target for the tar header parsers on
 * decompressed bytes, with no compression or checksum in the way: the
 * input is read as frame 0 (pf_tar_find_index: a pax 'x' header and its
 * records, the index member's ustar header) and walked as a later frame,
 * member after member (pf_tar_read_member), as verification does.
 * Seeds: decompressed frames of the sample payloads (make_seed). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tar_index.h"

static pf_tar_member member;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t dataOffset, dataSize;
    volatile uint8_t sink = 0;
    if (pf_tar_find_index(data, size, &dataOffset, &dataSize, NULL) == PF_OK) {
        /* the index data must lie inside the input */
        if (dataOffset > size || dataSize > size - dataOffset) {
            __builtin_trap();
        }
        if (dataSize > 0) {
            sink ^= data[dataOffset] ^ data[dataOffset + dataSize - 1];
        }
    }
    size_t pos = 0;
    while (pos < size && pf_tar_read_member(data, size, pos, &member, NULL) == PF_OK) {
        if (member.data_offset > size || member.size > size - member.data_offset ||
            member.next_offset <= pos || member.next_offset > size ||
            member.name_size > PF_TAR_NAME_MAX || member.name[member.name_size] != '\0') {
            __builtin_trap();
        }
        if (member.size > 0) {
            sink ^= data[member.data_offset + member.size - 1];
        }
        pos = member.next_offset;
    }
    (void)sink;
    return 0;
}
