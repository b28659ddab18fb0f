"""Azure Traffic Manager profiles probe their endpoints over HTTPS on a health path. Shapes shared with sibling
rules: policies/rules/routing.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..routing import PROFILE


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    monitor = resource.props.get("monitorConfig") or {}
    if str(monitor.get("protocol", "")).upper() != "HTTPS":
        yield "Traffic Manager profile does not probe its endpoints over HTTPS"
    if not monitor.get("path"):
        yield "Traffic Manager profile has no health path to probe"


RULE = Rule(
    id="traffic-manager-https-probe", concern="failover-health",
    description="Azure Traffic Manager profiles probe their endpoints over HTTPS on a health path.",
    severity="medium",
    remediation="Set monitorConfig.protocol to HTTPS and monitorConfig.path (TrafficRouting does).",
    check=check, types=frozenset({PROFILE}))
