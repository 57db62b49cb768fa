import os, tempfile
import setuptools
from setuptools import find_packages
d = tempfile.mkdtemp()
for p in ("pkg", "pkg/sub", "other"):
    os.makedirs(os.path.join(d, p)); open(os.path.join(d, p, "__init__.py"), "w").close()
print(sorted(find_packages(d)), sorted(find_packages(d, exclude=["other"])))
print(setuptools.__version__ > "60")
from setuptools.command.build_py import build_py
print(build_py.__name__)
