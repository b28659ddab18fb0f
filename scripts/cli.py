"""The `hybrid` command line: one entry point, one module per verb under scripts/commands."""

from __future__ import annotations

from importlib import metadata
from typing import Optional

import typer

from .commands import catalog, check, diff, drift, plan, validate
from .commands import schema, schemas
from .commands import window
from .commands import drill
from .commands import prerequisites

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Operate the hybrid integration blueprint: validate, plan, check, diff, drill.")
DISTRIBUTION = "hybrid-integration-blueprint"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"hybrid {version()}")
        raise typer.Exit()


@app.callback()
def _options(show_version: Optional[bool] = typer.Option(None, "--version", is_eager=True, callback=_print_version,
                                                         help="print the version and exit")) -> None:
    """Operate the hybrid integration blueprint: validate, plan, check, diff, drill."""

app.command()(validate.validate)
app.command()(plan.plan)
app.command()(check.check)
app.command()(diff.diff)
app.command()(drift.drift)
app.command()(catalog.catalog)
app.command()(window.window)
app.command()(drill.drill)
app.command()(schema.schema)
app.command()(prerequisites.prerequisites)
app.add_typer(schemas.app, name="schemas")


def main() -> None:
    app()
