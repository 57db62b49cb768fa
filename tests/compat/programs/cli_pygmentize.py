import sys, tempfile, os
from pygments.cmdline import main
p = os.path.join(tempfile.mkdtemp(), "x.json")
open(p, "w").write('{"a": [1, true, null]}\n')
rc = main(["pygmentize", "-f", "html", "-O", "nowrap", p])
rc2 = main(["pygmentize", "-L", "styles"])
sys.exit(rc + rc2)
