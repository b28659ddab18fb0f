"""`hybrid validate ENV`: check the spec and stack config and explain every error at once."""

from __future__ import annotations

from pathlib import Path

import typer

from components.spec import SpecError

from .. import environments
from ..console import BAD_INPUT, emit_json, err, fail, out
from ..policy_config import write_policy_config


def validate(
    env: list[str] = typer.Argument(None, help="environment names; default every environments/*.yaml"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Check environment specs and stack config; exit 2 listing every problem."""
    names = env or environments.known_environments(root)
    if not names:
        fail(f"no environments found under {root / 'environments'}")
    problems: dict[str, list[str]] = {}
    for name in names:
        try:
            loaded = environments.load(root, name)
            write_policy_config(root, loaded.spec)
            problems[name] = []
        except SpecError as error:
            problems[name] = [str(i) for i in error.issues]
    if json_output:
        emit_json({"valid": not any(problems.values()), "problems": problems})
    else:
        for name, issues in problems.items():
            if issues:
                err.print(f"[bold red]✗ {name}[/]: {len(issues)} problem(s)")
                for issue in issues:
                    err.print(f"  - {issue}", markup=False)
            else:
                out.print(f"[green]✓ {name}[/] is valid")
    if any(problems.values()):
        raise typer.Exit(BAD_INPUT)
