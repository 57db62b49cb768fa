import os, tempfile
from mypy import api
d = tempfile.mkdtemp()
p = os.path.join(d, "t.py")
open(p, "w").write("from typing import List\nimport json\ndef f(x: int) -> str:\n    return x\ny: List[int] = ['a']\njson.loads(1)\n")
out, err, rc = api.run([p, "--no-incremental", "--cache-dir", os.path.join(d, "c"), "--no-error-summary", "--hide-error-context"])
print(out.replace(d, "D"), err, rc)
