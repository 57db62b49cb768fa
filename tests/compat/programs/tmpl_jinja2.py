import jinja2
env = jinja2.Environment(loader=jinja2.DictLoader({"base.html": "<h1>{% block t %}{% endblock %}</h1>", "page.html": '{% extends "base.html" %}{% block t %}{{ name|title }} {{ items|join(", ") }}{% endblock %}'}), autoescape=jinja2.select_autoescape())
print(env.get_template("page.html").render(name="hello <world>", items=[1, 2]))
print(jinja2.Template("{% for i in range(3) %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}").render())
sb = __import__("jinja2.sandbox", fromlist=["x"]).SandboxedEnvironment()
print(sb.from_string("{{ 6*7 }}").render())
