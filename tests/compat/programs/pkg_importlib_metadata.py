from importlib import metadata, resources
print(metadata.version("numpy"), metadata.metadata("jinja2")["Name"])
print(sorted(e.name for e in metadata.entry_points(group="console_scripts") if e.name in ("flake8", "pygmentize", "pyflakes")))
print(sorted(metadata.requires("requests") or [])[:3])
print(resources.files("certifi").joinpath("cacert.pem").is_file(), len(resources.files("pygments.lexers").joinpath("_mapping.py").read_bytes()) > 1000)
print(metadata.distribution("pytest").entry_points.select(group="console_scripts").names)
