import coverage, os, sys, tempfile, io
d = tempfile.mkdtemp(); os.chdir(d)
with open("mod.py", "w") as f:
    f.write("def f(x):\n    if x > 0:\n        return 'pos'\n    elif x < 0:\n        return 'neg'\n    return 'zero'\n\ndef g():\n    return 1\n")
sys.path.insert(0, d)
cov = coverage.Coverage(data_file=None, branch=True, include=["mod.py"])
print(cov.get_option("run:timid"), type(cov).__module__)
cov.start()
import mod
print(mod.f(3), mod.f(-1))
cov.stop()
out = io.StringIO()
pct = cov.report(file=out, show_missing=True)
print(out.getvalue())
print(round(pct, 1))
from coverage.collector import Collector
print(Collector._collectors == [], coverage.version_info[0] >= 6)
try:
    from coverage.tracer import CTracer
    print("ctracer", CTracer.__module__)
except ImportError as e:
    print("no ctracer", e.name)
