"""A multiprocessing program whose executable is replaced while it runs
(issue 17): it says it started, waits for argv[2] (the test renames another
program over the executable, then creates it), then runs a pool with
start method argv[1] and a resource tracker user and a -c child."""
import multiprocessing
import os
import subprocess
import sys
import time


def square(x):
    return x * x


if __name__ == "__main__":
    print("main() starts", flush=True)
    method, go = sys.argv[1], sys.argv[2]
    for _ in range(600):
        if os.path.exists(go):
            break
        time.sleep(0.05)
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        print(method, "map", pool.map(square, range(8)), flush=True)
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(create=True, size=16)
    block.close()
    block.unlink()
    out = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
    print("-c child:", out.stdout.strip(), out.returncode, flush=True)
    print("done", flush=True)
