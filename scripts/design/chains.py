"""The synchronous integrations and the hops their requests wait on: what the availability and latency checks
compose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from components.spec.integration_design import Hop, sync_hops

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec
    from components.spec.observability import Integration


def sync_chains(spec: "EnvironmentSpec") -> Iterator[tuple[str, "Integration", list[Hop]]]:
    """(field path, integration, hops) for every synchronous integration whose API is defined."""
    for i, integration in enumerate(spec.observability.integrations):
        if integration.pattern == "sync" and integration.api is not None:
            hops = sync_hops(spec, integration.api)
            if hops:
                yield f"observability.integrations[{i}]", integration, hops


def label(hop: Hop) -> str:
    return f"{hop.api}/{hop.version}"


def chain_label(hops: list[Hop]) -> str:
    return " -> ".join(label(h) for h in hops)
