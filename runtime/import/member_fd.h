/* member_fd.h - a payload member as a real file descriptor, for os.open()
 * of a path under the executable (file_system.c): what a program that
 * hands a descriptor to fstat, mmap, fcntl or a C library needs, where
 * open() gives it a file object over the bytes. Needs no CPython. */
#ifndef PF_MEMBER_FD_H
#define PF_MEMBER_FD_H

#include "payload_reader.h"
#include "pf_error.h"

/* pf_member_fd_open: a new descriptor, in *fd, reading file entry `file`
 * of payload from its first byte: a memfd (memfd_create(2), named after
 * the member's last path part, as /proc/self/fd shows it) holding the
 * member's bytes, mode 0444 (the mode os.stat gives payload files), sealed
 * against writing, growing and shrinking (fcntl(2) F_ADD_SEALS), then
 * opened again through /proc/self/fd/N with `flags` (open(2) flags whose
 * access mode is O_RDONLY, without O_DIRECTORY, O_TRUNC or O_TMPFILE;
 * O_CLOEXEC is added, as os.open does (PEP 446); O_CREAT, O_EXCL and
 * O_NOFOLLOW are dropped: the caller answers O_CREAT|O_EXCL of an existing
 * file, and no payload path is a link), so the descriptor has those flags
 * (O_NONBLOCK, O_PATH...) and a write through it fails with EBADF, as for
 * a file opened read-only. Where /proc is not mounted, the sealed memfd
 * itself (a write fails with EPERM; O_PATH is not honoured), O_NONBLOCK
 * set with fcntl. The caller closes *fd. The number is the lowest free
 * one when the call began, as open(2) gives.
 * Returns PF_OK; PF_ERR_IO with errno set and err's message naming the
 * step when a system call fails (no memfd: seccomp, RLIMIT_NOFILE);
 * a payload status (PF_ERR_CORRUPT: a damaged frame; PF_ERR_NOMEM) from
 * pf_payload_copy, which decompresses the member in small pieces straight
 * into the memfd. Nothing is left open on failure. */
int pf_member_fd_open(pf_payload *payload, const pf_entry *file, int flags, int *fd, pf_error *err);

#endif
