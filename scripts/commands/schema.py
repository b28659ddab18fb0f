"""`hybrid schema`: print the environment spec's JSON Schema; `--write` regenerates the committed copies."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..console import out


def schema(
    write: bool = typer.Option(False, "--write", help="regenerate environments/environment.schema.json and "
                                                      "docs/spec-reference.md instead of printing"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Print the JSON Schema of environments/<env>.yaml (editors validate and complete with it)."""
    from ..reference.schema import schema_text
    from ..reference.write import write_generated

    if not write:
        sys.stdout.write(schema_text())
        return
    written = write_generated(root)
    for path in written:
        out.print(f"wrote {path.as_posix()}")
    if not written:
        out.print("schema and reference are up to date")
