"""Compatibility modes as directions: who must be able to read whom, and against which versions."""

from __future__ import annotations

from dataclasses import dataclass

MODES = ("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE")


@dataclass(frozen=True)
class Direction:
    name: str
    """backward: consumers on the new schema read data written with the old one; forward: the reverse."""
    reader_is_new: bool


BACKWARD = Direction("backward", reader_is_new=True)
FORWARD = Direction("forward", reader_is_new=False)


def directions(mode: str) -> list[Direction]:
    if mode not in MODES:
        raise ValueError(f"unknown compatibility mode {mode!r}; expected one of {', '.join(MODES)}")
    base = mode.removesuffix("_TRANSITIVE")
    return {"BACKWARD": [BACKWARD], "FORWARD": [FORWARD], "FULL": [BACKWARD, FORWARD], "NONE": []}[base]


def transitive(mode: str) -> bool:
    """Transitive modes compare with every earlier version, others with the latest only."""
    return mode.endswith("_TRANSITIVE")
