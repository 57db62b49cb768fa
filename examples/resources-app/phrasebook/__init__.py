"""phrasebook: greetings in several languages, kept as package data, with
styles as plugins found at run time."""
import importlib
import importlib.resources
import json
import os
import pkgutil

from . import plugins


def languages():
    data = importlib.resources.files(__name__) / "data"
    return sorted(p.name[:-5] for p in data.iterdir() if p.name.endswith(".json"))


def phrases(lang):
    text = importlib.resources.files(__name__).joinpath("data", f"{lang}.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def config():
    with open(os.path.join(os.path.dirname(__file__), "config.json"), encoding="utf-8") as f:
        return json.load(f)


def plugin_names():
    return sorted(m.name for m in pkgutil.iter_modules(plugins.__path__))


def greet(lang, style):
    if lang not in languages():
        raise KeyError(lang)
    module = importlib.import_module(f"{plugins.__name__}.{style}")
    p = phrases(lang)
    banner = __loader__.get_data(os.path.join(os.path.dirname(__file__), "templates",
                                              "banner.txt")).decode().strip()
    return f"{banner}\n" + module.render(p["hello"], config()["name"])
