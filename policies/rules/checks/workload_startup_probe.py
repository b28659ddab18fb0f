"""Advice, never a violation: a startup probe keeps a slow-starting container from being killed by its liveness probe.

Liveness and readiness are the concern of practice 6.3 (workload-probes-and-limits); a startup probe only
matters when start-up outlasts the liveness budget, so this rule is advisory at every tier.
"""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..nodes import WORKLOADS, pod_containers
from ..values import is_map

ADVICE = {"development": "advisory", "staging": "advisory", "production": "advisory"}


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    containers = [c for kind, c in pod_containers(resource) if kind == "containers"]
    if not containers:
        raise NotApplicable("no container spec in the inputs")
    for container in containers:
        if not is_map(container.get("startupProbe")):
            yield f"container {container.get('name') or 'container'} has no startupProbe (advice)"


RULE = Rule(
    id="workload-startup-probe", concern="workload-probes-and-limits",
    description="Advice: containers that may start slowly have a startup probe, so the liveness probe does not "
                "restart them while they start.",
    severity="low",
    remediation="Add a startupProbe whose failureThreshold x periodSeconds covers the slowest start (the "
                "ProcessingNode component renders one from probes.startup_path).",
    check=check, types=WORKLOADS, levels=ADVICE)
