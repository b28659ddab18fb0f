"""Every Deployment and StatefulSet has a PodDisruptionBudget selecting its pods, so node drains and cluster
upgrades never take all replicas at once. Shapes shared with sibling rules: policies/rules/nodes.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..nodes import DEPLOYMENT, PDB, STATEFUL_SET, _get, _matches


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    budgets = [(r.provider_name, _get(r.props, "metadata", "namespace"), _get(r.props, "spec", "selector") or {})
               for r in resources if r.type == PDB]
    for r in resources:
        if r.type not in (DEPLOYMENT, STATEFUL_SET):
            continue
        namespace = _get(r.props, "metadata", "namespace")
        pod_labels = _get(r.props, "spec", "template", "metadata", "labels") or {}
        if not any(p == r.provider_name and ns == namespace and _matches(sel, pod_labels) for p, ns, sel in budgets):
            yield r.urn, "workload has no PodDisruptionBudget selecting its pods in its namespace and cluster"


RULE = Rule(
    id="workload-disruption-budget", concern="disruption-budgets",
    description="Every Deployment and StatefulSet has a PodDisruptionBudget selecting its pods, so node drains "
                "and cluster upgrades never take all replicas at once.",
    severity="medium",
    remediation="Create a PodDisruptionBudget in the workload's namespace whose matchLabels select its pod "
                "template labels (ProcessingNode does this).",
    check=check, stack=True, types=frozenset({DEPLOYMENT, STATEFUL_SET, PDB}))
