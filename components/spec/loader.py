"""Load an environment spec file and turn every problem into a readable (file, field, expectation) issue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .base import SecretRef
from .checks import cross_field_problems
from .documents import DocumentError, YamlDocument, read_yaml as read_yaml_document
from .environment import EnvironmentSpec


@dataclass(frozen=True)
class SpecIssue:
    """One problem: the file, the field path inside it, what was expected, and where it was written (1-based)."""

    file: str
    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"{self.file}: {self.path}: {self.message}{where}"

    @classmethod
    def of(cls, error: DocumentError) -> "SpecIssue":
        """A reader's error as an issue (the position, when known, is both the path and the location)."""
        return cls(error.file, error.where, error.message, error.line, error.column)


class SpecError(Exception):
    """Raised with every issue found, so callers can print them all at once and exit 2."""

    def __init__(self, issues: list[SpecIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def format_loc(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in without_union_tags(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in str(part) or str(part).startswith("function-"):
            continue  # pydantic's internal validator labels, not user-facing fields
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _tags_of(model: type[BaseModel]) -> set[str]:
    """The Literal values of a model's fields: what a discriminated union may key it by."""
    return {value for f in model.model_fields.values() if get_origin(f.annotation) is Literal
            for value in get_args(f.annotation)}


def without_union_tags(loc: tuple[Any, ...], model: type[BaseModel] = EnvironmentSpec) -> tuple[Any, ...]:
    """The location as users write it: pydantic inserts a discriminated union's tag (`brokers.0.msk.queues`),
    which names no field in the file."""
    models, out = [model], []
    for part in loc:
        if isinstance(part, str):
            fields = [f for m in models for name, f in m.model_fields.items() if part in (name, f.alias)]
            if fields:
                models = [sub for f in fields for sub in _model_of(f.annotation)]
            else:
                tagged = [m for m in models if part in _tags_of(m)]
                if tagged and len(models) > 1:
                    models = tagged
                    continue
        out.append(part)
    return tuple(out)


def _tag_error(error: dict[str, Any]) -> tuple[tuple[Any, ...], str] | None:
    """A missing or unknown discriminator, placed on the field itself and naming the values expected."""
    ctx = error.get("ctx") or {}
    if error["type"] not in ("union_tag_invalid", "union_tag_not_found"):
        return None
    field = str(ctx.get("discriminator", "")).strip("'")
    loc = (*error["loc"], field)
    if error["type"] == "union_tag_not_found":
        return loc, "required field is missing"
    return loc, f"unknown {field} {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"


_FRIENDLY = {
    "missing": "required field is missing",
    "extra_forbidden": "unexpected field (is it misspelt?)",
}


def _model_of(annotation: Any) -> list[type[BaseModel]]:
    """The spec models an annotation can hold (through Optional, list, dict, Union and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) or () for m in _model_of(arg)]


def touches_secret(loc: tuple[Any, ...], model: type[BaseModel] = EnvironmentSpec) -> bool:
    """Whether an error location lies in (or is) a field typed as a secret reference: its input is never shown."""
    models = [model]
    for part in loc:
        if any(issubclass(m, SecretRef) for m in models):
            return True
        if not isinstance(part, str):
            continue
        fields = [f for m in models for name, f in m.model_fields.items() if part in (name, f.alias)]
        if fields:
            models = [sub for f in fields for sub in _model_of(f.annotation)]
    return any(issubclass(m, SecretRef) for m in models)


def _describe(error: dict[str, Any]) -> str:
    message = _FRIENDLY.get(error["type"], error["msg"].removeprefix("Value error, "))
    value = error.get("input")
    secretish = "secret" in message or touches_secret(tuple(error["loc"]))
    if error["type"] not in _FRIENDLY and not secretish and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        if shown not in message:
            message += f" (got {shown})"
    return message


def read_yaml(path: Path) -> YamlDocument:
    """Parse YAML through the bounded reader, turning every reading problem into a SpecError."""
    try:
        return read_yaml_document(path)
    except DocumentError as error:
        raise SpecError([SpecIssue.of(error)]) from None


def _issue(source: str, document: YamlDocument | None, loc: tuple[Any, ...] | str, path: str, message: str) -> SpecIssue:
    at = document.position(loc) if document is not None else None
    return SpecIssue(source, path, message, *(at or (None, None)))


def _validation_issue(source: str, document: YamlDocument | None, error: dict[str, Any]) -> SpecIssue:
    loc, message = _tag_error(error) or (tuple(error["loc"]), _describe(error))
    return _issue(source, document, without_union_tags(loc), format_loc(loc), message)


def parse_environment(data: Any, source: str, declared_secret_keys: set[str] | None = None,
                      root: Path | None = None, document: YamlDocument | None = None) -> EnvironmentSpec:
    """Validate parsed spec data; `document` (when the data came from a file) places each issue at its line."""
    if not isinstance(data, dict):
        raise SpecError([_issue(source, document, (), "(top level)", "expected a mapping of environment fields")])
    try:
        spec = EnvironmentSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError([_validation_issue(source, document, e) for e in exc.errors()]) from None
    problems = cross_field_problems(spec, declared_secret_keys, root)
    if problems:
        raise SpecError([_issue(source, document, path, path, message) for path, message in problems])
    return spec


def load_environment(path: Path, declared_secret_keys: set[str] | None = None) -> EnvironmentSpec:
    """Load and fully validate environments/<env>.yaml; raises SpecError listing every issue."""
    document = read_yaml(path)
    spec = parse_environment(document.data, str(path), declared_secret_keys, root=path.parent.parent,
                             document=document)
    if spec.name != path.stem:
        raise SpecError([_issue(str(path), document, "name", "name",
                                f"expected {path.stem!r} to match the file name, got {spec.name!r}")])
    return spec
