"""Writes a recording in the shape of `pulumi stack export` (deployment version 3).

Order is what the engine requires of a snapshot: parents and providers before the resources that use
them, dependencies before dependants; ties are broken by URN so the bytes never vary between runs.
"""

from __future__ import annotations

import heapq
import json
from typing import Any

from ..export_format import SECRET_ENVELOPE, SECRET_SIG, SECRET_SIG_KEY
from .recorder import STACK_TYPE, Recording

FIXED_MANIFEST = {"time": "1970-01-01T00:00:00Z", "magic": "offline-plan", "version": "offline"}


class PlanError(Exception):
    """The program produced something the real engine would reject (e.g. duplicate URNs)."""


def redact(value: Any) -> Any:
    """Replace every secret with the export's secret envelope and sort mappings for stable output."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return dict(SECRET_ENVELOPE)
        return {k: redact(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def _ordered(recording: Recording, stack_urn: str) -> list[str]:
    resources = recording.resources
    prerequisites: dict[str, set[str]] = {}
    for urn, reg in resources.items():
        needs = set(reg.dependencies)
        if reg.parent and reg.parent != stack_urn:
            needs.add(reg.parent)
        if reg.provider:
            needs.add(reg.provider.rsplit("::", 1)[0])
        prerequisites[urn] = {n for n in needs if n in resources and n != urn}
    dependants: dict[str, list[str]] = {urn: [] for urn in resources}
    for urn, needs in prerequisites.items():
        for need in needs:
            dependants[need].append(urn)
    waiting = {urn: len(needs) for urn, needs in prerequisites.items()}
    ready = [urn for urn, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        urn = heapq.heappop(ready)
        order.append(urn)
        for dependant in dependants[urn]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, dependant)
    if len(order) != len(resources):
        raise PlanError("dependency cycle among: " + ", ".join(sorted(set(resources) - set(order))))
    return order


def to_export(recording: Recording, stack_urn: str) -> dict[str, Any]:
    if recording.duplicates:
        raise PlanError("duplicate URNs (two resources with the same type chain and name): "
                        + ", ".join(sorted(set(recording.duplicates))))
    entries: list[dict[str, Any]] = [{
        "urn": stack_urn, "custom": False, "type": STACK_TYPE,
        "outputs": redact(recording.stack_outputs)}]
    for urn in _ordered(recording, stack_urn):
        reg = recording.resources[urn]
        entry: dict[str, Any] = {"urn": urn, "custom": reg.custom}
        if reg.custom:
            entry["id"] = reg.id
        entry["type"] = reg.type
        entry["inputs"] = redact(reg.inputs)
        entry["parent"] = reg.parent or stack_urn
        if reg.provider:
            entry["provider"] = reg.provider
        entry["protect"] = reg.protect
        entry["dependencies"] = reg.dependencies
        entries.append(entry)
    return {"version": 3, "deployment": {"manifest": dict(FIXED_MANIFEST), "resources": entries}}


def dumps(export: dict[str, Any]) -> str:
    return json.dumps(export, indent=2, ensure_ascii=False) + "\n"
