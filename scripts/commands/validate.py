"""`hybrid validate ENV`: check the spec and stack config and explain every error at once."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..console import BAD_INPUT, emit_json, err, fail, out, plural, verbatim, warn
from ..files import WriteError


def validate(
    env: list[str] = typer.Argument(None, help="environment names; default every environments/*.yaml"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Check environment specs and stack config; exit 2 listing every problem."""
    from components.spec import SpecError

    from .. import environments
    from ..policy_config import write_policy_config

    names = env or environments.known_environments(root)
    if not names:
        fail(f"no environments found under {root / 'environments'}")
    problems: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    specs = {}
    for name in names:
        try:
            loaded = environments.load(root, name)
            write_policy_config(root, loaded.spec)
            problems[name], warnings[name] = [], [str(w) for w in loaded.warnings]
            specs[name] = loaded.spec
        except SpecError as error:
            problems[name], warnings[name] = [str(i) for i in error.issues], []
        except WriteError as error:
            fail(str(error))
    if set(specs) == set(environments.known_environments(root)):  # all of them: deployment.after must order them
        try:
            environments.deploy_order(specs, {n: str(root / "environments" / f"{n}.yaml") for n in specs})
        except SpecError as error:
            for issue in error.issues:
                problems[Path(issue.file).stem].append(str(issue))
    if json_output:
        emit_json({"valid": not any(problems.values()), "problems": verbatim(problems),
                   "warnings": verbatim({name: found for name, found in warnings.items() if found})})
    else:
        for name, issues in problems.items():
            for warning in warnings[name]:
                warn(warning)
            if issues:
                err.print(f"[bold red]✗ {escape(name)}[/]: {plural(len(issues), 'problem')}")
                for issue in issues:
                    err.print(f"  - {issue}", markup=False)
            else:
                out.print(f"[green]✓ {escape(name)}[/] is valid")
    if any(problems.values()):
        raise typer.Exit(BAD_INPUT)
