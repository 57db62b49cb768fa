import tempfile, os
from mako.template import Template
from mako.lookup import TemplateLookup
d = tempfile.mkdtemp()
open(os.path.join(d, "base.html"), "w").write("<html><body>${self.body()}<footer>${footer()}</footer></body></html>\n<%def name='footer()'>base footer</%def>")
open(os.path.join(d, "page.html"), "w").write("<%inherit file='base.html'/>\n% for i, x in enumerate(items):\n<li class='${loop.cycle(\"odd\", \"even\")}'>${x | h}</li>\n% endfor\n<%def name='footer()'>page ${len(items)}</%def>")
lk = TemplateLookup(directories=[d], module_directory=os.path.join(d, "cache"), input_encoding="utf-8")
t = lk.get_template("page.html")
print(t.render(items=["a<b", "c&d", "e"]))
print(Template("${x * 2} ${'%05.1f' % y} <%! import math %>${math.pi:.3f}".replace(":.3f", "")).render(x=21, y=3.14159))
print(sorted(os.listdir(os.path.join(d, "cache"))))
