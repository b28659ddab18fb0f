"""Each format through a well-kept library, from the events an application holds (dicts) to bytes and back.

A codec prepares once per (event schema, single or batch): schemas are parsed and classes built outside the
timed calls, as a long-running producer would. A single event is one record; a batch is the format's own list:
a JSON array, an XML element with one child per event, an Avro array of the record (schemaless, as a
registry-backed producer writes it), a Protobuf `<Message>Batch` with a repeated field.

Decode ends where the application can read typed values: JSON and Avro give dicts; XML element text is
untyped, so its decode converts each field by the schema's type; Protobuf gives message objects, and its two
rows differ there: "dicts" converts to and from the same dicts as the other formats (the mapping cost an
application pays when its model is not the generated class), "messages" times serialise and parse alone, with
the messages built beforehand.
"""

from __future__ import annotations

import io
import json
import platform
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, Callable

from .catalog import Catalog
from .derive import avro_schema
from .model import EventSchema


class Absent(Exception):
    """The codec cannot run for this schema; the row says why."""


@dataclass(frozen=True)
class Prepared:
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]
    schema: str
    """Where the format's schema came from: shipped, derived, or none (JSON and XML need none)."""
    input_of: Callable[[list[dict[str, Any]]], Any]
    """The events as the codec's encode takes them (built outside the timing)."""
    plain: Callable[[Any], Any]
    """What decode returned, as dicts, for the round-trip check only (outside the timing)."""


def _one_or_all(batch: bool) -> Callable[[list[dict[str, Any]]], Any]:
    return (lambda events: list(events)) if batch else (lambda events: events[0])


def _same(decoded: Any) -> Any:
    return decoded


@dataclass(frozen=True)
class Codec:
    format: str
    variant: str
    library: str
    prepare: Callable[[EventSchema, Catalog, bool], Prepared]

    @property
    def name(self) -> str:
        return f"{self.format} ({self.variant})" if self.variant else self.format


# ---- JSON ---------------------------------------------------------------------------------------------------


