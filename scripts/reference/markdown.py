"""docs/spec-reference.md: every spec field with its type, default, description and an example, from the models.

Types and constraints are read from the generated JSON Schema (so the page and the schema cannot disagree),
descriptions and defaults from the models, and examples from the shipped environments (which double as
runnable examples); a field no shipped environment sets shows the first of its `examples`, else its default.
"""

from __future__ import annotations

import inspect
import json
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from components.spec import EnvironmentSpec

from .schema import SCHEMA_FILE, environment_schema

REFERENCE_FILE = Path("docs") / "spec-reference.md"
EXAMPLE_ENVIRONMENTS = ("prod", "staging", "dev")  # the most complete first
MAX_CELL = 70


@dataclass
class Section:
    """One model: the paths it appears at, and the example values seen at each of its fields."""

    model: type[BaseModel]
    paths: list[str] = field(default_factory=list)
    tag: tuple[str, str, Any] | None = None
    """(path, field, value): the union entries at `path` whose `field` is `value` hold this model's examples
    (a union member, or a model nested in one)."""


def _tag(model: type[BaseModel]) -> tuple[str, Any] | None:
    """The single-valued Literal field of a union member (its discriminator), if it has one."""
    for name, info in model.model_fields.items():
        if typing.get_origin(info.annotation) is typing.Literal and len(typing.get_args(info.annotation)) == 1:
            return name, typing.get_args(info.annotation)[0]
    return None


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _is_collection(annotation: Any, kind: type) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        return any(_is_collection(a, kind) for a in typing.get_args(annotation))
    return origin is kind


def sections(root: type[BaseModel] = EnvironmentSpec) -> list[Section]:
    """Every model reachable from the root, depth first in field order, with the spec paths it appears at."""
    found: dict[type[BaseModel], Section] = {}

    def walk(model: type[BaseModel], path: str, tag: tuple[str, str, Any] | None, tagged: bool = False) -> None:
        if model in found:
            if path not in found[model].paths:
                found[model].paths.append(path)
            return
        own = _tag(model) if tagged else None
        tag = (path, *own) if own is not None else tag
        found[model] = Section(model, [path], tag)
        for name, info in model.model_fields.items():
            key = info.alias or name
            child = f"{path}.{key}" if path else key
            if _is_collection(info.annotation, list):
                child += "[]"
            elif _is_collection(info.annotation, dict):
                child += ".<key>"
            nested_models = list(dict.fromkeys(_models_in(info.annotation)))
            for nested in nested_models:
                walk(nested, child, tag, tagged=len(nested_models) > 1)

    walk(root, "", None)
    return list(found.values())


def _values_at(data: Any, path: str) -> Iterator[Any]:
    """Values at a reference path (`a.b[].c`, `.<key>` for any map key) within loaded YAML."""
    if not path:
        yield data
        return
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if key == "<key>":
        values = list(data.values()) if isinstance(data, dict) else []
    elif isinstance(data, dict) and key in data:
        values = [data[key]]
    else:
        return
    for value in values:
        for item in (value if many and isinstance(value, list) else [value]):
            yield from _values_at(item, rest)


def _entries_at(data: Any, path: str, tag: tuple[str, str, Any] | None) -> Iterator[Any]:
    """Values at `path`, only under union entries carrying the section's tag."""
    if tag is None or not path.startswith(tag[0]):
        yield from _values_at(data, path)
        return
    where, field_name, value = tag
    for entry in _values_at(data, where):
        if isinstance(entry, dict) and entry.get(field_name) == value:
            yield from _values_at(entry, path[len(where):].lstrip("."))


