/* pf_error.h - the error record every pyfreeze function fills on failure.
 *
 * Functions that can fail return an int status (PF_OK == 0 on success, one of
 * pf_status below otherwise) and, when given a non-NULL pf_error, write a
 * one-line human message into it. A size or count is never returned through
 * the status. The message never ends with a newline and never names the file
 * being read: the caller knows the file and prefixes it.
 */
#ifndef PF_ERROR_H
#define PF_ERROR_H

#include <stdarg.h>

typedef enum pf_status {
    PF_OK = 0,
    PF_ERR_NOT_FOUND = 1, /* asked-for name, section or file is absent */
    PF_ERR_TRUNCATED = 2, /* input ends before a structure it declares */
    PF_ERR_CORRUPT = 3,   /* a checksum, magic number or bound is wrong */
    PF_ERR_VERSION = 4,   /* a well-formed input of a version we do not read */
    PF_ERR_NOMEM = 5,     /* an allocation failed */
    PF_ERR_IO = 6,        /* a system call failed; errno text is in the message */
    PF_ERR_USAGE = 7,     /* the caller (or the user) asked for something invalid */
    PF_ERR_PYTHON = 8,    /* a Python exception is set or was already reported */
} pf_status;

#define PF_ERROR_MESSAGE_SIZE 512

typedef struct pf_error {
    pf_status status;
    char message[PF_ERROR_MESSAGE_SIZE]; /* NUL-terminated, single line */
} pf_error;

/* pf_error_set: records status and a printf-style message in err (which may
 * be NULL, then only the status is returned). Returns status, so that callers
 * can write `return pf_error_set(err, PF_ERR_CORRUPT, "...")`. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int pf_error_set(pf_error *err, pf_status status, const char *fmt, ...);

/* pf_error_clear: resets err to PF_OK with an empty message; NULL is accepted. */
void pf_error_clear(pf_error *err);

#endif
