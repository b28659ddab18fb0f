"""The `hybrid` command line: one entry point, one module per verb under scripts/commands."""

from __future__ import annotations

import typer

from .commands import catalog, check, diff, drift, plan, validate
from .commands import schema, schemas
from .commands import window
from .commands import drill

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Operate the hybrid integration blueprint: validate, plan, check, diff, drill.")
app.command()(validate.validate)
app.command()(plan.plan)
app.command()(check.check)
app.command()(diff.diff)
app.command()(drift.drift)
app.command()(catalog.catalog)
app.command()(window.window)
app.command()(drill.drill)
app.command()(schema.schema)
app.add_typer(schemas.app, name="schemas")


def main() -> None:
    app()