def _type_of(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short human type from one JSON Schema property."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        if "properties" not in defs.get(name, {}):  # an enumeration: its values, not a section
            return _type_of(defs.get(name, {}), defs)
        return f"[{name}](#{name.lower()})"
    if "discriminator" in prop:
        kinds = " or ".join(_type_of({"$ref": ref}, defs) for ref in prop["discriminator"]["mapping"].values())
        return f"one of {kinds}, by `{prop['discriminator']['propertyName']}`"
    if "anyOf" in prop:
        kinds = [_type_of(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(kinds)
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    kind = prop.get("type", "any")
    if kind == "array":
        text = f"list of {_type_of(prop.get('items', {}), defs)}"
        bounds = [f"at least {prop['minItems']}" if "minItems" in prop else "",
                  f"at most {prop['maxItems']}" if "maxItems" in prop else ""]
        bounds = [b for b in bounds if b]
        return text + (f" ({', '.join(bounds)})" if bounds else "")
    if kind == "object":
        values = prop.get("additionalProperties")
        return f"map of string to {_type_of(values, defs)}" if isinstance(values, dict) else "map"
    text = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean"}.get(kind, kind)
    if "format" in prop:
        text += f" ({prop['format']})"
    limits = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in prop:
            limits.append(f"{sign} {prop[key]}")
    for key, word in (("minLength", "length ≥"), ("maxLength", "length ≤")):
        if key in prop:
            limits.append(f"{word} {prop[key]}")
    if "pattern" in prop:
        limits.append("pattern `" + prop["pattern"].replace("|", "\\|") + "`")
    return text + (f", {', '.join(limits)}" if limits else "")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, IPv4Address, IPv4Network)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    text = json.dumps(_plain(value), ensure_ascii=False, default=str)
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _default(info: Any) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        made = info.default_factory()
        if isinstance(made, BaseModel):
            return "its fields' defaults"
        return _cell(made)
    if info.default is PydanticUndefined:
        return "required"
    return _cell(info.default)


def _example(section: Section, key: str, info: Any, environments: list[Any]) -> str:
    nested = next(_models_in(info.annotation), None)
    if nested is not None:
        return f"see [{nested.__name__}](#{nested.__name__.lower()})"
    for data in environments:
        for path in section.paths:
            for item in _entries_at(data, path, section.tag):
                if isinstance(item, dict) and key in item:
                    return _cell(item[key])
    if info.examples:
        return _cell(info.examples[0])
    if info.default_factory is not None and not isinstance(made := info.default_factory(), BaseModel) and made:
        return _cell(made)
    if not info.is_required() and info.default_factory is None and info.default is not None:
        return _cell(info.default)
    return "—"


def _load_examples(root: Path) -> list[Any]:
    import yaml

    loaded = []
    for env in EXAMPLE_ENVIRONMENTS:
        path = root / "environments" / f"{env}.yaml"
        if path.exists():
            loaded.append(yaml.safe_load(path.read_text(encoding="utf-8")))
    return loaded


def render(root: Path) -> str:
    schema = environment_schema()
    defs = schema.get("$defs", {})
    environments = _load_examples(root)
    lines = [
        "# Environment spec reference",
        "",
        "<!-- Generated from the spec models by `hybrid schema --write`; do not edit by hand. -->",
        "",
        "Every field of `environments/<env>.yaml`, section by section. Types and constraints come from the",
        f"JSON Schema (`{SCHEMA_FILE.as_posix()}`, the same models), examples from the shipped environments",
        f"({', '.join(EXAMPLE_ENVIRONMENTS)}). Paths use `[]` for list items and `<key>` for map keys. Beyond",
        "what the schema can say, `hybrid validate` checks references between sections (sites, clusters,",
        "brokers, regions), secret references against Pulumi.yaml and files on disk, and names the file, the",
        "field and what was expected.",
        "",
    ]
    for section in sections():
        model = section.model
        name = model.__name__
        props = (schema if model is EnvironmentSpec else defs.get(name, {})).get("properties", {})
        lines += ["## Environment (top level)" if model is EnvironmentSpec else f"## {name}", ""]
        doc = model.__dict__.get("__doc__")  # the model's own docstring, not one inherited from SpecModel
        if doc and model is not EnvironmentSpec:
            lines += [" ".join(inspect.cleandoc(doc).split("\n\n")[0].split()), ""]
        where = ", ".join(f"`{p}`" for p in section.paths if p)
        if where:
            lines += [f"At {where}.", ""]
        lines += ["| field | type | default | description | example |", "| --- | --- | --- | --- | --- |"]
        for field_name, info in model.model_fields.items():
            key = info.alias or field_name
            prop = props.get(key, {})
            description = (info.description or "").replace("|", "\\|")
            lines.append(f"| `{key}` | {_type_of(prop, defs)} | {_default(info)} | {description} | "
                         f"{_example(section, key, info, environments)} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
