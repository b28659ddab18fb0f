"""The payload format comparison (scripts/bench/formats): every format gives back what it was given on every
shipped event schema, the derived schemas follow their documented rules, samples and sizes are deterministic,
and a lossy or absent format is reported instead of timed. No test here asserts a speed."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from scripts.bench.formats import samples
from scripts.bench.formats.__main__ import main, tables
from scripts.bench.formats.catalog import load, schema_files
from scripts.bench.formats.codecs import codecs
from scripts.bench.formats.derive import avro_schema, proto_text, strip_logical_types
from scripts.bench.formats.measure import measure_row, round_trip, run, same
from scripts.bench.formats.model import EventSchema, Field, Unsupported, from_avro, from_json_schema

from .conftest import ROOT

needs_buf = pytest.mark.skipif(not (ROOT / "node_modules" / ".bin" / "buf").exists(),
                               reason="buf is installed by `npm ci` (make setup)")
SHIPPED = schema_files(ROOT)
CODECS = [c.name for c in codecs()]


@pytest.fixture(scope="module")
def catalog():
    return load(ROOT)


def events_of(catalog, path):
    found = [e for e in catalog.events if e.path == path]
    assert found, f"{path} was not read: {catalog.unreadable}"
    return found


def test_the_shipped_schemas_are_the_ones_schemas_check_judges():
    assert {Path(p).suffix for p in SHIPPED} == {".avsc", ".json", ".proto"}, SHIPPED
    assert all(p.startswith("schemas/") for p in SHIPPED)


@needs_buf
def test_every_shipped_schema_is_read(catalog):
    assert catalog.unreadable == [] and catalog.proto_absent == ""
    assert sorted({e.path for e in catalog.events}) == SHIPPED
    assert catalog.buf_version, "the buf version is named in the output"


@needs_buf
@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize("codec_name", CODECS)
@pytest.mark.parametrize("path", SHIPPED)
def test_each_format_round_trips_each_shipped_schema(catalog, path, codec_name, batch):
    codec = next(c for c in codecs() if c.name == codec_name)
    for event in events_of(catalog, path):
        records = samples.events(event, 20)
        prepared = codec.prepare(event, catalog, batch)
        _, data, difference = round_trip(event, prepared, records if batch else records[:1], batch)
        assert difference == "", f"{codec_name} on {path}: {difference}"
        assert len(data) > 0
        expected_origin = "none" if codec.format in ("JSON", "XML") else (
            "shipped" if {"Avro": "avro", "Protobuf": "protobuf"}[codec.format] == event.source else "derived")
        assert prepared.schema == expected_origin


@needs_buf
def test_sizes_are_positive_and_the_same_on_every_run(catalog):
    def sizes():
        out = {}
        for event in catalog.events:
            records = samples.events(event, 10)
            for codec in codecs():
                prepared = codec.prepare(event, catalog, True)
                data = prepared.encode(prepared.input_of(records))
                out[(event.path, codec.name)] = (data, gzip.compress(data, mtime=0))
        return out

    first, second = sizes(), sizes()
    assert first == second
    assert all(len(data) > 0 and len(packed) > 0 for data, packed in first.values())


@pytest.mark.slow  # a fresh interpreter
@needs_buf
def test_sizes_do_not_depend_on_the_process(tmp_path):
    """Another interpreter with another hash seed measures the same bytes (a str seed, no set iteration)."""
    env = dict(os.environ, PYTHONHASHSEED="12345")
    command = [sys.executable, "-m", "scripts.bench.formats", "--json", "--runs", "1", "--min-run-ms", "0",
               "--batch", "4"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    theirs = {(r["schema"], r["payload"], r["format"]): (r["bytes"], r["gzip_bytes"])
              for r in json.loads(done.stdout)["rows"]}
    ours = {(r.schema, r.payload, r.format): (r.bytes, r.gzip_bytes)
            for r in run(ROOT, batch=4, runs=1, min_run_s=0).rows}
    assert theirs == ours
    assert all(b and g for b, g in ours.values())


@needs_buf
def test_the_table_has_a_row_per_format_per_schema_and_payload(catalog, capsys, monkeypatch):
    report = run(ROOT, batch=3, runs=1, min_run_s=0)
    keys = [(r.schema, r.event, r.payload, r.format) for r in report.rows]
    expected = [(e.label, e.name, payload, name) for e in catalog.events
                for payload in ("1 event", "batch of 3") for name in CODECS]
    assert sorted(keys) == sorted(expected) and len(set(keys)) == len(keys)
    assert all(r.status == "ok" and r.runs == 1 and r.calls_per_run >= 1 and r.encode_us is not None
               and r.decode_us is not None for r in report.rows), [r for r in report.rows if r.status != "ok"]
    rendered = tables(report)
    assert [t.row_count for t, _ in rendered] == [2 * len(CODECS)] * len(catalog.events)
    monkeypatch.setattr("scripts.bench.formats.__main__.run", lambda *args, **kwargs: report)
    main([])
    out = capsys.readouterr().out
    for event in catalog.events:
        assert event.label in out
    for library in {c.library for c in codecs()}:
        assert library in out
    assert "over 1 runs" in out and "What these numbers do not show" in out


# ---- a format that loses data is reported, not timed --------------------------------------------------------

NOTE = EventSchema("schemas/t/note.avsc", "avro", "Note", "t", (Field("id", "string"), Field("body", "string")),
                   json.dumps({"type": "record", "name": "Note", "namespace": "t",
                               "fields": [{"name": "id", "type": "string"}, {"name": "body", "type": "string"}]}))


def codec(name):
    return next(c for c in codecs() if c.name == name)


def test_xml_line_endings_are_reported_lossy_and_not_timed(catalog):
    # an XML parser normalises CR LF in text to LF (XML 1.0, 2.11): the value that arrives is not the one sent
    records = [{"id": "n-1", "body": "line one\r\nline two"}]
    row = measure_row(NOTE, catalog, codec("XML"), records, False, runs=1, min_run_s=0)
    assert row.status == "lossy" and "'body'" in row.reason and "\\r\\n" in row.reason
    assert row.encode_us is None and row.decode_us is None and row.runs == 0
    assert row.bytes and row.gzip_bytes  # the size is still reported
    ok = measure_row(NOTE, catalog, codec("JSON"), records, False, runs=1, min_run_s=0)
    assert ok.status == "ok" and ok.encode_us is not None


def test_a_value_the_schema_cannot_carry_is_an_error_row(catalog):
    row = measure_row(NOTE, catalog, codec("Avro"), [{"id": "n-1", "body": 42}], False, runs=1, min_run_s=0)
    assert row.status == "error" and row.encode_us is None and row.bytes is None


def test_type_changes_count_as_differences():
    assert same({"a": 1, "b": [1.5]}, {"b": [1.5], "a": 1})
    assert not same({"a": 1}, {"a": 1.0}) and not same({"a": 1}, {"a": True}) and not same([{"a": 1}], [{"a": 1}, {}])


def test_without_buf_the_protobuf_rows_are_absent_with_the_reason(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # neither node_modules nor buf on PATH
    catalog = load(tmp_path)
    assert "buf not found" in catalog.proto_absent
    assert [p for p, _ in catalog.unreadable] == [p for p in SHIPPED if p.endswith(".proto")]
    event = catalog.events[0]
    row = measure_row(event, catalog, codec("Protobuf (dicts)"), samples.events(event, 1), False, 1, 0)
    assert row.status == "absent" and "npm ci" in row.reason and row.bytes is None


# ---- derivation rules ----------------------------------------------------------------------------------------


@needs_buf
def test_protobuf_is_derived_from_avro_by_the_documented_rules(catalog):
    event = events_of(catalog, "schemas/orders/order-lifecycle.avsc")[0]
    text = proto_text(event)
    assert "package com.example.orders;" in text
    assert ("enum OrderStatus {\n  ORDER_STATUS_UNSPECIFIED = 0;\n  ORDER_STATUS_CREATED = 1;\n  ORDER_STATUS_PAID = 2;\n"
            "  ORDER_STATUS_SHIPPED = 3;\n  ORDER_STATUS_CANCELLED = 4;\n}") in text
    assert ("message OrderLifecycleEvent {\n  string order_id = 1;\n  OrderStatus status = 2;\n  int64 occurred_at = 3;\n"
            "  string idempotency_key = 4;\n  optional string channel = 5;\n}") in text
    message = catalog.proto[(event.path, event.name)][0]
    assert message.DESCRIPTOR.fields_by_name["channel"].has_presence  # "absent" survives the wire


def test_avro_is_derived_from_json_schema_by_the_documented_rules():
    path = "schemas/shipments/shipment-dispatched.json"
    event = from_json_schema(path, (ROOT / path).read_text())
    schema, origin = avro_schema(event)
    assert origin == "derived"
    assert schema == {"type": "record", "name": "ShipmentDispatched", "namespace": "shipments", "fields": [
        {"name": "shipment_id", "type": "string"}, {"name": "order_id", "type": "string"},
        {"name": "dispatched_at", "type": "string"},  # a date-time stays the same text in every format
        {"name": "carrier", "type": ["null", "string"], "default": None}]}


@needs_buf
def test_avro_is_derived_from_protobuf_by_the_documented_rules(catalog):
    event = events_of(catalog, "schemas/telemetry/plant-reading.proto")[0]
    schema, origin = avro_schema(event)
    assert origin == "derived" and schema["namespace"] == "telemetry.v1"
    assert [(f["name"], f["type"]) for f in schema["fields"]] == [
        ("sensor_id", "string"), ("observed_at_ms", "long"), ("value", "double"), ("unit", "string")]


def test_dropping_logical_types_keeps_the_avro_bytes():
    import fastavro

    path = ROOT / "schemas" / "orders" / "order-lifecycle.avsc"
    shipped = json.loads(path.read_text())
    stripped = strip_logical_types(shipped)
    assert "logicalType" not in json.dumps(stripped)
    record = samples.events(from_avro(str(path.relative_to(ROOT)), path.read_text()), 1)[0]
    encoded = []
    for schema in (shipped, stripped):
        out = io.BytesIO()
        fastavro.schemaless_writer(out, fastavro.parse_schema(schema), record)
        encoded.append(out.getvalue())
    assert encoded[0] == encoded[1]
    # why it is dropped: the annotated reader hands back a datetime, not the milliseconds that were written
    shipped_read = fastavro.schemaless_reader(io.BytesIO(encoded[0]), fastavro.parse_schema(shipped), None)
    assert isinstance(shipped_read["occurred_at"], datetime)


@pytest.mark.parametrize("text, fragment", [
    (json.dumps({"type": "record", "name": "R", "fields": [{"name": "tags", "type": {"type": "array", "items": "string"}}]}),
     "field 'tags'"),
    (json.dumps({"type": "record", "name": "R", "fields": [{"name": "x", "type": ["null", "string", "long"]}]}),
     "field 'x'"),
    (json.dumps({"type": "record", "name": "R", "fields": [{"name": "f", "type": "float"}]}), "'float'"),
])
def test_avro_constructs_the_bench_cannot_map_are_refused(text, fragment):
    with pytest.raises(Unsupported, match=fragment):
        from_avro("schemas/x/r.avsc", text)


def test_json_schema_constructs_the_bench_cannot_map_are_refused():
    nested = {"type": "object", "properties": {"address": {"type": "object", "properties": {}}}}
    with pytest.raises(Unsupported, match="property 'address'"):
        from_json_schema("schemas/x/r.json", json.dumps(nested))


@needs_buf
def test_an_unmappable_schema_is_listed_absent_and_the_rest_still_compared(tmp_path):
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    (tmp_path / "schemas" / "x").mkdir()
    (tmp_path / "schemas" / "x" / "batch.proto").write_text(
        'syntax = "proto3";\npackage x.v1;\nmessage Readings {\n  repeated double values = 1;\n}\n')
    catalog = load(tmp_path)
    assert [(p, "Readings.values" in reason) for p, reason in catalog.unreadable] == [("schemas/x/batch.proto", True)]
    assert sorted({e.path for e in catalog.events}) == SHIPPED


# ---- samples --------------------------------------------------------------------------------------------------


@needs_buf
def test_samples_are_valid_under_the_shipped_schemas_and_realistic(catalog):
    import fastavro.validation

    for event in catalog.events:
        records = samples.events(event, 100)
        assert records[:5] == samples.events(event, 5), "a smaller payload is the start of the same stream"
        if event.source == "avro":
            assert fastavro.validation.validate_many(records, fastavro.parse_schema(json.loads(event.text)))
        if event.source == "json-schema":
            import jsonschema

            jsonschema.Draft7Validator(json.loads(event.text)).validate(records[0])
            for record in records:
                jsonschema.Draft7Validator(json.loads(event.text)).validate(record)
                assert datetime.fromisoformat(record["dispatched_at"].replace("Z", "+00:00")).year == 2026
        for f in event.fields:
            values = [r.get(f.name) for r in records]
            if f.optional:
                assert None in values and any(v is not None for v in values), f"{event.name}.{f.name}"
            else:
                assert None not in values
            if f.name.endswith(("_at", "_at_ms")) and f.kind == "long":
                assert all(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp() * 1000 <= v
                           < datetime(2026, 2, 2, tzinfo=timezone.utc).timestamp() * 1000 for v in values)
