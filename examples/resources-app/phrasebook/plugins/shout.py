def render(greeting, name):
    return f"{greeting.upper()}, {name.upper()}!!!"
