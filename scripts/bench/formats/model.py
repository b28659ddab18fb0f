"""One event schema as a flat list of typed fields, read from whichever format it ships in.

The bench compares formats on the same values, so every shipped schema (Avro, JSON Schema or Protobuf) is read
into this neutral model first; the formats it does not ship in are derived from the model (derive.py). Only
what the shipped schemas use, and what maps one-to-one between all four formats, is read: flat records of
strings, 32/64-bit integers, doubles, booleans and string enums, each field required or optional. Anything else
(nested records, arrays, maps, bytes, floats) raises Unsupported naming the field, so the bench reports the
event as absent instead of comparing a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("string", "int", "long", "double", "boolean", "enum")


class Unsupported(Exception):
    """The schema uses a construct the bench cannot map to all four formats without inventing."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    """One of KINDS: the value's type, the same in every format."""
    optional: bool = False
    """The value may be missing: an Avro ["null", T] union, a JSON Schema property not in `required`, a proto3
    `optional` field."""
    symbols: tuple[str, ...] = ()
    """The allowed values of an enum, in declaration order."""
    hint: str = ""
    """What the value means where the schema says so (Avro logicalType, JSON Schema format), for the samples."""
    enum_name: str = ""
    """The enum type's own name (Avro enums are named types)."""


@dataclass(frozen=True)
class EventSchema:
    path: str
    """The schema file relative to the project root, e.g. schemas/orders/order-lifecycle.avsc."""
    source: str
    """The format it ships in: avro, json-schema or protobuf (scripts.schemas.formats.format_of)."""
    name: str
    """The record / message / title name."""
    namespace: str
    """Avro namespace, proto package, or the schema's folder name for JSON Schema."""
    fields: tuple[Field, ...] = field(default_factory=tuple)
    text: str = ""
    """The shipped schema text."""

    @property
    def label(self) -> str:
        return self.path.removeprefix("schemas/")


_AVRO_KINDS = {"string": "string", "int": "int", "long": "long", "double": "double", "boolean": "boolean"}


def _avro_field(spec: dict[str, Any], where: str) -> Field:
    name, kind = spec["name"], spec["type"]
    optional = False
    if isinstance(kind, list):
        branches = [b for b in kind if b != "null"]
        if len(kind) != 2 or len(branches) != 1:
            raise Unsupported(f"{where}: field {name!r}: only a union of null and one type maps to every format")
        optional, kind = True, branches[0]
    hint = ""
    if isinstance(kind, dict):
        if kind.get("type") == "enum":
            return Field(name, "enum", optional, tuple(kind["symbols"]), enum_name=kind["name"])
        hint, kind = kind.get("logicalType", ""), kind.get("type")
    if kind not in _AVRO_KINDS:
        raise Unsupported(f"{where}: field {name!r}: Avro type {kind!r} is not mapped by the bench "
                          f"(supported: {', '.join(_AVRO_KINDS)}, enum, [null, T])")
    return Field(name, _AVRO_KINDS[kind], optional, hint=hint)


def from_avro(path: str, text: str) -> EventSchema:
    schema = json.loads(text)
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise Unsupported(f"{path}: the top level is not an Avro record")
    fields = tuple(_avro_field(f, path) for f in schema["fields"])
    return EventSchema(path, "avro", schema["name"], schema.get("namespace", ""), fields, text)


_JSON_KINDS = {"string": "string", "integer": "long", "number": "double", "boolean": "boolean"}


def _json_field(name: str, spec: dict[str, Any], required: bool, where: str) -> Field:
    kind = spec.get("type")
    optional = not required
    if isinstance(kind, list):
        branches = [k for k in kind if k != "null"]
        if len(branches) != 1:
            raise Unsupported(f"{where}: property {name!r}: only one type (or one type and null) maps to every format")
        optional, kind = optional or "null" in kind, branches[0]
    if "enum" in spec:
        if kind not in (None, "string") or not all(isinstance(s, str) for s in spec["enum"]):
            raise Unsupported(f"{where}: property {name!r}: only string enums map to Avro and Protobuf enums")
        return Field(name, "enum", optional, tuple(spec["enum"]), enum_name=pascal(name))
    if kind not in _JSON_KINDS:
        raise Unsupported(f"{where}: property {name!r}: JSON Schema type {kind!r} is not mapped by the bench "
                          f"(supported: {', '.join(_JSON_KINDS)}, string enums)")
    return Field(name, _JSON_KINDS[kind], optional, hint=spec.get("format", ""))


def from_json_schema(path: str, text: str) -> EventSchema:
    schema = json.loads(text)
    if not isinstance(schema, dict) or schema.get("type") != "object" or not schema.get("properties"):
        raise Unsupported(f"{path}: the top level is not an object schema with properties")
    required = set(schema.get("required") or [])
    fields = tuple(_json_field(n, s, n in required, path) for n, s in schema["properties"].items())
    name = schema.get("title") or pascal(Path(path).stem)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        name = pascal(name)
    return EventSchema(path, "json-schema", name, Path(path).parent.name, fields, text)


def from_proto_file(path: str, text: str, file_proto: Any) -> list[EventSchema]:
    """Each top-level message of a compiled .proto (a FileDescriptorProto, see protobuf.py) is one event."""
    from google.protobuf.descriptor_pb2 import FieldDescriptorProto as F

    kinds = {F.TYPE_STRING: "string", F.TYPE_INT32: "int", F.TYPE_SINT32: "int", F.TYPE_SFIXED32: "int",
             F.TYPE_INT64: "long", F.TYPE_SINT64: "long", F.TYPE_SFIXED64: "long", F.TYPE_DOUBLE: "double",
             F.TYPE_BOOL: "boolean"}
    events = []
    for message in file_proto.message_type:
        fields = []
        for f in message.field:
            if f.label == F.LABEL_REPEATED or f.type not in kinds:
                raise Unsupported(f"{path}: {message.name}.{f.name}: only singular scalar fields (string, signed "
                                  f"integers, double, bool) are mapped by the bench")
            fields.append(Field(f.name, kinds[f.type], optional=f.proto3_optional))
        events.append(EventSchema(path, "protobuf", message.name, file_proto.package, tuple(fields), text))
    return events


def pascal(name: str) -> str:
    """order_status, order-status -> OrderStatus."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)
