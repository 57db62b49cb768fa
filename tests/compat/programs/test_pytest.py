import os, sys, tempfile, re, io, contextlib
import pytest
d = tempfile.mkdtemp()
open(os.path.join(d, "test_a.py"), "w").write("import pytest\ndef test_ok():\n    assert 1 + 1 == 2\n@pytest.mark.parametrize('x', [1, 2])\ndef test_p(x):\n    assert x == 1\ndef test_fix(tmp_path):\n    assert tmp_path.exists()\n")
os.chdir(d)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", d])
text = re.sub(r"in [0-9.]+s", "in Ts", out.getvalue().replace(d, "D"))
print(text.splitlines()[-1], int(rc))
print([l for l in text.splitlines() if l.startswith("FAILED")])
