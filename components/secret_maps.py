"""Secret config keys that hold a JSON map (entry -> value): one key serves every environment and site.

Parsing happens only inside `Output.apply` on a secret Output, so each value stays secret-marked all the
way to the consuming input; errors name the config key and the entry, never a value.
"""

from __future__ import annotations

import json


class SecretMapError(ValueError):
    """The secret map is malformed or lacks an entry; the message never contains a value."""


def pick(raw: str, secret: str, entry: str, what: str) -> str:
    """The non-empty string at `entry` of the JSON object in secret config key `secret`."""
    try:
        entries = json.loads(raw)
    except ValueError:
        entries = None
    if not isinstance(entries, dict):
        raise SecretMapError(f"secret config key {secret!r} must hold a JSON object of {what}s")
    value = entries.get(entry)
    if not isinstance(value, str) or not value:
        raise SecretMapError(f"secret config key {secret!r} has no {what} for entry {entry!r}")
    return value
