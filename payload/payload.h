/* payload.h - the payload format: the one contract between freezer and runtime.
 *
 * docs/payload-format.md describes the same format in prose for readers who
 * do not use this code; the two must agree.
 *
 * A payload is the contents of the non-allocated ELF section PF_SECTION_NAME.
 * It is a zstd "seekable format" stream (zstd contrib/seekable_format spec):
 *
 *   frame 0 | frame 1 | ... | frame N-1 | seek table (a skippable frame)
 *
 * Every frame is an independent zstd frame with Content_Checksum_flag set and
 * Frame_Content_Size present. Decompressed and concatenated in order, the
 * frames are one POSIX pax tar archive (written by libarchive):
 *
 *   - frame 0 holds exactly the first tar member, PF_INDEX_MEMBER_NAME, whose
 *     data is the index below (its tar header may be preceded by a pax 'x'
 *     header);
 *   - every later frame starts at a tar header boundary and holds whole
 *     members; the tar end-of-archive blocks are in the last frame.
 *
 * So `objcopy --dump-section .pyfreeze=p.tar.zst app /dev/null` and
 * `tar --zstd -tvf p.tar.zst` list a frozen program with stock tools.
 *
 * All integers in the seek table and in the index are little-endian and
 * unsigned. "Offset" is always in bytes; what it is relative to is said at
 * each field. Sizes are in bytes; "compressed" is said where it applies.
 */
#ifndef PF_PAYLOAD_H
#define PF_PAYLOAD_H

#include <stdint.h>

#define PF_SECTION_NAME ".pyfreeze"
#define PF_INDEX_MEMBER_NAME "pyfreeze.idx"

/* ---- zstd seekable format (contrib/seekable_format/zstd_seekable_compression_format.md) ----
 * Seek table = skippable frame:
 *   u32 PF_SEEK_SKIPPABLE_MAGIC, u32 frame_size (bytes after these 8),
 *   entries[number_of_frames]: u32 compressed_size, u32 decompressed_size
 *                              [, u32 checksum if descriptor bit 7 is set],
 *   footer: u32 number_of_frames, u8 descriptor, u32 PF_SEEK_MAGIC.
 * Descriptor bits 6..2 are reserved and must be zero; bits 1..0 unused.
 * pyfreeze writes no per-entry checksums (each frame carries its own XXH64
 * content checksum); the reader accepts both forms. */
#define PF_SEEK_SKIPPABLE_MAGIC 0x184D2A5Eu
#define PF_SEEK_MAGIC 0x8F92EAB1u
#define PF_SEEK_FOOTER_SIZE 9u
#define PF_SEEK_DESCRIPTOR_CHECKSUM 0x80u
#define PF_SEEK_DESCRIPTOR_RESERVED 0x7Cu

/* ---- limits: every size read from a payload is checked against these ---- */
#define PF_MAX_FRAMES (1u << 20)
#define PF_MAX_FRAME_SIZE (1024u * 1024u * 1024u) /* decompressed bytes per frame */
#define PF_MAX_ENTRIES (1u << 22)
#define PF_MAX_INDEX_SIZE (256u * 1024u * 1024u)
#define PF_MAX_NAME_SIZE 4096u

