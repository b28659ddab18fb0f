"""One checker per schema format, each a real library: Apache Avro's own compatibility checker, `buf breaking`
for Protobuf and `json-schema-diff` for JSON Schema (both from the project's node_modules).

Each returns a list of explanations (empty means compatible) and raises SchemaUnreadable for a schema the
library cannot parse.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .modes import Direction


class SchemaUnreadable(Exception):
    """The schema text cannot be parsed by its format's library."""


class ToolMissing(Exception):
    """A required command-line tool is not installed (run `npm ci` in the project root)."""


def format_of(path: str) -> str:
    suffix = Path(path).suffix
    formats = {".avsc": "avro", ".proto": "protobuf", ".json": "json-schema"}
    if suffix not in formats:
        raise SchemaUnreadable(f"{path}: unknown schema format {suffix!r}; expected .avsc, .proto or .json")
    return formats[suffix]


# ---- Avro --------------------------------------------------------------------------------------------------

_AVRO_RULES = {
    "reader_field_missing_default_value": "a field the reader expects has no default, so data without it cannot be read",
    "type_mismatch": "the field's type changed to one Avro cannot promote",
    "name_mismatch": "the record, enum or fixed name changed",
    "missing_enum_symbols": "enum symbols the writer may send are missing for the reader",
    "missing_union_branch": "a union branch the writer may send is missing for the reader",
    "fixed_size_mismatch": "a fixed type changed size",
}


def _parse_avro(text: str, label: str):
    import avro.errors
    import avro.schema

    try:
        return avro.schema.parse(text)
    except (avro.errors.AvroException, json.JSONDecodeError, ValueError, TypeError) as error:
        raise SchemaUnreadable(f"{label}: not a valid Avro schema ({error})") from None


def avro_breaks(old: str, new: str, direction: Direction, path: str) -> list[str]:
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

    old_schema, new_schema = _parse_avro(old, f"{path} (previous)"), _parse_avro(new, path)
    reader, writer = (new_schema, old_schema) if direction.reader_is_new else (old_schema, new_schema)
    result = ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    if result.compatibility is SchemaCompatibilityType.compatible:
        return []
    who = ("consumers on the new schema cannot read data written with the previous one" if direction.reader_is_new
           else "consumers still on the previous schema cannot read data written with the new one")
    kinds = sorted({i.value for i in result.incompatibilities})
    details = "; ".join(_AVRO_RULES.get(k, k.replace("_", " ")) for k in kinds)
    fields = ", ".join(sorted(str(m) for m in result.messages))
    where = ", ".join(sorted(result.locations))
    return [f"{direction.name}: field(s) {fields} at {where}: {details} ({who})"]


# ---- Protobuf (buf) ---------------------------------------------------------------------------------------


def _tool(root: Path, name: str) -> str:
    local = root / "node_modules" / ".bin" / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise ToolMissing(f"{name} not found: run `npm ci` in {root} (package.json pins it)")
    return found


