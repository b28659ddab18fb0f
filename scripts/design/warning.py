"""A design warning: which check, where in the spec, why (with the numbers), and the numbers themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DesignWarning:
    check: str
    """The design check's id (kebab-case), e.g. sync-chain-availability."""
    path: str
    """Field path in the spec of what the warning is about, e.g. observability.integrations[2]."""
    message: str
    """The reason, with its numbers, and how to act on it."""
    values: dict[str, Any] = field(default_factory=dict)
    """The numbers the message quotes, for tools."""

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "path": self.path, "message": self.message, "values": self.values}

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.check}]"


def percent(value: float) -> str:
    """99.9 -> '99.9 %', 99.75012 -> '99.7501 %': enough digits to tell nines apart, no float noise."""
    return f"{round(value, 4):g} %"


def millis(value: float) -> str:
    return f"{round(value, 1):g} ms"
