"""Every resource, and every replica it keeps in another region, sits in a region its environment's residency zone
allows. Where a resource is: policies/rules/placement.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..placement import region_of, replica_regions


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    allowed = set(ctx.config.get("allowedRegions") or [])
    region = region_of(resource, ctx.config)
    if region is None:
        if resource.type.startswith(("pulumi:providers:kubernetes",)) or resource.provider_type == "pulumi:providers:kubernetes":
            yield "cluster region unknown: add the cluster's provider to clusterRegions in policy config"
            return
        raise NotApplicable("global resource: it has no region of its own")
    if region not in allowed:
        yield "placed in a region outside the environment's allowed regions (policy config allowedRegions)"
    for replica in replica_regions(resource):
        if replica not in allowed:
            yield f"replica in {replica} is outside the environment's allowed regions (policy config allowedRegions)"


RULE = Rule(
    id="data-residency-region", concern="residency",
    description="Every resource, and each replica it keeps in another region, sits in a region its environment's "
                "residency zone allows.",
    severity="critical",
    remediation="Move the resource (or its provider, or its replica) to an allowed region, or change residency.allowed_regions "
                "in the environment spec if the zone really allows it.",
    check=check,
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"},
    config_properties={"allowedRegions": {"type": "array", "items": {"type": "string"}},
                       "clusterRegions": {"type": "object", "additionalProperties": {"type": "string"}}})
