from rich.console import Console
from rich.table import Table
from rich.tree import Tree
from rich.panel import Panel
from rich.syntax import Syntax
from rich.markdown import Markdown
from rich.progress import track
c = Console(width=70, force_terminal=True, color_system="truecolor", record=True)
t = Table(title="Planets")
t.add_column("name", style="cyan"); t.add_column("moons", justify="right")
for n, m in (("Earth", 1), ("Mars", 2), ("Jupiter", 95)):
    t.add_row(n, str(m))
c.print(t)
tr = Tree("root"); tr.add("a").add("b"); tr.add("c")
c.print(tr, Panel("[bold red]boxed[/]", title="p"))
c.print(Syntax("def f(x):\n    return x * 2\n", "python", theme="monokai"))
c.print(Markdown("# Title\n\n* one\n* **two**\n\n```python\nprint(1)\n```\n"))
c.print({"a": [1, 2.5, None, True]}, ":smile:")
print(repr(c.export_text()[-40:]))
print(sum(1 for _ in track(range(5), console=Console(file=open("/dev/null", "w")))))
