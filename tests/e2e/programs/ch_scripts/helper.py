"""A script beside its module ch_neighbour.py, run by ch_scripts.py as
[sys.executable, helper.py, ARGS...]; `exit` exits 3, `nested` starts
itself again the same way."""
import subprocess
import sys

import ch_neighbour

if sys.argv[1:] == ["exit"]:
    sys.exit(3)
if sys.argv[1:] == ["nested"]:
    r = subprocess.run([sys.executable, __file__, "inner"], capture_output=True, text=True)
    print("nested:", r.returncode, r.stdout.strip(), r.stderr.strip())
else:
    print("helper", __name__, sys.argv, __file__, __spec__, "path0", sys.path[0],
          ch_neighbour.VALUE, ch_neighbour.__file__)
