"""Shared terminal output and exit codes for every `hybrid` verb.

Findings (the answer a verb was asked for) go to stdout; diagnostics (errors, warnings, progress) go to
stderr. User-supplied text is escaped before rich sees it, so a name holding `[/]` prints as itself.
Piped output is never cut at a terminal width, and colour is off when not on a terminal or when
NO_COLOR is set (rich honours both).
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

OK, FINDING, BAD_INPUT = 0, 1, 2
REPORT_VERSION = 1
"""The `version` of every --json report's shape (plans keep the stack-export shape and its own version)."""
UNBOUNDED_WIDTH = 10_000  # piped or in CI logs: lines as long as they are, never wrapped or cut at 80 columns


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    terminal = hasattr(stream, "isatty") and stream.isatty()
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=None if terminal else UNBOUNDED_WIDTH)


out = _console(stderr=False)
err = _console(stderr=True)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 problem', '3 problems', '2 APIs'; `many` for irregular plurals."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def fail(message: str, issues: list[Any] | None = None) -> NoReturn:
    """Bad input or usage: explain, and exit 2 without a traceback."""
    err.print(f"[bold red]error:[/] {escape(str(message))}")
    for issue in issues or []:
        err.print(f"  - {issue}", markup=False)
    raise typer.Exit(BAD_INPUT)


def warn(message: Any) -> None:
    err.print(f"[yellow]warning:[/] {escape(str(message))}")


def emit_json(data: dict[str, Any]) -> None:
    """A --json report on stdout, with the report shape's `version` first."""
    sys.stdout.write(json.dumps({"version": REPORT_VERSION, **data}, indent=2, sort_keys=True, default=str) + "\n")
