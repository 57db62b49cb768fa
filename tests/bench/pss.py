"""pss: total proportional set size of N concurrent copies of a program.

    /usr/bin/python3.11 -I pss.py N COMMAND...

Starts N copies of COMMAND, each with a pipe as stdin and stdout, waits until
every copy has printed its first line (the program then holds still until
its stdin closes: tests/bench/ssl_sqlite.py), reads Pss, Pss_Shmem and
Private_* of each from /proc/PID/smaps_rollup (Linux 4.14+), closes their
stdin and waits for them. Prints one line: "PSS-KIB SHMEM-PSS-KIB
PRIVATE-KIB N" (sums over the copies, KiB), or exits 1 with a message if a
copy failed to start. PSS divides each page among the processes that map
it: pages of the page cache shared by all N copies count 1/N in each, private
pages (heap, memfd copies of native code) in full.
"""

import subprocess
import sys

n = int(sys.argv[1])
cmd = sys.argv[2:]
procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
         for _ in range(n)]
bad = [p for p in procs if not p.stdout.readline().startswith(b"ready")]
totals = {"Pss": 0, "Pss_Shmem": 0, "Private": 0}
if not bad:
    for p in procs:
        with open(f"/proc/{p.pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Pss", "Pss_Shmem"):
                    totals[key] += int(rest.split()[0])
                elif key in ("Private_Clean", "Private_Dirty"):
                    totals["Private"] += int(rest.split()[0])
for p in procs:
    p.stdin.close()
for p in procs:
    p.wait()
if bad:
    sys.exit(f"pss: {len(bad)} of {n} copies of {cmd[0]} did not print ready")
print(totals["Pss"], totals["Pss_Shmem"], totals["Private"], n)
