/* damaged.h - the reports that end a frozen program that cannot run: the
 * one report of a damaged frozen program (pf_damaged_exit), and the report
 * of a cause that is not damage (pf_cannot_run_exit; memory,
 * pf_read_failed_exit), so "damaged ... rebuild it" is said only of damage.
 * The one report of a damaged frozen program: what the user
 * sees when the executable itself is unusable, from the boot (no payload
 * section readable, a damaged index, bytecode of another Python version) or
 * from the importer (a member fails its checksum, a .pyc has the wrong
 * header, an extension module's ELF headers are broken). It ends the
 * process.
 *
 * Why the process ends rather than an error returned: an ImportError would
 * not do, since programs catch it around optional imports and would run on
 * with part of themselves missing, and during CPython's initialisation any
 * exception becomes a "Fatal Python error" page. One line naming the file
 * and saying "rebuild it" is the whole message (tests/e2e/damaged.sh). */
#ifndef PF_DAMAGED_H
#define PF_DAMAGED_H

#include <stddef.h>

/* pf_damaged_exit: reports the damage and ends the process with exit status
 * PF_BOOT_EXIT_DAMAGED (boot.h); never returns.
 * Takes: executable, the path of this program (NULL or "" before it is
 * known: "pyfreeze program" is printed instead); member[0..memberSize), the
 * payload member found damaged, as the index names it (e.g.
 * "lib/json/__init__.pyc"; NULL when the damage is not in one member); and
 * what, a short phrase saying what is wrong (the pf_error message of the
 * reader, for instance).
 * Does, in order: when Python runs in the calling thread (a thread state is
 * current; else it is not touched), flushes sys.stdout and sys.stderr so
 * what the program wrote comes first, keeping the pending exception alive
 * (its finalizers must not run); flushes C's stdout; prints
 *   EXECUTABLE: this frozen program is damaged: [MEMBER: ]WHAT; rebuild it with pyfreeze
 * on stderr; exit(). Neither CPython nor the payload is finalised: the
 * payload may be what is damaged. Call it with the GIL held, or before
 * CPython starts. */
_Noreturn void pf_damaged_exit(const char *executable, const char *member, size_t memberSize,
                               const char *what);

/* pf_cannot_run_exit: the report of a cause that is not damage (the file
 * cannot be read by this user, /proc is missing, memory ran out): flushes
 * as pf_damaged_exit does, prints "EXECUTABLE: WHAT" (what names the cause
 * and what to do) on stderr and ends the process with status
 * PF_BOOT_EXIT_DAMAGED (the status python3 gives a script it cannot run);
 * never says "damaged" nor "rebuild it". Same threading rules as
 * pf_damaged_exit. */
_Noreturn void pf_cannot_run_exit(const char *executable, const char *what);

/* pf_read_failed_exit: ends the process after reading the payload failed
 * with pf_error status `status` (pf_error.h): PF_ERR_NOMEM is memory, not
 * damage ("out of memory reading MEMBER: WHAT ...", pf_cannot_run_exit);
 * any other status is damage (pf_damaged_exit). Arguments as
 * pf_damaged_exit's. */
_Noreturn void pf_read_failed_exit(const char *executable, const char *member, size_t memberSize,
                                   int status, const char *what);

#endif
