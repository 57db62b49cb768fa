import os, tempfile, io
from sphinx.application import Sphinx
d = tempfile.mkdtemp()
src = os.path.join(d, "src"); os.mkdir(src)
with open(os.path.join(src, "conf.py"), "w") as f:
    f.write("project = 'Demo'\nextensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon', 'sphinx.ext.todo']\nlanguage = 'fr'\n")
with open(os.path.join(src, "index.rst"), "w") as f:
    f.write("Demo\n====\n\n.. toctree::\n\n   page\n\nSome *text* and ``code``.\n\n.. note:: A note.\n\n.. autofunction:: os.path.join\n")
with open(os.path.join(src, "page.rst"), "w") as f:
    f.write("Page\n----\n\n- one\n- two\n\n.. code-block:: python\n\n   print(1)\n\n.. todo:: later\n")
for builder in ("text", "html"):
    out = os.path.join(d, builder)
    app = Sphinx(src, src, out, os.path.join(d, "doctrees"), builder, status=io.StringIO(), warning=io.StringIO(), freshenv=True)
    app.build()
    print(builder, app.statuscode, sorted(f for f in os.listdir(out) if not f.startswith(".")))
print(open(os.path.join(d, "text", "index.txt")).read())
print(open(os.path.join(d, "text", "page.txt")).read())
h = open(os.path.join(d, "html", "index.html")).read()
print("Remarque" in h, "searchindex.js" in h, os.path.exists(os.path.join(d, "html", "_static", "basic.css")))