/* ---- the index (data of tar member PF_INDEX_MEMBER_NAME) ----
 *
 *   header    header_size bytes (layout below)
 *   entries   entry_count records of PF_INDEX_ENTRY_SIZE bytes
 *   slots     hash_slot_count u32: 0 = empty, else entry number + 1
 *   strings   string_table_size bytes: names, not NUL-terminated
 *
 * Header (byte offset: field):
 *    0: magic[8] = PF_INDEX_MAGIC ("PYFZIDX" and a NUL)
 *    8: u32 format_version = PF_INDEX_VERSION (3; 2 is still read, below)
 *   12: u32 header_size = PF_INDEX_HEADER_SIZE (may grow: below)
 *   16: u8  python_magic[4]: the .pyc magic number of the CPython that
 *       compiled the bytecode (importlib.util.MAGIC_NUMBER)
 *   20: u32 flags: PF_INDEX_FLAG_*
 *   24: u32 frame_count: must equal the seek table's number_of_frames
 *   28: u32 entry_count
 *   32: u32 hash_slot_count: a power of two, > entry_count
 *   36: u32 string_table_size
 *   40: u32 main_entry: entry number of the program's main module
 *   44: u32 checksum: CRC-32 (zlib's crc32) of the whole index with these
 *       four bytes taken as zero; checked by pyfreeze verify (pf_index_verify),
 *       not at every start, where frame 0's XXH64 covers the same bytes
 *   48: u32 walk_end: a frame number, 1..frame_count. Frames before it hold
 *       what the program's modules import as they load (the main module's
 *       module-level imports, followed depth-first: freezer/resolve/module_graph.h,
 *       walk_count); frames from it on hold all else: modules imported only
 *       from functions, exception handlers, Windows-only blocks or as
 *       importlib's own aliases, the codecs, --hidden-import and the other
 *       roots, collected third-party modules, sources, data and libraries.
 *       The prefetch thread walks no further (payload_prefetch.h). A payload
 *       reads the same whatever its value; it only steers decompression.
 *   52: u32 glibc_floor_major, 56: u32 glibc_floor_minor, 60: u32
 *       glibc_floor_patch: the oldest glibc the frozen program runs on (2.31
 *       as 2, 31, 0): the highest GLIBC_x.y[.z] symbol version the stub and
 *       every packed extension module and library need (their
 *       SHT_GNU_verneed sections, as `objdump -T` shows them); all zero when
 *       none needs a versioned glibc symbol. Each part is 0..9999. The
 *       runtime does not use it; `pyfreeze inspect` shows it. Version 3 on.
 *
 * Versions and growth: format_version 2 had the 52-byte header without the
 * glibc floor; readers still accept it (header_size exactly 52, the floor
 * unknown). From version 3 the header may grow: header_size is at least
 * PF_INDEX_HEADER_SIZE, a multiple of 4 and at most PF_MAX_INDEX_HEADER_SIZE,
 * the entries start at header_size, and a reader ignores header bytes past
 * the fields it knows (the checksum covers them). So a later optional field
 * is appended to the header without a new version, and older readers of
 * version 3 read such an index as before; a field a reader knows but an
 * index's header_size does not reach is absent.
 *
 * Entry (byte offset: field):
 *    0: u32 name_offset: into the string table
 *    4: u32 name_size: bytes, 1..PF_MAX_NAME_SIZE
 *    8: u32 kind: PF_KIND_*
 *   12: u32 member: module entries: entry number of the file entry holding
 *       the module (PF_NONE for a namespace package); file entries: PF_NONE
 *   16: u32 frame: file entries: frame number; module entries: PF_NONE
 *   20: u32 offset: file entries: offset of the member's data from the start
 *       of the decompressed frame; module entries: 0
 *   24: u32 size: file entries: uncompressed data size; module entries: 0
 *   28: u32 name_hash: pf_index_hash(name)
 *
 * Module entries are named by dotted module name ("json.decoder"); file
 * entries by their tar path ("lib/json/decoder.pyc"). A module name never
 * contains '/' and a file path always does, so one hash table serves both.
 * Lookup: slot = name_hash & (hash_slot_count - 1), then linear probing
 * until an empty slot. Names are unique.
 *
 * Tar paths mirror an installed tree:
 *   lib/<pkg>/<mod>.pyc           bytecode: 16-byte .pyc header (PEP 552,
 *                                 unchecked-hash form) + marshal data
 *   lib/<pkg>/__init__.pyc        a package's bytecode
 *   lib/<pkg>/<mod>.py            source, when packed
 *   lib/<...>.cpython-311-x86_64-linux-gnu.so   extension module
 *   libs/<soname>                 shared library
 *   lib/<pkg>/<file>              package data
 * At run time a member "lib/X" is seen at the path "<executable>/X" (with a
 * module's ".pyc" shown as ".py"), the way zipimport shows archive members.
 */
/* The two top-level directories of the tar, and their lengths in bytes. */
#define PF_LIB_DIR "lib/"
#define PF_LIB_DIR_SIZE (sizeof PF_LIB_DIR - 1)
#define PF_LIBS_DIR "libs/"
#define PF_LIBS_DIR_SIZE (sizeof PF_LIBS_DIR - 1)
#define PF_INDEX_MAGIC "PYFZIDX"
#define PF_INDEX_MAGIC_SIZE 8u
#define PF_INDEX_VERSION 3u
#define PF_INDEX_HEADER_SIZE 64u /* version 3: what this pyfreeze writes and knows */
#define PF_INDEX_V2_VERSION 2u
#define PF_INDEX_V2_HEADER_SIZE 52u /* version 2: no glibc floor */
#define PF_MAX_INDEX_HEADER_SIZE 4096u
#define PF_INDEX_GLIBC_FLOOR_OFFSET 52u
#define PF_INDEX_MAX_GLIBC_PART 9999u
#define PF_INDEX_ENTRY_SIZE 32u
#define PF_INDEX_CHECKSUM_OFFSET 44u
#define PF_NONE 0xFFFFFFFFu

/* index flags */
#define PF_INDEX_FLAG_MAIN_IS_MODULE 0x1u /* run main_entry with runpy (-m); else as a script */
/* bits 2..1: the optimisation level the bytecode was compiled with (0, 1 or
 * 2, as python3 -O/-OO; 3 is invalid). The runtime sets sys.flags.optimize
 * to it, so __debug__ and compile() agree with the packed bytecode. */
