"""`hybrid env new NAME --from ENV`: a new environment from an existing one, and what follows the list."""

from __future__ import annotations

from pathlib import Path

import typer

from ..console import emit_json, fail, out
from ..files import WriteError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Environments: create one from another.")


@app.command("new")
def new(
    name: str = typer.Argument(..., help="the new environment's name (lower-case letters, digits, dashes)"),
    source: str = typer.Option(..., "--from", help="the existing environment to copy"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable summary"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Write environments/NAME.yaml, stacks/Pulumi.NAME.yaml, its ESC template and catalog/NAME/ from ENV,
    validate them with every other environment, and regenerate the workflows."""
    from components.spec import SpecError

    from ..new_environment import create

    try:
        made = create(root, name, source)
    except SpecError as error:
        fail(f"cannot create environment {name!r} from {source!r}", error.issues)
    except WriteError as error:
        fail(str(error))

    def shown(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    if json_output:
        emit_json({"environment": made.name, "from": made.source, "created": [shown(p) for p in made.created],
                   "regenerated": [shown(p) for p in made.regenerated], "order": made.order})
        return
    for path in made.created:
        out.print(f"created {shown(path)}", markup=False)
    for path in made.regenerated:
        out.print(f"regenerated {shown(path)}", markup=False)
    out.print(f"deploy order: {made.described}", markup=False)
    out.print(f"next: edit environments/{made.name}.yaml (accounts, regions, CIDRs, sites), then "
              f"`hybrid validate {made.name}` and `hybrid plan {made.name}`; after editing deployment.after, run "
              "`hybrid workflows`", markup=False)
