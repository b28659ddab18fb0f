"""Every Route 53 failover record carries a health check (or an alias evaluating target health). Shapes shared
with sibling rules: policies/rules/routing.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..routing import RECORD


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if not resource.props.get("failoverRoutingPolicies"):
        raise NotApplicable("not a failover record")
    if resource.props.get("healthCheckId"):
        return
    aliases = resource.props.get("aliases") or []
    if aliases and all(alias.get("evaluateTargetHealth") is True for alias in aliases):
        return
    yield "failover record has no health check: Route 53 would keep answering with it while its target is down"


RULE = Rule(
    id="failover-record-health-check", concern="failover-health",
    description="Every Route 53 failover record carries a health check (or an alias evaluating target health).",
    severity="high",
    remediation="Give the record a healthCheckId (TrafficRouting creates an HTTPS health check per entry point).",
    check=check, types=frozenset({RECORD}))
