"""Every event schema under schemas/ (the files `hybrid schemas check` judges), read into the neutral model, with
Protobuf message classes for each: the shipped .proto where there is one, a derived one otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scripts.schemas.formats import SchemaUnreadable, format_of

from .derive import proto_text
from .model import EventSchema, Unsupported, from_avro, from_json_schema, from_proto_file
from .protobuf import ProtoUnavailable, compile_protos

@dataclass
class Catalog:
    events: list[EventSchema] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(schema path, why the bench cannot compare it) for schemas left out whole."""
    proto: dict[tuple[str, str], tuple[type, type, str]] = field(default_factory=dict)
    """(schema path, event name) -> (message class, batch class, "shipped" or "derived")."""
    proto_absent: str = ""
    """Why no Protobuf row can be measured (buf missing or failing), or empty."""
    buf_version: str = ""


def _is_schema(path: Path) -> bool:
    try:
        format_of(str(path))  # the schema check's own suffix table
    except SchemaUnreadable:
        return False
    return True


def schema_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "schemas").rglob("*") if p.is_file() and _is_schema(p))


def _module_path(path: str) -> str:
    """Where a schema's .proto sits inside the compiled module: shipped files under their schemas/ path (so their
    imports resolve as in the repository), derived ones under derived/."""
    rel = Path(path).relative_to("schemas")
    return rel.as_posix() if rel.suffix == ".proto" else (Path("derived") / rel.with_suffix(".proto")).as_posix()


def load(root: Path) -> Catalog:
    catalog = Catalog()
    texts: dict[str, str] = {}
    for path in schema_files(root):
        text = (root / path).read_text(encoding="utf-8")
        try:
            kind = format_of(path)
            if kind == "avro":
                catalog.events.append(from_avro(path, text))
            elif kind == "json-schema":
                catalog.events.append(from_json_schema(path, text))
            else:
                texts[path] = text
        except (Unsupported, SchemaUnreadable, ValueError, KeyError, TypeError) as error:
            catalog.unreadable.append((path, str(error)))
    sources = {_module_path(p): t for p, t in texts.items()}
    sources.update({_module_path(e.path): proto_text(e) for e in catalog.events})
    try:
        compiled = compile_protos(root, sources)
    except ProtoUnavailable as error:
        catalog.proto_absent = str(error)
        catalog.unreadable += [(p, f"a .proto is read through buf, which is unavailable: {error}") for p in texts]
        return catalog
    catalog.buf_version = compiled.buf_version
    for path, text in texts.items():
        try:
            catalog.events.extend(from_proto_file(path, text, compiled.files[_module_path(path)]))
        except Unsupported as error:
            catalog.unreadable.append((path, str(error)))
    catalog.events.sort(key=lambda e: (e.path, e.name))
    for event in catalog.events:
        full = f"{event.namespace}.{event.name}" if event.namespace else event.name
        message, batch = compiled.message(full)
        catalog.proto[(event.path, event.name)] = (message, batch, "shipped" if event.source == "protobuf" else "derived")
    return catalog
