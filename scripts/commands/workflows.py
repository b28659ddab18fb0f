"""`hybrid workflows`: regenerate the GitHub workflows that follow the environment list."""

from __future__ import annotations

from pathlib import Path

import typer

from ..console import FINDING, emit_json, err, fail, out
from ..files import WriteError


def workflows(
    check: bool = typer.Option(False, "--check", help="write nothing; exit 1 when a committed workflow is stale"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable summary"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Write .github/workflows/deploy.yml (one job per environment, in deployment.after order) and the stack
    matrices of pull-request.yml from environments/*.yaml."""
    from components.spec import SpecError

    from .. import environments, workflows as generator

    try:
        specs = generator.load_all(root)
        order = environments.deploy_order(specs, {n: str(root / "environments" / f"{n}.yaml") for n in specs})
        files = generator.stale(root, specs) if check else generator.write(root, specs)
    except SpecError as error:
        fail("the environments cannot be ordered into workflows", error.issues)
    except WriteError as error:
        fail(str(error))
    names = [path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path) for path in files]
    if json_output:
        emit_json({"order": order, "stale" if check else "written": names})
    elif check:
        for name in names:
            err.print(f"stale: {name} (run `hybrid workflows`)", markup=False)
        if not names:
            out.print(f"workflows current for {', '.join(order)}", markup=False)
    else:
        for name in names:
            out.print(f"wrote {name}", markup=False)
        if not names:
            out.print(f"workflows already current for {', '.join(order)}", markup=False)
    if check and names:
        raise typer.Exit(FINDING)
