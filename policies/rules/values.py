"""Reading resource inputs the same way whether they are plain JSON or pulumi-policy's proxies.

Inside the engine (and in `hybrid check`) every list a rule sees is pulumi-policy's read-only
`_ListProxy` (a Sequence, not a `list`) and every map a `_DictProxy` (a Mapping, not a `dict`), and
touching an unknown value raises UnknownValueError. Rules therefore test shapes only with these
helpers, never with isinstance(..., list/dict), and read an unset input as the provider's default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Iterable


def is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def is_seq(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def as_list(value: Any) -> list[Any]:
    """A list input, a single value written where a list is allowed (policy `Action`, `Resource`), or nothing."""
    if value is None:
        return []
    if is_seq(value):
        return list(value)
    return [value]


def maps(value: Any) -> list[Mapping[str, Any]]:
    """The mapping items of a list input (inline rules, containers, statements), skipping anything else."""
    return [item for item in as_list(value) if is_map(item)]


def get(value: Any, *path: str, default: Any = None) -> Any:
    """The value at a path of keys, or the default when any step is unset or not a map."""
    for key in path:
        if not is_map(value):
            return default
        value = value.get(key)
        if value is None:
            return default
    return value


def dotted(value: Any, path: str, default: Any = None) -> Any:
    return get(value, *path.split("."), default=default)


_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


def document(value: Any) -> Any:
    """A JSON document input (IAM and resource policies, redrive settings) written as a string or an object.

    Trailing commas (common in hand-written heredocs) are forgiven, so a sloppy document is still judged
    for what it grants rather than passed as unreadable."""
    if isinstance(value, str):
        for text in (value, _TRAILING_COMMA.sub(r"\1", value)):
            try:
                return json.loads(text)
            except ValueError:
                continue
        return None
    return value


def flag(value: Any, default: bool) -> bool:
    """A boolean input; unset means the provider's documented default. "true"/"false" strings count."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def text(value: Any) -> str:
    """A value as its input text: the engine hands numbers over as floats, so 22 arrives as 22.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def strings(values: Iterable[Any]) -> list[str]:
    return [text(v) for v in values if v is not None]
