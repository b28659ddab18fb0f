"""`hybrid prerequisites ENV`: what must exist before the stack, as a checklist (Markdown or --json)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..console import emit_json, fail


def prerequisites(
    env: str = typer.Argument(..., help="environment name"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Print the environment's declared prerequisites with how to verify each; exit 2 on a bad declaration."""
    from components.spec import SpecError

    from .. import environments
    from ..prerequisites import as_json, as_markdown, checklist

    try:
        spec = environments.load(root, env).spec
    except SpecError as error:
        fail(f"{env}: the spec is invalid", list(error.issues))
    items = checklist(spec)
    if json_output:
        emit_json(as_json(env, items))
    else:
        typer.echo(as_markdown(env, items), nl=False)
