"""Greeting styles. Each module here has render(greeting, name); the
program imports them by name (importlib.import_module), so no import
statement names them."""
