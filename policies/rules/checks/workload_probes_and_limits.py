"""Liveness and readiness probes and cpu/memory requests and limits on every long-running container (practice 6.3)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..nodes import PROBES, WORKLOADS, pod_containers
from ..values import get, is_map


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    containers = [c for kind, c in pod_containers(resource) if kind == "containers"]
    if not containers:
        raise NotApplicable("no container spec in the inputs")
    for container in containers:
        label = str(container.get("name") or "container")
        missing = [p for p in PROBES if not is_map(container.get(p))]
        if missing:
            yield f"container {label} lacks {', '.join(missing)}"
        for kind in ("requests", "limits"):
            for quantity in ("cpu", "memory"):
                if not get(container, "resources", kind, quantity):
                    yield f"container {label} has no {quantity} {kind[:-1]}"


RULE = Rule(
    id="workload-probes-and-limits", concern="workload-probes-and-limits",
    description="Every container of a Deployment, StatefulSet or DaemonSet has liveness and readiness probes and "
                "cpu/memory requests and limits.",
    severity="high",
    remediation="Set probes and resources in the node's spec (processing.nodes[].probes / resources); the "
                "ProcessingNode component renders the probes and both requests and limits.",
    check=check, types=WORKLOADS)
