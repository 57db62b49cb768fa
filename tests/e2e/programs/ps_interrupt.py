"""Ctrl-C in a program that handles it: ps_interrupt.py MODE.
handled: catches KeyboardInterrupt and ends normally (exit 0).
handled-exit: catches it and calls sys.exit(4).
handler: a signal.signal(SIGINT) handler runs instead of KeyboardInterrupt."""
import signal
import sys
import time

mode = sys.argv[1]
if mode == "handler":
    def on_sigint(signum, frame):
        print("handler got signal", signum)
        sys.exit(0)
    signal.signal(signal.SIGINT, on_sigint)
try:
    # One line: SIGINT may arrive while print() is still returning.
    print("ready", flush=True); time.sleep(120)
except KeyboardInterrupt:
    print("caught KeyboardInterrupt")
    if mode == "handled-exit":
        sys.exit(4)
print("ended normally")
