/* frame_levels.h - the zstd level of each payload frame: native code at a
 * faster level than bytecode (pack.h: native_level), and native code that
 * is mostly machine code with its literals stored raw (native_code_level). */
#ifndef PFZ_FRAME_LEVELS_H
#define PFZ_FRAME_LEVELS_H

#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* An object is code-heavy (pfz_native_is_code) when its executable
 * segments hold at least 1/PFZ_CODE_SHARE_DIVISOR of its bytes. Measured on
 * the PVM's extension modules and libraries and numpy's (docs/performance.md,
 * "Raw literals per object"): every object whose executable share is 7.8 %
 * or more compressed 3.6-8.5 % larger at level 4 with raw literals; the
 * objects below 3.2 % are tables (unicodedata 1.3 %, +18.4 %; libbrotlicommon's
 * dictionary 1.0 %, +12.5 %; the CJK codecs 1.8-3.1 %). A tenth sits in
 * that gap. */
#define PFZ_CODE_SHARE_DIVISOR 10u

/* pfz_frame_level: the zstd level of a frame of frameSize bytes of tar
 * stream in which native members (PF_KIND_NATIVE, PF_KIND_LIBRARY) whose
 * headers are in the frame hold nativeBytes bytes of data, codeBytes of
 * them in code-heavy objects (pfz_native_is_code): in->level when native
 * code is less than half the frame or in->native_level is 0; else
 * in->native_code_level when that is not 0 and code-heavy objects hold at
 * least half the native bytes; else in->native_level. pfz_pack counts the
 * bytes as it writes the members. Why: native code is most of a scientific
 * program's payload, and zstd's level 4 compresses it about twice as fast
 * as level 6 for about 5 % more bytes, where bytecode loses more
 * (docs/performance.md, "Freeze time"); raw literals take 11-16 % off the
 * decompression of machine code for 4-8 % more bytes at level 4 (layout.h
 * takes level 7 for them, which gets the bytes back), but cost tables
 * 12-18 % (docs/performance.md, "Raw literals per object"). */
int pfz_frame_level(const pfz_pack_input *in, uint64_t nativeBytes, uint64_t codeBytes,
                    size_t frameSize);

/* pfz_native_is_code: 1 when data[0..size) is an ELF64 little-endian
 * object whose PT_LOAD segments with PF_X hold, by p_filesz, at least
 * 1/PFZ_CODE_SHARE_DIVISOR of size; 0 otherwise, also for anything that is
 * not such an object or whose program headers lie outside data (rule
 * source: System V gABI, "ELF Header" and "Program Header"). data is only
 * read; size 0 gives 0. */
int pfz_native_is_code(const uint8_t *data, size_t size);

#endif
