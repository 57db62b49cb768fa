"""pty_driver.py PREFIX [--send-after PROMPT TEXT]... -- CMD...: runs CMD on a
pseudo-terminal, as a person at a terminal would.

CMD gets the pty as its stdin, stdout and stderr (so both streams arrive
merged, in the order they were written). Each --send-after pair waits until
the output so far contains PROMPT (after what earlier pairs waited for), then
writes TEXT to the terminal (C escapes such as \\n and \\x04 are decoded);
nothing is timed, so the result does not depend on the machine's speed.
After the last pair the driver reads until CMD closes the terminal. Writes
PREFIX.out (the raw terminal output, \\r\\n as the terminal gives it) and
PREFIX.rc ("exit N" or "signal N"). Gives up after 60 s (PREFIX.rc is then
"timeout", and the partial output is kept).
"""

import os
import pty
import select
import signal
import sys
import time


def main():
    prefix = sys.argv[1]
    args = sys.argv[2:]
    steps = []
    while args and args[0] == "--send-after":
        steps.append((args[1].encode(), args[2].encode().decode("unicode_escape").encode("latin-1")))
        args = args[3:]
    assert args and args[0] == "--", "usage: see the docstring"
    cmd = args[1:]

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    output = b""
    searched_from = 0
    deadline = time.monotonic() + 60
    status = None
    while True:
        while steps:
            at = output.find(steps[0][0], searched_from)
            if at < 0:
                break
            searched_from = at + len(steps[0][0])
            os.write(fd, steps[0][1])
            steps.pop(0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            status = "timeout"
            break
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every writer closed the terminal
            chunk = b""
        if not chunk:
            break
        output += chunk
    _, wstatus = os.waitpid(pid, 0)
    if status is None:
        if os.WIFSIGNALED(wstatus):
            status = f"signal {os.WTERMSIG(wstatus)}"
        else:
            status = f"exit {os.WEXITSTATUS(wstatus)}"
    with open(prefix + ".out", "wb") as f:
        f.write(output)
    with open(prefix + ".rc", "w") as f:
        f.write(status + "\n")


if __name__ == "__main__":
    main()
