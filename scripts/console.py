"""Shared terminal output and exit codes for every `hybrid` verb."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

OK, FINDING, BAD_INPUT = 0, 1, 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, issues: list[Any] | None = None) -> NoReturn:
    """Bad input or usage: explain, and exit 2 without a traceback."""
    err.print(f"[bold red]error:[/] {message}")
    for issue in issues or []:
        err.print(f"  - {issue}", markup=False)
    raise typer.Exit(BAD_INPUT)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
