"""A human summary of a plan: components as a tree, with resource counts per type and region."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from rich.markup import escape
from rich.tree import Tree

from policies.rules.placement import region_of
from scripts.checker.sources import resources_of


def counts_by_component(export: dict[str, Any], policy_facts: dict[str, Any]) -> dict[str, Counter]:
    """For each component URN (and the stack itself), Counter of (type, region) of its direct custom children."""
    states = {s["urn"]: s for s in export["deployment"]["resources"]}
    views = {v.urn: v for v in resources_of(export)}
    counts: dict[str, Counter] = defaultdict(Counter)
    for urn, state in states.items():
        if not state.get("custom"):
            continue
        region = region_of(views[urn], policy_facts) or "global"
        counts[state.get("parent", "")][(state["type"], region)] += 1
    return counts


def plan_tree(export: dict[str, Any], policy_facts: dict[str, Any]) -> Tree:
    resources = export["deployment"]["resources"]
    stack = resources[0]
    counts = counts_by_component(export, policy_facts)
    custom = sum(1 for r in resources if r.get("custom"))
    tree = Tree(f"[bold]{escape(stack['urn'].split('::')[-1])}[/] ({len(resources)} resources, {custom} custom)")
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for state in resources[1:]:
        if not state.get("custom"):
            children[state.get("parent", "")].append(state)

    def add(node: Tree, urn: str) -> None:
        for (type_, region), n in sorted(counts.get(urn, {}).items()):
            node.add(f"{escape(type_)} [dim]×{n} · {escape(region)}[/]")
        for child in sorted(children.get(urn, []), key=lambda s: s["urn"]):
            add(node.add(f"[cyan]{escape(child['type'])}[/] {escape(child['urn'].split('::')[-1])}"), child["urn"])

    add(tree, stack["urn"])
    return tree


def type_region_counts(export: dict[str, Any], policy_facts: dict[str, Any]) -> dict[str, dict[str, int]]:
    totals: dict[str, Counter] = defaultdict(Counter)
    for counter in counts_by_component(export, policy_facts).values():
        for (type_, region), n in counter.items():
            totals[type_][region] += n
    return {t: dict(sorted(c.items())) for t, c in sorted(totals.items())}
