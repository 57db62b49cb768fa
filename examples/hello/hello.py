"""The smallest program pyfreeze can freeze: `pyfreeze hello.py -o hello`."""

print("Hello, world!")
