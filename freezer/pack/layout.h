/* layout.h - the frame-layout policy: which members a frozen program's
 * payload holds and in which order, so that what a start reads sits in few,
 * small frames. A module graph (module_graph.h) and its native files
 * (native_files.h) become pfz_pack's input (pack.h): the modules every
 * start imports first (the main module and the codecs CPython's
 * initialisation loads) in a frame of their own, then every module in
 * discovery order, what runs as modules load first, then sources
 * (--include-source), data files, and the shared libraries last. */
#ifndef PFZ_LAYOUT_H
#define PFZ_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "module_graph.h"
#include "native_files.h"
#include "pack.h"
#include "pf_error.h"
#include "seek_table_writer.h"

/* zstd level for the payload. Measured on a 6.3 MB hello-world tar in
 * 128 KiB frames: level 3 took 0.05 s (2.21 MB), 6 took 0.10 s (2.14 MB),
 * 9 took 0.20 s (2.07 MB). 6 keeps compression a small part of a freeze
 * that must stay well under 0.3 s, at 3% more bytes than 9. */
#define PFZ_FREEZE_ZSTD_LEVEL 6
/* zstd level for a frame mostly of native code (frame_levels.h). Measured
 * with libzstd 1.5.4 on the 66 MB of extension modules and libraries a
 * scipy.stats program packs, cut into 128 KiB frames (CPU time, one thread):
 * level 3 0.47 s for 25.98 MB, 4 0.37 s for 25.38 MB, 5 0.50 s for 24.75 MB,
 * 6 0.74 s for 24.24 MB. Level 4 halves the compression time of native
 * code, most of a cold freeze's compression, for 4.7 % more bytes of it;
 * bytecode, where start-up reads matter, keeps level 6 (docs/performance.md,
 * "Freeze time"). Its literals are Huffman-coded: this is the level of
 * frames of data-heavy objects (tables: unicodedata, the CJK codecs). */
#define PFZ_FREEZE_NATIVE_ZSTD_LEVEL 4
/* zstd level of a frame mostly of code-heavy native objects
 * (frame_levels.h: pfz_native_is_code): level 7 with raw literals
 * (PFZ_LEVEL_RAW_LITERALS). Raw literals take 11-16 % off the
 * decompression of machine code (numpy's libraries, libcrypto: the prefetch
 * thread's main work at a start), but at level 4 cost 4-8 % more bytes,
 * which put the payloads of programs with much native code over issue 5's
 * 1.10x of tar --zstd -6 (numpy 1.108x, stdlib-heavy 1.107x; level 6: the
 * whole-stdlib hello world 1.101x). Level 7 gets those bytes back (liblapack
 * 3.03 MB, libcrypto 1.95 MB; 3.20 and 1.94 at level 4 with Huffman-coded
 * literals) and decompresses as fast as level 4 raw, for about 1.8 times
 * level 4's compression time of that code, the cold freeze's larger part.
 * Tables grow 12-18 % with raw literals (unicodedata 519 -> 614 KB, which
 * put the tqdm-only program's payload over issue 14's 2.5 MB), so
 * data-heavy objects keep level 4 with Huffman-coded literals
 * (docs/performance.md, "Raw literals per object"). */
#define PFZ_FREEZE_NATIVE_CODE_ZSTD_LEVEL (7 | PFZ_LEVEL_RAW_LITERALS)
/* Bytes of tar stream per frame: large enough for a good ratio, small
 * enough that an import decompresses little it does not need (DESIGN.md). */
#define PFZ_FREEZE_FRAME_TARGET (128u * 1024u)
/* Past the start-up walk (pack.h: walk_files) modules are read one by one,
 * late if ever: smaller frames mean less decompressed per import and less
 * kept in the one cache slot they share (payload/payload_reader.h), for
 * about 0.2% more payload. */
