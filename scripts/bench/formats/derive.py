"""The formats an event does not ship a schema in, derived from its neutral model (model.py) by fixed rules.

Rules (tested in tests/test_bench_formats.py):
- Avro from JSON Schema or Protobuf: a record of the same name and namespace, fields in declaration order;
  string/int/long/double/boolean map to the Avro primitive of that name (JSON Schema integer to long, number
  to double); an optional field becomes ["null", T] with default null; a string enum becomes an Avro enum
  named after the field. A JSON Schema `format` (date-time) stays a string: the value is the same text in
  every format, so no format is credited with a denser encoding the schema never asked for.
- Protobuf from Avro or JSON Schema: proto3, package = the Avro namespace (or the schema's folder), one
  message, field numbers 1..n in declaration order; long to int64, int to int32, double, bool, string; an
  optional field becomes a proto3 `optional` field (explicit presence, so "absent" survives); an enum gets
  `<ENUM>_UNSPECIFIED = 0` (proto3 requires a zero value; it is never sent) and its symbols, prefixed with the
  enum's name in UPPER_SNAKE (proto enum values share their package's scope), numbered from 1.
- XML (no schema language shipped, none derived): one element per event named after the record, one child
  element per present field named after it, text in the value's canonical form (codecs.py).
- Avro as shipped: logicalType annotations are dropped before encoding. The bytes are the same (a logical
  type only annotates the underlying long), but the Avro libraries would hand back datetime objects where JSON,
  XML and Protobuf give back the epoch milliseconds that were written; the comparison keeps one value.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .model import EventSchema, Field, pascal

_AVRO_TYPES = {"string": "string", "int": "int", "long": "long", "double": "double", "boolean": "boolean"}
_PROTO_TYPES = {"string": "string", "int": "int32", "long": "int64", "double": "double", "boolean": "bool"}


def strip_logical_types(schema: Any) -> Any:
    """The schema without logicalType annotations (the encoding is unchanged; see the module docstring)."""
    if isinstance(schema, dict):
        out = {k: strip_logical_types(v) for k, v in schema.items() if k != "logicalType"}
        if set(out) == {"type"} and isinstance(out["type"], str):
            return out["type"]
        return out
    if isinstance(schema, list):
        return [strip_logical_types(s) for s in schema]
    return copy.deepcopy(schema)


def _avro_field(f: Field) -> dict[str, Any]:
    kind: Any = ({"type": "enum", "name": f.enum_name or pascal(f.name), "symbols": list(f.symbols)}
                 if f.kind == "enum" else _AVRO_TYPES[f.kind])
    if f.optional:
        return {"name": f.name, "type": ["null", kind], "default": None}
    return {"name": f.name, "type": kind}


def avro_schema(event: EventSchema) -> tuple[dict[str, Any], str]:
    """(the Avro record schema the bench encodes with, "shipped" or "derived")."""
    if event.source == "avro":
        return strip_logical_types(json.loads(event.text)), "shipped"
    schema: dict[str, Any] = {"type": "record", "name": event.name}
    if event.namespace:
        schema["namespace"] = event.namespace
    schema["fields"] = [_avro_field(f) for f in event.fields]
    return schema, "derived"


def enum_value_name(f: Field, symbol: str) -> str:
    return f"{_upper_snake(f.enum_name or pascal(f.name))}_{_upper_snake(symbol)}"


def proto_text(event: EventSchema) -> str:
    """A proto3 file for an event shipped as Avro or JSON Schema (the shipped .proto is used as it is)."""
    lines = ['syntax = "proto3";', ""]
    if event.namespace:
        lines += [f"package {event.namespace};", ""]
    lines += [f"// Derived from {event.path} by scripts/bench/formats/derive.py for the format comparison;",
              "// not a shipped contract.", ""]
    for f in event.fields:
        if f.kind == "enum":
            enum = f.enum_name or pascal(f.name)
            lines.append(f"enum {enum} {{")
            lines.append(f"  {_upper_snake(enum)}_UNSPECIFIED = 0;")
            lines += [f"  {enum_value_name(f, s)} = {i};" for i, s in enumerate(f.symbols, start=1)]
            lines += ["}", ""]
    lines.append(f"message {event.name} {{")
    for number, f in enumerate(event.fields, start=1):
        kind = (f.enum_name or pascal(f.name)) if f.kind == "enum" else _PROTO_TYPES[f.kind]
        lines.append(f"  {'optional ' if f.optional else ''}{kind} {f.name} = {number};")
    lines += ["}", ""]
    return "\n".join(lines)


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace("-", "_").upper()
