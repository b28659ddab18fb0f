"""Which operators each cluster needs: the union over every capability's needs, from the spec alone.

A capability that creates custom resources adds its `operators_needed(spec) -> {cluster: {operator}}`
function to NEEDS; the platform builds one ClusterAddons per cluster from `operators_by_cluster`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec

Needs = Callable[["EnvironmentSpec"], dict[str, set[str]]]


def processing_nodes(spec: "EnvironmentSpec") -> dict[str, set[str]]:
    """Processing nodes scale through KEDA ScaledObjects on their own cluster."""
    return {node.cluster: {"keda"} for node in spec.processing.nodes}


def union(needs: Iterable[dict[str, set[str]]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for need in needs:
        for cluster, operators in need.items():
            out.setdefault(cluster, set()).update(operators)
    return out


def operators_by_cluster(spec: "EnvironmentSpec", needs: Iterable[Needs]) -> dict[str, set[str]]:
    return union(need(spec) for need in needs)