#define PFZ_FREEZE_LATE_FRAME_TARGET (64u * 1024u)
/* With --store-native-code, native code of at least this many bytes is
 * stored uncompressed and page-aligned (pack.h: stored_min_size), so its
 * read-only segments are mapped from the executable and shared through the
 * page cache across processes, and loading it decompresses nothing
 * (docs/performance.md, "Native code stored, not compressed" for the
 * measurement behind it). Not the default: the file grows by what zstd
 * saved (numpy's example 22 -> 41 MB), against issue 14's payload sizes.
 * 16 KiB: an object of a few pages still has read-only pages to share
 * (_hashlib's 66 KB: 52 KiB of them, private in each process below 128
 * KiB, the threshold before; docs/performance.md, "Memory of concurrent
 * copies"); the option is for programs that want their memory shared. */
#define PFZ_FREEZE_STORED_MIN_SIZE (16u * 1024u)

/* Native code (extension modules, libraries) compressed into the tar and of
 * at least this many bytes gets a frame of its own (pack.h: own_frame_min).
 * The benchmark's stdlib-heavy program decompressed unicodedata's 1.1 MB,
 * which it never loads, beside socket; below 64 KiB an object is about the
 * size of the modules that would share its frame (docs/performance.md,
 * "Frames that carry only what is read"). */
#define PFZ_FREEZE_OWN_FRAME_MIN (64u * 1024u)

/* pfz_layout_pack_kind: the payload kind (payload.h PF_KIND_*) graph
 * module i is packed as, 0 when it is not packed: PFZ_MODULE_SOURCE with
 * bytecode -> PF_KIND_MODULE, PFZ_MODULE_PACKAGE with bytecode ->
 * PF_KIND_PACKAGE, a namespace package -> PF_KIND_NAMESPACE, an extension
 * module whose .so native holds (native may be NULL) -> PF_KIND_EXTENSION;
 * builtin and frozen modules are in libpython. */
uint32_t pfz_layout_pack_kind(const pfz_graph *g, size_t i, const pfz_native_files *native);

/* pfz_payload_from_graph_cached: packs every module of g that has bytecode
 * (PFZ_MODULE_SOURCE -> PF_KIND_MODULE, PFZ_MODULE_PACKAGE ->
 * PF_KIND_PACKAGE), every namespace package (PF_KIND_NAMESPACE) and every
 * extension module whose .so native holds (PF_KIND_EXTENSION, its member a
 * PF_KIND_NATIVE file at native's path, mode 0755) in the order above into
 * out, then g's data files (PF_KIND_DATA at their member paths, mode 0644:
 * package data, distribution metadata, --add-data; docs/third-party.md),
 * then native's libraries (PF_KIND_LIBRARY at libs/<SONAME>, mode 0755)
 * in dependency order; the index records native's glibc_floor (0.0.0
 * when native is NULL); compressed frames come from frames (NULL: none)
 * when it holds them (bytecode_cache.h), the payload byte-identical either
 * way. native may be NULL: extension modules are then not packed. Builtin
 * and frozen modules are never packed. Native files of at least
 * stored_min_size bytes (0: none) go uncompressed into the stored frame
 * (pack.h). magic is the 4-byte .pyc magic every
 * bytecode must start with; mtime the tar time of every member. Errors:
 * PF_ERR_USAGE (the main module has no Python code to pack, a .pyc with
 * another magic or shorter than its header), PF_ERR_NOMEM, those of
 * pfz_pack. */
int pfz_payload_from_graph_cached(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime,
                                  const pfz_frame_store *frames, size_t stored_min_size,
                                  pfz_buffer *out, pf_error *err);

/* pfz_payload_from_graph_native: pfz_payload_from_graph_cached without a
 * frame store. */
int pfz_payload_from_graph_native(const pfz_graph *g, const pfz_native_files *native,
                                  const uint8_t magic[4], int64_t mtime, pfz_buffer *out,
                                  pf_error *err);

/* pfz_payload_from_graph: pfz_payload_from_graph_native without native
 * code (extension modules are left out). */
int pfz_payload_from_graph(const pfz_graph *g, const uint8_t magic[4], int64_t mtime,
                           pfz_buffer *out, pf_error *err);

#endif
