"""Ways a program ends that tests/e2e/behaviour.sh does not already cover:
ps_ends.py MODE (see procsem.sh exit-more)."""
import os
import sys
import threading

mode = sys.argv[1]
print("mode", mode)
if mode == "return-from-main":
    def main():
        return 0
    main()
elif mode == "exit-minus-one":
    sys.exit(-1)
elif mode == "exit-true":
    sys.exit(True)
elif mode == "exit-false":
    sys.exit(False)
elif mode == "builtin-exit":
    exit(5)
elif mode == "builtin-quit":
    quit(6)
elif mode == "os-exit":
    # Buffered output is lost, as with python3 (stdout is a pipe here).
    print("buffered, never flushed")
    os._exit(7)
elif mode == "exit-in-thread":
    # SystemExit ends only the thread; the program goes on and ends with 0.
    t = threading.Thread(target=sys.exit, args=(9,))
    t.start()
    t.join()
    print("main goes on after the thread's sys.exit")
elif mode == "raise-keyboardinterrupt":
    raise KeyboardInterrupt
elif mode == "exit-from-finally":
    try:
        raise ValueError("replaced")
    finally:
        sys.exit(4)
elif mode == "exception-in-except":
    try:
        {}["key"]
    except KeyError:
        raise TypeError("during handling")
