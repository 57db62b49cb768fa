import markdown
src = "# T\n\n```python\ndef f(): return 1\n```\n\n*a* [b](http://x)\n\nTerm\n:   def\n"
print(markdown.markdown(src, extensions=["fenced_code", "codehilite", "def_list", "toc", "extra"]))
md = markdown.Markdown(extensions=["meta"])
print(md.convert("Title: x\nAuthor: y\n\nbody"), md.Meta)
