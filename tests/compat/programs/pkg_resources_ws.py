import pkg_resources
d = pkg_resources.get_distribution("requests")
print(d.project_name, d.version, [str(r) for r in sorted(d.requires(), key=str)])
print(pkg_resources.parse_version("2.0") > pkg_resources.parse_version("1.9"))
eps = sorted(ep.name for ep in pkg_resources.iter_entry_points("flake8.extension"))
print(eps)
print(pkg_resources.require("jinja2")[0].project_name)
