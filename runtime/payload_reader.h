/* payload_reader.h - opening a payload and reading members out of it,
 * decompressing only the frames that hold them. Used by the stub at run time
 * and by `pyfreeze inspect` and the tests, so all read payloads with one code.
 *
 * Not thread-safe: the runtime calls it with the GIL held. */
#ifndef PF_PAYLOAD_READER_H
#define PF_PAYLOAD_READER_H

#include <stddef.h>
#include <stdint.h>

#include "payload_index.h"
#include "pf_error.h"
#include "seek_table.h"

/* Number of decompressed frames kept besides frame 0 (which holds the index
 * and stays for the payload's life). */
#define PF_FRAME_CACHE_SLOTS 4

typedef struct pf_payload pf_payload;

/* pf_payload_open: reads the seek table, decompresses frame 0, finds the
 * index member's data in it (parsing at most a pax 'x' header and one ustar
 * header, with tar header checksums checked) and validates the index.
 * src[0..srcSize) is borrowed and must stay mapped until pf_payload_close.
 * On PF_OK *out is a new reader. Errors: PF_ERR_TRUNCATED, PF_ERR_CORRUPT,
 * PF_ERR_VERSION, PF_ERR_NOMEM; *out is NULL then. */
int pf_payload_open(pf_payload **out, const uint8_t *src, size_t srcSize, pf_error *err);

/* pf_payload_close: frees the reader and its frame cache; accepts NULL. */
void pf_payload_close(pf_payload *payload);

/* pf_payload_index: the validated index (owned by the payload). */
const pf_index *pf_payload_index(const pf_payload *payload);

/* pf_payload_seek_table: the frames (owned by the payload). */
const pf_seek_table *pf_payload_seek_table(const pf_payload *payload);

/* pf_payload_read: gives the data of a file entry. On PF_OK, *data and
 * *dataSize (bytes) point into a decompressed frame owned by the payload,
 * valid until the next pf_payload_read or pf_payload_close. The frame is
 * decompressed (checksum verified, size checked against the seek table) on
 * first use and kept in a small LRU cache. Errors: PF_ERR_USAGE (not a file
 * entry), PF_ERR_CORRUPT (frame does not decompress, checksum mismatch, size
 * differs from the seek table), PF_ERR_NOMEM. */
int pf_payload_read(pf_payload *payload, const pf_entry *file, const uint8_t **data,
                    size_t *dataSize, pf_error *err);

/* pf_payload_release: told of a frame's compressed bytes (a range of the
 * buffer given to pf_payload_open) once they have been decompressed, so an
 * owner that mapped the buffer from a file can drop those pages from its
 * resident set (madvise MADV_DONTNEED); they are read again from the file
 * if the frame is needed again. */
typedef void (*pf_payload_release)(const uint8_t *data, size_t size);

/* pf_payload_set_release: installs release (NULL: none, the default). Only
 * for buffers whose pages can be dropped and read back unchanged: a
 * read-only file mapping, never heap memory. */
void pf_payload_set_release(pf_payload *payload, pf_payload_release release);

/* pf_payload_sink: receives a member's bytes in order, in pieces; returns 0
 * to go on, non-zero to stop (pf_payload_copy then fails with PF_ERR_IO). */
typedef int (*pf_payload_sink)(void *context, const uint8_t *data, size_t size);

/* pf_payload_copy: gives the data of a file entry, in order and in pieces
 * of at most ZSTD_DStreamOutSize() bytes, to sink. Meant for large members
 * read once (native code going into a memfd): a frame already in the cache
 * is given from there; otherwise the frame is stream-decompressed through a
 * small buffer (its content checksum verified to the end) without entering
 * the cache, so no frame-sized buffer is allocated and the cached bytecode
 * frames stay. Errors: PF_ERR_USAGE (not a file entry), PF_ERR_CORRUPT (the
 * frame does not decompress, checksum or size wrong), PF_ERR_IO (the sink
 * stopped), PF_ERR_NOMEM. */
int pf_payload_copy(pf_payload *payload, const pf_entry *file, pf_payload_sink sink, void *context,
                    pf_error *err);

#endif
