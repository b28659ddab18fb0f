"""`hybrid schemas check [--base REF]`: event-schema compatibility against the base ref (practices 3.2, 7.1, 7.4)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..console import BAD_INPUT, FINDING, emit_json, err, fail, out

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Event schemas: compatibility checks.")


def bound_modes(root: Path) -> dict[str, set[str]]:
    """schema file -> every compatibility mode any environment binds it with (each one must hold)."""
    from .. import environments

    modes: dict[str, set[str]] = {}
    for env in environments.known_environments(root):
        spec = environments.load(root, env).spec
        for broker in spec.messaging.brokers:
            for _, _, binding in broker.schema_bindings():
                modes.setdefault(binding.file, set()).add(binding.compatibility)
    return modes


@app.command()
def check(
    base: str = typer.Option("origin/main", "--base", help="git ref holding the previous schema versions"),
    files: list[str] = typer.Argument(None, help="schema files to check; default every schema changed since --base"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Check changed schemas against their previous versions under their bound modes; exit 1 on a break."""
    from components.spec import SpecError

    from ..schemas.check import GitError, changed_schemas, check_file

    try:
        modes = bound_modes(root)
    except SpecError as error:
        fail("the environment specs are invalid; run `hybrid validate`", [str(i) for i in error.issues])
    try:
        targets = sorted(files) if files else changed_schemas(root, base)
        results = [r for path in targets for r in check_file(root, base, path, sorted(modes.get(path, set())))]
    except GitError as error:
        fail(f"cannot read base ref {base!r} from git: {error}")
    if json_output:
        emit_json({"base": base, "compatible": all(r.ok for r in results),
                   "results": [{"file": r.file, "mode": r.mode, "comparedWith": r.compared_with,
                                "problems": r.problems, "error": r.error} for r in results]})
    else:
        if not results:
            out.print(f"no schema changed since {base}")
        for r in results:
            if r.error:
                err.print(f"[bold red]✗ {escape(r.file)}[/] ({r.mode}): unreadable: {escape(r.error)}")
            elif r.problems:
                out.print(f"[bold red]✗ {escape(r.file)}[/] breaks {r.mode}:")
                for problem in r.problems:
                    out.print(f"  - {problem}", markup=False)
            else:
                against = ", ".join(r.compared_with) or "nothing, a new schema"
                out.print(f"[green]✓ {escape(r.file)}[/] {r.mode} against {escape(against)}")
    if any(r.error for r in results):
        raise typer.Exit(BAD_INPUT)
    if any(r.problems for r in results):
        raise typer.Exit(FINDING)
