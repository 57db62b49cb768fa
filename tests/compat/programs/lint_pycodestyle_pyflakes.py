import io, os, tempfile, contextlib
import pycodestyle, mccabe, ast
from pyflakes import api, reporter
src = "import sys\nx=1\ndef g(a):\n    if a: return 1\n    return undefined_name\n"
p = os.path.join(tempfile.mkdtemp(), "m.py"); open(p, "w").write(src)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    n = pycodestyle.StyleGuide(quiet=False).check_files([p]).total_errors
print(n, [l.split(":", 1)[1] for l in out.getvalue().splitlines()])
o, e = io.StringIO(), io.StringIO()
print(api.check(src, "m.py", reporter.Reporter(o, e)), o.getvalue())
g = mccabe.PathGraphingAstVisitor(); g.preorder(ast.parse(src), g)
print([(x.entity, x.complexity()) for x in g.graphs.values()])
