import typer
from typer.testing import CliRunner
app = typer.Typer(add_completion=False)
@app.command()
def hello(name: str, count: int = typer.Option(1, help="times"), loud: bool = False):
    """Say hello."""
    for _ in range(count):
        typer.echo(("HELLO " if loud else "hello ") + name)
@app.command()
def bye(name: str = typer.Argument("world")):
    typer.echo(f"bye {name}")
r = CliRunner()
for a in (["hello", "ann", "--count", "2", "--loud"], ["bye"], ["hello", "--count", "x", "a"], ["--help"]):
    res = r.invoke(app, a); print(res.exit_code, res.output)
