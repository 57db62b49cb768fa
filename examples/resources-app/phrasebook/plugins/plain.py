def render(greeting, name):
    return f"{greeting}, {name}."
