"""Stateful resources are protected in production (no accidental `pulumi destroy` of data or keys)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..protection import STATEFUL


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in STATEFUL:
        raise NotApplicable("not a stateful resource")
    if ctx.tier != "production":
        raise NotApplicable("protection is required in production tiers only")
    if not resource.protect:
        yield "stateful resource is not protected: a destroy or replacement would lose its data"


RULE = Rule(
    id="protect-stateful-resources", concern="protection",
    description="Stateful resources (brokers, queues, topics, keys, secrets, DNS zones, VPN connections) are "
                "protected in production.",
    severity="high",
    remediation="Create the resource with ResourceOptions(protect=True) (components do this when the tier is "
                "production).",
    check=check, types=frozenset(STATEFUL))
