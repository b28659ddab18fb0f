"""Cross-field checks for brokers: each kind's model checks itself against the environment.

Each check yields (field path, message) pairs naming what was expected, so `hybrid validate` lists them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from .base import Problem

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


def check_messaging(spec: "EnvironmentSpec", declared_secret_keys: set[str] | None = None,
                    root: Optional[Path] = None) -> Iterator[Problem]:
    """Every broker problem in one pass; `root` (the project directory) enables schema file checks."""
    for i, broker in enumerate(spec.messaging.brokers):
        yield from broker.problems(f"messaging.brokers[{i}]", spec, root, declared_secret_keys)
