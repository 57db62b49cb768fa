/* native_share.h - native code kept in the payload's stored frame
 * (payload/payload.h): copied into its memfd by the kernel from the
 * executable file (no decompression), and, once the dynamic linker has
 * loaded it, its read-only segments mapped again from the executable file
 * itself, so that every process running the program shares those pages
 * through the page cache as python3's processes share a .so's, and the
 * memfd's copies of them are punched out (fallocate(2)
 * FALLOC_FL_PUNCH_HOLE). Which segments: payload/elf_segments.h.
 *
 * The executable is opened again through /proc/self/exe and checked to be
 * the file the boot mapped (device and inode, pf_native_set_executable):
 * the bytes mapped are those the memfd was filled from. Every failure leaves
 * the memfd's own mapping in place: correct, only private.
 *
 * Not thread-safe: called by the native loader with the GIL held. */
#ifndef PF_NATIVE_SHARE_H
#define PF_NATIVE_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* pf_native_set_executable: the running executable's identity (st_dev,
 * st_ino of the file the boot mapped) and the file offset (bytes) of its
 * payload section. Until it is called, no stored member is shared (each
 * is copied from the payload's bytes, pf_payload_copy). */
void pf_native_set_executable(dev_t device, ino_t inode, uint64_t payloadOffset);

/* pf_native_open_executable: a read-only, close-on-exec descriptor (>= 3)
 * of the executable checked as above, and in *payloadOffset the payload's
 * file offset; -1 when there is none (not set, cannot be opened, another
 * file). The caller closes it. */
int pf_native_open_executable(uint64_t *payloadOffset);

/* pf_native_fill_stored: appends the size bytes at file offset `offset` of
 * exeFd to memfd with sendfile(2) (the kernel copies page-cache pages; no
 * user-space buffer). Returns 0, or -1 with errno set (the caller copies
 * the bytes itself). */
int pf_native_fill_stored(int memfd, int exeFd, uint64_t offset, size_t size);

/* pf_native_share: for the object loaded from memfd (dlopen handle
 * `handle`), whose bytes elf[0..size) are also at file offset `offset` of
 * exeFd: maps each read-only segment (elf_segments.h) again over the same
 * addresses with MAP_FIXED | MAP_PRIVATE from exeFd, then punches the
 * memfd's pages no mapping reads any more. Nothing is done unless offset
 * is a multiple of the page size. Returns the bytes mapped from the
 * executable (0: none, the object stays as loaded). */
size_t pf_native_share(int memfd, void *handle, int exeFd, uint64_t offset, const uint8_t *elf,
                       size_t size);

#endif
