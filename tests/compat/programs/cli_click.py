import click
from click.testing import CliRunner

@click.group()
@click.option("--verbose", "-v", count=True)
@click.pass_context
def cli(ctx, verbose):
    """A tool with subcommands."""
    ctx.obj = {"v": verbose}

@cli.command()
@click.argument("name")
@click.option("--times", type=click.IntRange(1, 5), default=2)
@click.pass_obj
def greet(obj, name, times):
    for _ in range(times):
        click.echo(f"hello {name} v={obj['v']}")

@cli.command()
@click.option("--color", type=click.Choice(["red", "blue"]), required=True)
def paint(color):
    click.secho(color, fg=color)

r = CliRunner()
for args in (["--help"], ["-vv", "greet", "ann", "--times", "3"], ["paint", "--color", "green"], ["greet", "--help"]):
    res = r.invoke(cli, args)
    print(res.exit_code, res.output)
print(click.style("x", bold=True).encode())