#define PF_INDEX_FLAG_OPTIMIZE_SHIFT 1u
#define PF_INDEX_FLAG_OPTIMIZE_MASK 0x6u
#define PF_INDEX_FLAG_OPTIMIZE(level) (((uint32_t)(level) << PF_INDEX_FLAG_OPTIMIZE_SHIFT) & 0x6u)
#define PF_INDEX_FLAG_OPTIMIZE_LEVEL(flags) (((flags)&0x6u) >> PF_INDEX_FLAG_OPTIMIZE_SHIFT)
/* modules' source is packed (PF_KIND_SOURCE members, --include-source): the
 * runtime prints tracebacks through Lib/traceback.py so they show it */
#define PF_INDEX_FLAG_HAS_SOURCE 0x8u
/* the program may be told to enter the interactive session after its main
 * module (--allow-interactive: `-i` as its first argument) */
#define PF_INDEX_FLAG_ALLOW_INTERACTIVE 0x10u
/* a standalone Python (pyfreeze --python): CPython parses the whole command
 * line as python3.11 does and main_entry is not run */
#define PF_INDEX_FLAG_PYTHON 0x20u
#define PF_INDEX_FLAGS_KNOWN 0x3Fu

/* entry kinds: modules (named by dotted name) */
#define PF_KIND_MODULE 1u    /* a plain module; member is its .pyc */
#define PF_KIND_PACKAGE 2u   /* a regular package; member is its __init__.pyc */
#define PF_KIND_NAMESPACE 3u /* a namespace package (PEP 420); member is PF_NONE */
#define PF_KIND_EXTENSION 4u /* an extension module; member is its .so */
/* entry kinds: files (named by tar path) */
#define PF_KIND_BYTECODE 16u /* .pyc */
#define PF_KIND_SOURCE 17u   /* .py */
#define PF_KIND_NATIVE 18u   /* extension module's .so */
#define PF_KIND_LIBRARY 19u  /* shared library */
#define PF_KIND_DATA 20u     /* any other file */

/* entry kinds: modules left out (named by dotted name; member and frame
 * PF_NONE, offset and size 0): names the freezer knew of and did not pack,
 * no module among them. The runtime names them in the ModuleNotFoundError
 * of an import that nothing else found, with the option that packs them. */
#define PF_KIND_NOT_FOLLOWED 5u /* an import the resolver did not follow (--hidden-import) */
#define PF_KIND_EXCLUDED 6u     /* an --exclude-module name */

#define PF_KIND_IS_MODULE(k) ((k) >= 1u && (k) <= 4u)
#define PF_KIND_IS_LEFT_OUT(k) ((k) == PF_KIND_NOT_FOLLOWED || (k) == PF_KIND_EXCLUDED)
#define PF_KIND_IS_FILE(k) ((k) >= 16u && (k) <= 20u)

/* ---- the stored frame: native code kept uncompressed, page-aligned ----
 * The seek table's last frame may be a *stored frame*: its seek table entry
 * has decompressed_size 0 and its bytes are a zstd skippable frame
 * (u32 PF_STORED_MAGIC, u32 size of what follows, then the data), which a
 * zstd decoder skips, so the payload stays a valid .tar.zst whose tar lacks
 * the stored members. Its data starts with zeros up to the stored frame's
 * *data start*: the first payload offset at or past the frame's start + 8
 * that is a multiple of PF_STORED_ALIGN. Native and library file entries
 * (only those kinds) whose `frame` is the stored frame have their bytes at
 * data start + `offset` (a multiple of PF_STORED_ALIGN), `size` bytes,
 * within the frame; the bytes from there to the next multiple of
 * PF_STORED_ALIGN are zeros. The freezer puts the payload section at a file
 * offset that is a multiple of PF_STORED_ALIGN, so each stored member starts
 * on a page of the executable file and the runtime maps its read-only
 * segments from there (runtime/import/native_share.h). No other frame may
 * have decompressed_size 0. Stored bytes carry no checksum (as the stub's
 * own code carries none); `pyfreeze verify` checks their ELF structure. */
#define PF_STORED_MAGIC 0x184D2A5Cu
#define PF_STORED_HEADER_SIZE 8u
#define PF_STORED_ALIGN 4096u
/* pf_stored_data_start: the payload offset where the stored frame starting
 * at payload offset frameOffset has its data start (above). */
#define PF_STORED_DATA_START(frameOffset)                                                          \
    (((uint64_t)(frameOffset) + PF_STORED_HEADER_SIZE + PF_STORED_ALIGN - 1u) &                    \
     ~(uint64_t)(PF_STORED_ALIGN - 1u))

/* .pyc header (PEP 552): magic[4], u32 flags, then 8 bytes. pyfreeze writes
 * flags = PF_PYC_FLAG_HASH_BASED (unchecked hash) and the source hash from
 * _imp.source_hash, so no timestamp is embedded and output is reproducible. */
#define PF_PYC_HEADER_SIZE 16u
#define PF_PYC_FLAG_HASH_BASED 0x1u

#endif
