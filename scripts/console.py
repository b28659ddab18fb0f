"""Shared terminal output and exit codes for every `hybrid` verb.

Findings (the answer a verb was asked for) go to stdout; diagnostics (errors, warnings, progress) go to
stderr. User-supplied text is escaped before rich sees it, so a name holding `[/]` prints as itself.
Piped output is never cut at a terminal width, and colour is off when not on a terminal or when
NO_COLOR is set (rich honours both).
"""

from __future__ import annotations

import json
import re
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


SNAKE_FIELD = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


class Data(dict):
    """A map whose keys and values are data (environment names, URNs, type tokens, resource inputs): a --json
    report prints it as it is, never renaming its keys."""


class DataList(list):
    """A list of data values (resource inputs), printed as they are."""


def verbatim(value: Any) -> Any:
    """Mark `value` as data, so the report's key convention leaves everything inside it alone."""
    if isinstance(value, dict):
        return Data(value)
    if isinstance(value, list):
        return DataList(value)
    return value


def camel(name: str) -> str:
    """`not_run` -> `notRun`; a name that is not snake_case is returned as it is."""
    if not SNAKE_FIELD.fullmatch(name):
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def report_shape(value: Any) -> Any:
    """The one key style of every --json report: field names camelCase, as `pulumi preview --json` writes
    them; maps marked with `verbatim()` keep their keys."""
    if isinstance(value, (Data, DataList)):
        return value
    if isinstance(value, dict):
        return {camel(str(key)): report_shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [report_shape(item) for item in value]
    return value


def json_report(data: dict[str, Any]) -> str:
    """A --json report as text: the report shape's `version`, camelCase field names, sorted, indented."""
    return json.dumps(report_shape({"version": REPORT_VERSION, **data}), indent=2, sort_keys=True, default=str) + "\n"


def emit_json(data: dict[str, Any]) -> None:
    """A --json report on stdout (see json_report)."""
    sys.stdout.write(json_report(data))
