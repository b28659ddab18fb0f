"""`hybrid validate ENV`: check the spec and stack config, explain every error at once, then the design warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from ..console import BAD_INPUT, emit_json, err, fail, out, plural, verbatim, warn
from ..files import WriteError

STACK_CONFIG = "stack-config"
"""The check id of a stack file warning (an unknown key, with a did-you-mean)."""


def _error(env: str, issue: Any) -> dict[str, Any]:
    return {"environment": env, "file": issue.file, "path": issue.path, "message": issue.message,
            "line": issue.line, "column": issue.column}


def validate(
    env: list[str] = typer.Argument(None, help="environment names; default every environments/*.yaml"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Check environment specs and stack config; exit 2 listing every problem. Design warnings exit 0."""
    from components.spec import SpecError

    from .. import environments
    from ..design import design_warnings
    from ..policy_config import write_policy_config

    names = env or environments.known_environments(root)
    if not names:
        fail(f"no environments found under {root / 'environments'}")
    problems: dict[str, list[Any]] = {}
    warnings: dict[str, list[dict[str, Any]]] = {}
    specs = {}
    for name in names:
        try:
            loaded = environments.load(root, name)
            write_policy_config(root, loaded.spec)
            spec_file = str(loaded.project.environment_file(name))
            problems[name] = []
            warnings[name] = [{"environment": name, "file": w.file, "check": STACK_CONFIG, "path": w.path,
                               "message": w.message, "values": {}} for w in loaded.warnings]
            warnings[name] += [{"environment": name, "file": spec_file, **w.as_dict()}
                               for w in design_warnings(loaded.spec)]
            specs[name] = loaded.spec
        except SpecError as error:
            problems[name], warnings[name] = list(error.issues), []
        except WriteError as error:
            fail(str(error))
    if set(specs) == set(environments.known_environments(root)):  # all of them: deployment.after must order them
        try:
            environments.deploy_order(specs, {n: str(root / "environments" / f"{n}.yaml") for n in specs})
        except SpecError as error:
            for issue in error.issues:
                problems[Path(issue.file).stem].append(issue)
    if json_output:
        # `valid` and `problems` keep their first shape; `errors` and `warnings` are flat lists of objects.
        emit_json({"valid": not any(problems.values()),
                   "problems": verbatim({name: [str(i) for i in issues] for name, issues in problems.items()}),
                   "errors": [_error(name, i) for name, issues in problems.items() for i in issues],
                   "warnings": [w for name in problems for w in warnings[name]]})
    else:
        for name, issues in problems.items():
            if issues:
                err.print(f"[bold red]✗ {escape(name)}[/]: {plural(len(issues), 'problem')}")
                for issue in issues:
                    err.print(f"  - {issue}", markup=False)
            else:
                out.print(f"[green]✓ {escape(name)}[/] is valid" + (
                    f" ({plural(len(warnings[name]), 'warning')})" if warnings[name] else ""))
        for warning in (w for name in problems for w in warnings[name]):  # after every error
            warn(f"{warning['file']}: {warning['path']}: {warning['message']} [{warning['check']}]")
    if any(problems.values()):
        raise typer.Exit(BAD_INPUT)
