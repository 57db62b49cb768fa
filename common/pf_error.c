/* pf_error.c - filling the shared error record; see pf_error.h. */
#include "pf_error.h"

#include <stdio.h>

int pf_error_set(pf_error *err, pf_status status, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return (int)status;
}

void pf_error_clear(pf_error *err)
{
    if (err != NULL) {
        err->status = PF_OK;
        err->message[0] = '\0';
    }
}
