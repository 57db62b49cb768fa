/* frame_levels.c - the zstd level of a payload frame from the kinds of the
 * members it holds; see frame_levels.h. */
#include "frame_levels.h"

#include <elf.h>
#include <string.h>

int pfz_frame_level(const pfz_pack_input *in, uint64_t nativeBytes, uint64_t codeBytes,
                    size_t frameSize)
{
    if (in->native_level == 0 || 2u * nativeBytes < (uint64_t)frameSize) {
        return in->level;
    }
    return in->native_code_level != 0 && 2u * codeBytes >= nativeBytes ? in->native_code_level
                                                                       : in->native_level;
}

int pfz_native_is_code(const uint8_t *data, size_t size)
{
    Elf64_Ehdr eh;
    if (data == NULL || size < sizeof eh) {
        return 0;
    }
    memcpy(&eh, data, sizeof eh); /* unaligned: the bytes may sit anywhere */
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > size || (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum) {
        return 0;
    }
    uint64_t code = 0;
    for (size_t i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, data + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0 && ph.p_filesz <= size) {
            code += ph.p_filesz; /* at most 65535 segments of at most size: no overflow */
        }
    }
    return code >= (uint64_t)size / PFZ_CODE_SHARE_DIVISOR;
}
