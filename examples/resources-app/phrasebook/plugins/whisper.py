import textwrap


def render(greeting, name):
    return textwrap.indent(f"({greeting.lower()}, {name.lower()}...)", "  ")