def protobuf_breaks(old: str, new: str, direction: Direction, path: str, root: Path) -> list[str]:
    """`buf breaking` with the WIRE_JSON rules: what breaks decoding of bytes or JSON already in flight."""
    buf = _tool(root, "buf")
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {}
        for label, text in (("old", old), ("new", new)):
            target = Path(tmp) / label
            (target / Path(path).name).parent.mkdir(parents=True, exist_ok=True)
            (target / Path(path).name).write_text(text)
            (target / "buf.yaml").write_text("version: v2\nbreaking:\n  use: [WIRE_JSON]\n")
            dirs[label] = target
        for label in ("old", "new"):
            built = subprocess.run([buf, "build", str(dirs[label])], capture_output=True, text=True, timeout=120)
            if built.returncode != 0:
                raise SchemaUnreadable(f"{path}{' (previous)' if label == 'old' else ''}: not valid Protobuf "
                                       f"({built.stderr.strip().splitlines()[0] if built.stderr.strip() else 'buf build failed'})")
        # buf checks that `input` can still talk to `against`; for forward mode the roles swap.
        current, against = (dirs["new"], dirs["old"]) if direction.reader_is_new else (dirs["old"], dirs["new"])
        done = subprocess.run([buf, "breaking", str(current), "--against", str(against), "--error-format", "json"],
                              capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        return []
    out = []
    for line in done.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        out.append(f"{direction.name}: line {item.get('start_line', '?')}: {item.get('message')} "
                   f"(buf rule {item.get('type')})")
    return out or [f"{direction.name}: buf breaking failed: {done.stderr.strip()[:300]}"]


# ---- JSON Schema (json-schema-diff) ------------------------------------------------------------------------


def _diff_sections(text: str) -> dict[str, str]:
    """json-schema-diff prints 'Values described by the following schema were added:' / '...removed:' blocks."""
    sections, current = {}, None
    for line in text.splitlines():
        lowered = line.strip().lower()
        if lowered.startswith("values described by the following schema were "):
            current = lowered.rsplit(" ", 1)[-1].rstrip(":")
            sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return {k: v.strip() for k, v in sections.items()}


def _field_changes(old: dict, new: dict) -> list[str]:
    """Name the fields behind a difference (the tool decides whether it breaks; this says where)."""
    changes = []
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    for name in sorted(set(old_props) - set(new_props)):
        changes.append(f"field {name!r} removed")
    for name in sorted(set(new_props) - set(old_props)):
        changes.append(f"field {name!r} added")
    for name in sorted(set(old_props) & set(new_props)):
        if old_props[name] != new_props[name]:
            changes.append(f"field {name!r} changed")
    for name in sorted(set(new.get("required") or []) - set(old.get("required") or [])):
        changes.append(f"field {name!r} became required")
    for name in sorted(set(old.get("required") or []) - set(new.get("required") or [])):
        changes.append(f"field {name!r} became optional")
    if old.get("additionalProperties", True) != new.get("additionalProperties", True):
        changes.append("additionalProperties changed")
    return changes or ["the set of accepted values changed"]


def jsonschema_breaks(old: str, new: str, direction: Direction, path: str, root: Path) -> list[str]:
    """json-schema-diff reports which values the new schema stopped (removed) or started (added) accepting.

    Backward: the new schema must accept all old data, so nothing may be removed. Forward: consumers on the old
    schema must accept all new data, so nothing may be added.
    """
    tool = _tool(root, "json-schema-diff")
    parsed = {}
    for label, text in (("previous", old), ("current", new)):
        try:
            parsed[label] = json.loads(text)
        except ValueError as error:
            raise SchemaUnreadable(f"{path}{' (previous)' if label == 'previous' else ''}: not valid JSON ({error})") from None
    with tempfile.TemporaryDirectory() as tmp:
        old_file, new_file = Path(tmp) / "old.json", Path(tmp) / "new.json"
        old_file.write_text(old)
        new_file.write_text(new)
        done = subprocess.run([tool, str(old_file), str(new_file)], capture_output=True, text=True, timeout=120)
    text = done.stdout + "\n" + done.stderr
    sections = _diff_sections(text)
    if not sections and "no differences found" not in text.lower():
        raise SchemaUnreadable(f"{path}: json-schema-diff cannot read it ({text.strip().splitlines()[0][:200]})")
    changed = ", ".join(_field_changes(parsed["previous"], parsed["current"]))
    if direction.reader_is_new and sections.get("removed", "false") != "false":
        return [f"backward: {changed}: the new schema rejects data the previous one accepted, so consumers on the "
                f"new schema cannot read existing messages (json-schema-diff: removed values)"]
    if not direction.reader_is_new and sections.get("added", "false") != "false":
        return [f"forward: {changed}: the new schema accepts data the previous one rejects, so consumers still on "
                f"the previous schema cannot read new messages (json-schema-diff: added values)"]
    return []


def breaks(old: str, new: str, direction: Direction, path: str, root: Path) -> list[str]:
    kind = format_of(path)
    if kind == "avro":
        return avro_breaks(old, new, direction, path)
    if kind == "protobuf":
        return protobuf_breaks(old, new, direction, path, root)
    return jsonschema_breaks(old, new, direction, path, root)
