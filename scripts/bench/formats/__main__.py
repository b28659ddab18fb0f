"""`python -m scripts.bench.formats [--batch 100] [--runs 7] [--json]`: JSON, XML, Avro and Protobuf on the
environment's own event schemas: bytes (raw and gzip) and encode/decode microseconds, a table per schema.

Figures are reported, never asserted: they depend on the machine. See docs/performance.md ("Payload formats").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scripts.progress import Progress

from .measure import Report, Row, run

ROOT = Path(__file__).resolve().parents[3]

NOT_SHOWN = (
    "What these numbers do not show:",
    "- Schema evolution: Avro needs the writer's schema to read (a registry, or the container file's header) and "
    "resolves renamed/defaulted fields by name; Protobuf reads old and new bytes by field number without the "
    "writer's schema; JSON and XML carry field names in every payload and evolve by convention "
    "(`hybrid schemas check` judges the shipped schemas' compatibility).",
    "- Tooling and reach: JSON is read by every language, gateway and log tool as it is; Protobuf and Avro need "
    "generated classes or a schema at both ends; XML brings XSD, XPath and signatures where partners require them.",
    "- Human readability: JSON and XML can be read in a log line or a dead-letter queue; Avro and Protobuf need "
    "the schema and a tool to inspect a message.",
    "- Wire framing: a registry-backed Avro or Protobuf message adds its schema id (5 bytes in the Confluent "
    "framing); an Avro container file adds the whole schema once per file; CloudEvents or broker headers add the "
    "same to every format.",
    "- Other languages and libraries: these are CPython figures on one machine; a JVM or Go service, lxml, or "
    "a generated Avro class would move them. Time per call includes a Python lambda call (well under 0.1 µs).",
)


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def tables(report: Report) -> list[tuple[Table, list[str]]]:
    """A table per event schema, with the reasons for rows that were not timed listed under it."""
    out = []
    by_schema: dict[tuple[str, str], list[Row]] = {}
    for row in report.rows:
        by_schema.setdefault((row.schema, row.event), []).append(row)
    sources = {(e.label, e.name): e.source for e in report.catalog.events}
    for (schema, event), rows in by_schema.items():
        table = Table(title=f"{schema} ({event}), shipped as {sources.get((schema, event), '?')}: median µs per call "
                            f"over {report.runs} runs (runs × calls per run), gzip level 6")
        for column in ("payload", "format", "library", "schema", "bytes", "gzip", "vs JSON", "encode µs",
                       "decode µs", "runs"):
            table.add_column(column, justify="left" if column in ("payload", "format", "library", "schema") else "right")
        json_bytes = {r.payload: r.bytes for r in rows if r.format == "JSON"}
        notes: list[str] = []
        for row in rows:
            base = json_bytes.get(row.payload)
            ratio = f"{row.bytes / base:.2f}×" if row.bytes and base else ""
            if row.status == "ok":
                timing = [_number(row.encode_us, 2 if row.encode_us < 10 else 1),
                          _number(row.decode_us, 2 if row.decode_us < 10 else 1), f"{row.runs}×{row.calls_per_run}"]
            else:
                note = f"{row.status}: {row.reason}"
                if note not in notes:
                    notes.append(note)
                timing = [f"{row.status} [{notes.index(note) + 1}]", "", ""]
            table.add_row(row.payload, row.format, row.library, row.schema_source,
                          "" if row.bytes is None else f"{row.bytes:,}",
                          "" if row.gzip_bytes is None else f"{row.gzip_bytes:,}", ratio, *timing)
        out.append((table, [f"[{i}] {n}" for i, n in enumerate(notes, start=1)]))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.formats", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=100, help="events in the batch payload (default 100)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure; the median is shown (default 7)")
    parser.add_argument("--min-run-ms", type=float, default=2.0,
                        help="each run repeats the call until it lasts this long (default 2 ms)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    if args.batch < 1 or args.runs < 1 or args.min_run_ms < 0:
        parser.error("--batch and --runs must be at least 1, --min-run-ms at least 0")
    with Progress("format comparison") as progress:
        report = run(ROOT, batch=args.batch, runs=args.runs, min_run_s=args.min_run_ms / 1000, step=progress.step)
        progress.done(f"{len(report.rows)} rows over {len(report.catalog.events)} event schemas")
    if args.json:
        print(json.dumps({"buf": report.catalog.buf_version, "runs": report.runs,
                          "unreadable": report.catalog.unreadable, "rows": [r.as_dict() for r in report.rows]},
                         indent=2))
        return
    console = Console(width=max(Console().width, 160))  # a readable table even when piped
    for table, notes in tables(report):
        console.print(table)
        for note in notes:
            console.print(note, markup=False, highlight=False)
    for path, reason in report.catalog.unreadable:
        console.print(f"absent: {path}: {reason}", markup=False, highlight=False)
    if report.catalog.buf_version:
        console.print(f"Protobuf classes built at run time from descriptors written by buf {report.catalog.buf_version}"
                      " (derived .proto files: scripts/bench/formats/derive.py).", markup=False, highlight=False)
    console.print("\n".join(NOT_SHOWN), markup=False, highlight=False)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
