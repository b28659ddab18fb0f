"""Which cluster operators the in-cluster brokers need (the platform unions this with other capabilities')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..spec.brokers import InClusterBroker
from .kinds import kind_for

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec


def operators_needed(spec: "EnvironmentSpec") -> dict[str, set[str]]:
    needs: dict[str, set[str]] = {}
    for broker in spec.messaging.brokers:
        operators = kind_for(broker).operators
        if operators and isinstance(broker, InClusterBroker):
            needs.setdefault(broker.cluster, set()).update(operators)
    return needs


def schema_files(spec: "EnvironmentSpec") -> list[str]:
    """Every schema file the spec binds, so the entry point can read them (components never read files)."""
    return sorted({binding.file for broker in spec.messaging.brokers for _, _, binding in broker.schema_bindings()})