def _json_stdlib(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    def encode(value: Any) -> bytes:  # compact, as services send it; ensure_ascii=False keeps UTF-8 as UTF-8
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    return Prepared(encode, json.loads, "none", _one_or_all(batch), _same)


def _json_orjson(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    import orjson

    return Prepared(orjson.dumps, orjson.loads, "none", _one_or_all(batch), _same)


# ---- XML ----------------------------------------------------------------------------------------------------


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # xs:boolean
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same double
    return str(value)


_XML_PARSE: dict[str, Callable[[str], Any]] = {
    "string": str, "enum": str, "int": int, "long": int, "double": float, "boolean": lambda t: t == "true"}


def _xml_etree(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    order = [f.name for f in event.fields]
    parse = {f.name: _XML_PARSE[f.kind] for f in event.fields}
    Element, SubElement = ET.Element, ET.SubElement

    def element(record: dict[str, Any], parent: Any = None) -> Any:
        node = Element(event.name) if parent is None else SubElement(parent, event.name)
        for name in order:
            item = record.get(name)
            if item is not None:  # a missing value is a missing element
                SubElement(node, name).text = _xml_text(item)
        return node

    def read(node: Any) -> dict[str, Any]:
        return {child.tag: parse[child.tag](child.text or "") for child in node}

    if batch:
        def encode(records: list[dict[str, Any]]) -> bytes:
            root = Element(f"{event.name}Batch")
            for record in records:
                element(record, root)
            return ET.tostring(root, encoding="utf-8")

        def decode(data: bytes) -> Any:
            return [read(node) for node in ET.fromstring(data)]
    else:
        def encode(record: dict[str, Any]) -> bytes:
            return ET.tostring(element(record), encoding="utf-8")

        def decode(data: bytes) -> Any:
            return read(ET.fromstring(data))
    return Prepared(encode, decode, "none", _one_or_all(batch), _same)


# ---- Avro ---------------------------------------------------------------------------------------------------


def _fastavro(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    import fastavro

    record, origin = avro_schema(event)
    parsed = fastavro.parse_schema({"type": "array", "items": record} if batch else record)
    writer, reader, BytesIO = fastavro.schemaless_writer, fastavro.schemaless_reader, io.BytesIO

    def encode(value: Any) -> bytes:
        out = BytesIO()
        writer(out, parsed, value)
        return out.getvalue()

    def decode(data: bytes) -> Any:
        return reader(BytesIO(data), parsed, None)

    return Prepared(encode, decode, origin, _one_or_all(batch), _same)


def _apache_avro(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    import avro.io
    import avro.schema

    record, origin = avro_schema(event)
    parsed = avro.schema.parse(json.dumps({"type": "array", "items": record} if batch else record))
    writer, reader = avro.io.DatumWriter(parsed), avro.io.DatumReader(parsed)
    Encoder, Decoder, BytesIO = avro.io.BinaryEncoder, avro.io.BinaryDecoder, io.BytesIO

    def encode(value: Any) -> bytes:
        out = BytesIO()
        writer.write(value, Encoder(out))
        return out.getvalue()

    def decode(data: bytes) -> Any:
        return reader.read(Decoder(BytesIO(data)))

    return Prepared(encode, decode, origin, _one_or_all(batch), _same)


# ---- Protobuf -----------------------------------------------------------------------------------------------


def _proto_mapping(event: EventSchema, catalog: Catalog) -> tuple[type, type, str, Callable, Callable]:
    if catalog.proto_absent:
        raise Absent(catalog.proto_absent)
    if (event.path, event.name) not in catalog.proto:
        raise Absent(f"no message class for {event.name}")
    message, batch_class, origin = catalog.proto[(event.path, event.name)]
    # a derived enum numbers its symbols from 1 (derive.py); the dicts carry the symbols
    to_number = {f.name: {s: i for i, s in enumerate(f.symbols, start=1)} for f in event.fields if f.kind == "enum"}
    to_symbol = {name: {i: s for s, i in numbers.items()} for name, numbers in to_number.items()}
    required = [f.name for f in event.fields if not f.optional and f.name not in to_number]
    optional = [f.name for f in event.fields if f.optional and f.name not in to_number]
    enums = [(f.name, f.optional) for f in event.fields if f.name in to_number]

    def build(record: dict[str, Any]) -> Any:
        values = {k: v for k, v in record.items() if v is not None}
        for name, numbers in to_number.items():
            if name in values:
                values[name] = numbers[values[name]]
        return message(**values)

    def plain(parsed: Any) -> dict[str, Any]:
        out = {name: getattr(parsed, name) for name in required}
        for name in optional:
            if parsed.HasField(name):
                out[name] = getattr(parsed, name)
        for name, is_optional in enums:
            if not is_optional or parsed.HasField(name):
                out[name] = to_symbol[name].get(getattr(parsed, name), getattr(parsed, name))
        return out

    return message, batch_class, origin, build, plain


def _protobuf_dicts(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    message, batch_class, origin, build, plain = _proto_mapping(event, catalog)
    if batch:
        def encode(records: list[dict[str, Any]]) -> bytes:
            return batch_class(events=[build(r) for r in records]).SerializeToString()

        def decode(data: bytes) -> Any:
            return [plain(m) for m in batch_class.FromString(data).events]
    else:
        def encode(record: dict[str, Any]) -> bytes:
            return build(record).SerializeToString()

        def decode(data: bytes) -> Any:
            return plain(message.FromString(data))
    return Prepared(encode, decode, origin, _one_or_all(batch), _same)


def _protobuf_messages(event: EventSchema, catalog: Catalog, batch: bool) -> Prepared:
    message, batch_class, origin, build, plain = _proto_mapping(event, catalog)
    if batch:
        return Prepared(batch_class.SerializeToString, batch_class.FromString, origin,
                        lambda events: batch_class(events=[build(r) for r in events]),
                        lambda parsed: [plain(m) for m in parsed.events])
    return Prepared(message.SerializeToString, message.FromString, origin, lambda events: build(events[0]), plain)


# ---- the rows -----------------------------------------------------------------------------------------------


def _protobuf_library() -> str:
    from google.protobuf.internal import api_implementation

    return f"protobuf {version('protobuf')} ({api_implementation.Type()})"


def codecs() -> list[Codec]:
    """The rows of every table, in order. Versions are read from the installed distributions."""
    python = f"Python {platform.python_version()}"
    return [
        Codec("JSON", "", f"json (stdlib, {python})", _json_stdlib),
        Codec("JSON", "orjson", f"orjson {version('orjson')}", _json_orjson),
        Codec("XML", "", f"xml.etree (stdlib, {python})", _xml_etree),
        Codec("Avro", "", f"fastavro {version('fastavro')}", _fastavro),
        Codec("Avro", "apache", f"avro {version('avro')} (Apache, pure Python)", _apache_avro),
        Codec("Protobuf", "dicts", _protobuf_library(), _protobuf_dicts),
        Codec("Protobuf", "messages", _protobuf_library(), _protobuf_messages),
    ]
