"""The `hybrid` command line: one entry point, one module per verb under scripts/commands."""

from __future__ import annotations

import atexit
import os
import sys
from importlib import metadata
from typing import Optional

import typer

from .commands import catalog, check, diff, drift, plan, validate
from .commands import schema, schemas
from .commands import window
from .commands import drill
from .commands import prerequisites
from .commands import env, workflows
from .commands import audit

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Operate the hybrid integration blueprint: validate, plan, check, diff, drill, audit.")
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
app.command()(audit.audit)
app.command()(schema.schema)
app.command()(prerequisites.prerequisites)
app.add_typer(schemas.app, name="schemas")
app.command()(workflows.workflows)
app.add_typer(env.app, name="env")


def main() -> None:
    """Run the verb, then end the process without tearing the interpreter down.

    After a plan the heap holds the provider SDKs' hundreds of thousands of objects; the interpreter's own
    shutdown frees them one by one, which took seconds of every `hybrid plan`. The exit handlers still run
    and the streams are flushed; only that teardown is skipped.
    """
    try:
        app()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if stop.code is not None and not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`hybrid plan dev | head`): nothing left to tell it
            code = code or 1
    os._exit(code)
