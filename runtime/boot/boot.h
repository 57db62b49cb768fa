/* boot.h - the frozen program's start: locate self, map the payload,
 * validate it, configure and start CPython with the in-memory importer, run
 * __main__, finalise. */
#ifndef PF_BOOT_H
#define PF_BOOT_H

/* Exit status when the executable itself is unusable (no payload, damaged
 * payload, interpreter start failure). A program's own statuses follow
 * python3's rules (0, sys.exit(n), 1 for an uncaught exception, 120 when
 * flushing stdout fails at exit, death by SIGINT for an unhandled
 * KeyboardInterrupt). */
#define PF_BOOT_EXIT_DAMAGED 1

/* pf_boot_main: runs the frozen program in this process with the user's
 * arguments argv[1..argc) and returns the exit status python3 would return
 * for the same program (or ends the process as python3 would: sys.exit()
 * exits from inside CPython, an unhandled KeyboardInterrupt re-raises
 * SIGINT). A damaged executable ends the process with one line naming the
 * file, what is wrong and "rebuild it", and status PF_BOOT_EXIT_DAMAGED
 * (damaged.h: pf_damaged_exit, from the boot or from the importer); other
 * problems with the executable itself (no payload in it, /proc not mounted,
 * CPython failing to start) print one line and return PF_BOOT_EXIT_DAMAGED. */
int pf_boot_main(int argc, char **argv);

#endif
