"""The measurement: per event schema, payload size and codec, the round trip first, then bytes and timings.

A row whose decode does not give back what was encoded is reported as lossy with the first difference and is
not timed; a codec that cannot run (no schema can be derived, buf missing) is reported as absent with the
reason. Timings are the median over `runs` runs of `timeit` (garbage collection off during a run, as timeit
does), each run calling the codec enough times to last at least `min_run_s`, as microseconds per call.
"""

from __future__ import annotations

import gzip
import statistics
import timeit
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from . import samples
from .catalog import Catalog, load
from .codecs import Absent, Codec, codecs
from .model import EventSchema

GZIP_LEVEL = 6  # the usual HTTP / broker-client default


@dataclass
class Row:
    schema: str
    event: str
    payload: str
    events: int
    format: str
    library: str
    schema_source: str = ""
    bytes: Optional[int] = None
    gzip_bytes: Optional[int] = None
    encode_us: Optional[float] = None
    decode_us: Optional[float] = None
    runs: int = 0
    calls_per_run: int = 0
    status: str = "ok"
    """ok, lossy (decode differs from what was encoded; not timed), error (the codec raised) or absent."""
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    rows: list[Row]
    catalog: Catalog
    codecs: list[Codec]
    batch: int
    runs: int
    min_run_s: float


def canonical(event: EventSchema, value: Any) -> Any:
    """An optional field that is None is the same as one that is missing (Avro and Protobuf cannot tell them
    apart; JSON Schema samples never carry null for it); nothing else is loosened."""
    if isinstance(value, list):
        return [canonical(event, v) for v in value]
    optional = {f.name for f in event.fields if f.optional}
    return {k: v for k, v in value.items() if not (v is None and k in optional)}


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are three different values here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b


def first_difference(expected: Any, got: Any) -> str:
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return f"{len(expected)} events encoded, {len(got)} decoded"
        for index, (a, b) in enumerate(zip(expected, got)):
            if a != b:
                return f"event {index}: {first_difference(a, b)}"
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            a, b = expected.get(key, "<missing>"), got.get(key, "<missing>")
            if a != b or type(a) is not type(b):
                return f"field {key!r}: encoded {a!r}, decoded {b!r}"
    return f"encoded {expected!r}, decoded {got!r}"


def round_trip(event: EventSchema, prepared: Any, records: list[dict[str, Any]], batch: bool) -> tuple[Any, bytes, str]:
    """(the encode input, the bytes, the first difference or "")."""
    value = prepared.input_of(records)
    data = prepared.encode(value)
    expected = canonical(event, records if batch else records[0])
    got = canonical(event, prepared.plain(prepared.decode(data)))
    return value, data, "" if same(expected, got) else first_difference(expected, got)


def median_us(call: Callable[[Any], Any], argument: Any, runs: int, min_run_s: float) -> tuple[float, int]:
    """(median microseconds per call, calls per run): calls per run doubles until a run lasts min_run_s."""
    timer = timeit.Timer(lambda: call(argument))
    number = 1
    while number < 1 << 20 and timer.timeit(number) < min_run_s:
        number *= 2
    times = timer.repeat(repeat=runs, number=number)
    return statistics.median(times) / number * 1e6, number


def measure_row(event: EventSchema, catalog: Catalog, codec: Codec, records: list[dict[str, Any]], batch: bool,
                runs: int, min_run_s: float) -> Row:
    row = Row(event.label, event.name, f"batch of {len(records)}" if batch else "1 event", len(records),
              codec.name, codec.library)
    try:
        prepared = codec.prepare(event, catalog, batch)
    except Absent as error:
        row.status, row.reason = "absent", str(error)
        return row
    row.schema_source = prepared.schema
    try:
        value, data, difference = round_trip(event, prepared, records, batch)
    except Exception as error:  # a codec that cannot carry the values is a finding, reported with its message
        row.status, row.reason = "error", f"{type(error).__name__}: {error}"
        return row
    row.bytes, row.gzip_bytes = len(data), len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))
    if difference:
        row.status, row.reason = "lossy", difference
        return row
    row.encode_us, row.calls_per_run = median_us(prepared.encode, value, runs, min_run_s)
    row.decode_us, _ = median_us(prepared.decode, data, runs, min_run_s)
    row.runs = runs
    return row


def run(root: Path, batch: int = 100, runs: int = 7, min_run_s: float = 0.002,
        step: Callable[[str], None] = lambda message: None) -> Report:
    step("reading schemas/ and compiling the Protobuf messages with buf")
    catalog = load(root)
    rows: list[Row] = []
    table = codecs()
    for event in catalog.events:
        step(f"{event.label} ({event.name}): {len(table)} codecs × 1 event and a batch of {batch}")
        records = samples.events(event, batch)
        for is_batch, payload in ((False, records[:1]), (True, records)):
            rows += [measure_row(event, catalog, codec, payload, is_batch, runs, min_run_s) for codec in table]
    return Report(rows, catalog, table, batch, runs, min_run_s)
