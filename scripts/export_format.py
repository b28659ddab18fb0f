"""The markers a stack export, a plan and a preview use for values nobody may read: the one definition.

A secret is written as the export's envelope (its signature key and value are the engine's own constants,
the ciphertext never leaves the backend), preview shows "[secret]", and a value known only after apply is
the engine's unknown sentinel. The planner writes them; the checker and the diff read them.
"""

from __future__ import annotations

import json
from typing import Any

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SECRET_ENVELOPE = {SECRET_SIG_KEY: SECRET_SIG, "ciphertext": "[redacted]"}
PREVIEW_SECRET = "[secret]"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_envelope(value: Any) -> bool:
    """True for a secret in the export's envelope shape (with or without its ciphertext)."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def nested(value: Any) -> Any:
    """A nested input as an object: plans and exports carry some (provider inputs, policies) as JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
