import os, sys, tempfile
d = tempfile.mkdtemp(); os.chdir(d)
open("bad.py", "w").write("import os\ndef f( x ):\n  return undefined\n")
from flake8.main.cli import main
try:
    main(["--max-complexity", "1", "bad.py"])
except SystemExit as e:
    print("exit", e.code)
