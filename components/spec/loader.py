"""Load an environment spec file and turn every problem into a readable (file, field, expectation) issue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .checks import cross_field_problems
from .environment import EnvironmentSpec


@dataclass(frozen=True)
class SpecIssue:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class SpecError(Exception):
    """Raised with every issue found, so callers can print them all at once and exit 2."""

    def __init__(self, issues: list[SpecIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def format_loc(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in str(part) or str(part).startswith("function-"):
            continue  # pydantic's internal validator labels, not user-facing fields
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unexpected field (is it misspelt?)",
}


def _describe(error: dict[str, Any]) -> str:
    message = _FRIENDLY.get(error["type"], error["msg"].removeprefix("Value error, "))
    value = error.get("input")
    secretish = "secret" in message or any("kubeconfig" in str(p) for p in error["loc"])
    if error["type"] not in _FRIENDLY and not secretish and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        if shown not in message:
            message += f" (got {shown})"
    return message


def read_yaml(path: Path) -> Any:
    """Parse YAML, turning syntax errors into a SpecIssue naming line and column."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([SpecIssue(str(path), "(file)", "file not found")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise SpecError([SpecIssue(str(path), where, f"invalid YAML: {exc.problem}")]) from None


def parse_environment(data: Any, source: str, declared_secret_keys: set[str] | None = None,
                      root: Path | None = None) -> EnvironmentSpec:
    if not isinstance(data, dict):
        raise SpecError([SpecIssue(source, "(top level)", "expected a mapping of environment fields")])
    try:
        spec = EnvironmentSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError([SpecIssue(source, format_loc(e["loc"]), _describe(e)) for e in exc.errors()]) from None
    problems = cross_field_problems(spec, declared_secret_keys, root)
    if problems:
        raise SpecError([SpecIssue(source, path, message) for path, message in problems])
    return spec


def load_environment(path: Path, declared_secret_keys: set[str] | None = None) -> EnvironmentSpec:
    """Load and fully validate environments/<env>.yaml; raises SpecError listing every issue."""
    spec = parse_environment(read_yaml(path), str(path), declared_secret_keys, root=path.parent.parent)
    if spec.name != path.stem:
        raise SpecError([SpecIssue(str(path), "name", f"expected {path.stem!r} to match the file name, got {spec.name!r}")])
    return spec
