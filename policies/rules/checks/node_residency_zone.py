"""A processing node runs in, and reads queues and topics from, regions of its residency zone only. Shapes
shared with sibling rules: policies/rules/nodes.py."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..placement import region_of
from ..nodes import DEPLOYMENT, NODE_COMPONENT, ZONE_MARKER, _labels, read_regions


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    labels = _labels(resource)
    if labels.get("app.kubernetes.io/component") != NODE_COMPONENT:
        raise NotApplicable("not a processing node")
    zone = labels.get(ZONE_MARKER) or ctx.config.get("residencyZone")
    zones: Mapping[str, list[str]] = ctx.config.get("zoneRegions") or {}
    if not zone or zone not in zones:
        yield "residency zone unknown: mark the node with a residency zone or set residencyZone/zoneRegions in policy config"
        return
    allowed = set(zones[zone])
    runs = region_of(resource, ctx.config)
    if runs is None:
        yield "cluster region unknown: add the cluster's provider to clusterRegions in policy config"
    elif runs not in allowed:
        yield f"node runs outside its residency zone {zone}"
    outside = sorted(r for r in read_regions(resource) if r not in allowed)
    if outside:
        yield f"node reads {len(outside)} broker region(s) outside its residency zone {zone}"


RULE = Rule(
    id="node-residency-zone", concern="residency",
    description="A processing node runs in, and reads queues and topics from, regions of its residency zone only.",
    severity="critical",
    remediation="Place the node on a cluster in its zone and consume the broker copy in its own region (or a "
                "broker whose region is in the zone); see docs/processing-nodes.md.",
    check=check, types=frozenset({DEPLOYMENT}),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"},
    config_properties={"residencyZone": {"type": "string"},
                       "zoneRegions": {"type": "object", "additionalProperties": {
                           "type": "array", "items": {"type": "string"}}},
                       "clusterRegions": {"type": "object", "additionalProperties": {"type": "string"}}})
