"""sigint_driver.py PREFIX CMD...: Ctrl-C for a test, without a terminal.

Starts CMD with stdin from /dev/null and stdout, stderr as pipes, waits until
it prints the line "ready" on stdout, sends SIGINT to CMD's own process (the
tests exec the program in place: unshare and sandbox.sh replace themselves
with it, so the pid is the program's), and waits for it to end. Writes
PREFIX.out, PREFIX.err and PREFIX.rc; the status is written as "signal N"
when the process died by signal N, else "exit N", so that death by SIGINT
and exit(130) differ. Runs outside the sandbox, with the reference
python3.11; a program that never prints "ready" or never ends is killed
after 60 s ("exit timeout"). SIGINT is sent again every 5 s while the
program lives (see main).
"""

import signal
import subprocess
import sys


def main():
    prefix, cmd = sys.argv[1], sys.argv[2:]
    with open(prefix + ".err", "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        first = proc.stdout.readline()
        rest, status = b"", None
        # A SIGINT that lands after the program's last check of pending
        # signals and before its sleep starts only takes effect when the
        # sleep ends (python3.11 has the same window): send it again if
        # the program is still there after a while, at most 12 times.
        for attempt in range(12 if first == b"ready\n" else 1):
            if first == b"ready\n":
                proc.send_signal(signal.SIGINT)
            try:
                rest, _ = proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                continue
            rc = proc.returncode
            status = f"signal {-rc}" if rc < 0 else f"exit {rc}"
            break
        if status is None:
            proc.kill()
            rest, _ = proc.communicate()
            status = "exit timeout"
    with open(prefix + ".out", "wb") as out:
        out.write(first + rest)
    with open(prefix + ".rc", "w") as f:
        f.write(status + "\n")


if __name__ == "__main__":
    main()
