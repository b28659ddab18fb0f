"""Realistic sample events for a schema, the same on every run and machine (a fixed seed, per schema).

Values follow the field's type and what the schema says it means (an Avro timestamp-millis, a JSON Schema
date-time), then its name for the common cases in the shipped schemas (ids are UUIDs, currencies ISO 4217
codes, amounts in minor units, readings with three decimals, units and carriers from short real lists); any
other field gets a value of its type. Timestamps fall in January 2026, never today's date. An optional field
is missing in about a quarter of the events: a missing JSON Schema property is left out (the schema does not
allow null), a missing Avro or Protobuf value is None.
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import datetime, timezone
from typing import Any

from .model import EventSchema, Field

SEED = 20260101  # fixed: changing it changes every figure in docs/performance.md
EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
MONTH_MS = 31 * 24 * 3600 * 1000

_CHOICES = {
    "currency": ("EUR", "USD", "GBP", "CHF", "JPY", "SEK"),
    "unit": ("degC", "bar", "rpm", "kWh", "m3/h", "pH"),
    "carrier": ("DHL", "UPS", "FedEx", "PostNL", "DPD", "GLS"),
    "channel": ("web", "mobile", "store", "partner-api", "call-centre"),
}


def _timestamp_ms(rng: random.Random) -> int:
    return EPOCH_MS + rng.randrange(MONTH_MS)


def _string(rng: random.Random, f: Field) -> str:
    name = f.name.lower()
    if f.hint == "date-time":
        moment = datetime.fromtimestamp(_timestamp_ms(rng) / 1000, tz=timezone.utc)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if name in _CHOICES:
        return rng.choice(_CHOICES[name])
    if name == "sensor_id":
        return f"plant-{rng.randint(1, 9):02d}/line-{rng.randint(1, 12)}/sensor-{rng.randint(1, 400):03d}"
    if name == "id" or name.endswith(("_id", "_key")):
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 16)))


def _integer(rng: random.Random, f: Field) -> int:
    name = f.name.lower()
    if f.kind == "long" and (f.hint.startswith("timestamp") or name.endswith(("_at", "_ms", "_at_ms"))):
        return _timestamp_ms(rng)
    if "amount" in name or name.endswith("_minor"):
        return rng.randint(100, 2_500_000)
    return rng.randint(0, 2**31 - 1) if f.kind == "int" else rng.randint(0, 2**53)


def value(rng: random.Random, f: Field) -> Any:
    if f.kind == "string":
        return _string(rng, f)
    if f.kind in ("int", "long"):
        return _integer(rng, f)
    if f.kind == "double":
        return round(rng.uniform(-40.0, 400.0), 3)
    if f.kind == "boolean":
        return rng.random() < 0.5
    return rng.choice(f.symbols)


def events(schema: EventSchema, count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """`count` events; the first n are the same for any count >= n (one stream per schema)."""
    rng = random.Random(f"{seed}/{schema.path}/{schema.name}")  # a str seed hashes the same in every process
    out = []
    for _ in range(count):
        event: dict[str, Any] = {}
        for f in schema.fields:
            missing = f.optional and rng.random() < 0.25
            item = value(rng, f)  # drawn even when missing, so one field's absence does not shift the others
            if not missing:
                event[f.name] = item
            elif schema.source != "json-schema":
                event[f.name] = None
        out.append(event)
    return out
