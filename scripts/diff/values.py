"""Property values as a reviewer reads them: flattened to paths, secrets opaque, long values shortened.

Plans, stack exports and previews carry secrets as the export's envelope (with ciphertext, or with
plaintext under `--show-secrets`) or as preview's "[secret]". All of them become one SECRET marker
here, before anything compares or prints a value, so no secret can reach a diff or a report.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Iterator

from ..export_format import PREVIEW_SECRET, UNKNOWN, is_envelope

SECRET = PREVIEW_SECRET
MAX_SHOWN = 120


def is_secret(value: Any) -> bool:
    return value == SECRET or is_envelope(value)


def opaque(value: Any) -> Any:
    """`value` with every secret replaced by the SECRET marker."""
    if is_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: opaque(v) for k, v in value.items()}
    if isinstance(value, list):
        return [opaque(v) for v in value]
    return value


def secret_leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(flattened path, plaintext) of every secret in raw, unredacted inputs, on the paths `flatten` gives them.

    Only the planner's own in-memory registrations carry plaintext; a plan file or an export never does."""
    if is_envelope(value):
        yield prefix, value.get("value")
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from secret_leaves(value[key], f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from secret_leaves(item, f"{prefix}[{index}]")


def keyed_digest(key: bytes, plaintext: Any) -> str:
    """HMAC-SHA256 of a secret's value under a key that lives for one diff run: equal values give equal
    digests within the run, and nothing about the value can be learnt or matched across runs."""
    message = json.dumps(plaintext, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def json_document(value: str) -> Any:
    """Policies and redrive settings arrive as JSON strings; diffing inside them names the changed statement."""
    text = value.strip()
    if not text or text[0] not in "{[":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf path -> leaf value (`tags.owner`, `ingress[0].fromPort`, `policy.Statement[1].Effect`)."""
    value = opaque(value)
    if isinstance(value, str):
        parsed = json_document(value)
        if parsed is not None and prefix:
            value = parsed
    if isinstance(value, dict) and value:
        leaves: dict[str, Any] = {}
        for key in sorted(value):
            leaves.update(flatten(value[key], f"{prefix}.{key}" if prefix else key))
        return leaves
    if isinstance(value, list) and value:
        leaves = {}
        for index, item in enumerate(value):
            leaves.update(flatten(item, f"{prefix}[{index}]"))
        return leaves
    return {prefix: value}


def top_level(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def shown(value: Any) -> str:
    """A short, single-line rendering; secrets and unknowns by name only."""
    if value is _ABSENT:
        return "(unset)"
    if value == SECRET:
        return SECRET
    if value == UNKNOWN:
        return "(known after apply)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


class _Absent:
    def __repr__(self) -> str:
        return "(unset)"


_ABSENT = _Absent()
ABSENT: Any = _ABSENT
