"""DNS routing rules (practice 8.4 routing, 6.3 health checks, 8.6 failover): a failover record without a
health check never fails over, and a Traffic Manager profile probing over plain HTTP can pass while TLS is broken."""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext

RECORD = "aws:route53/record:Record"
PROFILE = "azure-native:trafficmanager:Profile"


def check_failover_health(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if not resource.props.get("failoverRoutingPolicies"):
        raise NotApplicable("not a failover record")
    if resource.props.get("healthCheckId"):
        return
    aliases = resource.props.get("aliases") or []
    if aliases and all(alias.get("evaluateTargetHealth") is True for alias in aliases):
        return
    yield "failover record has no health check: Route 53 would keep answering with it while its target is down"


def check_profile_monitor(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    monitor = resource.props.get("monitorConfig") or {}
    if str(monitor.get("protocol", "")).upper() != "HTTPS":
        yield "Traffic Manager profile does not probe its endpoints over HTTPS"
    if not monitor.get("path"):
        yield "Traffic Manager profile has no health path to probe"


RULES = [
    Rule(id="failover-record-health-check",
         description="Every Route 53 failover record carries a health check (or an alias evaluating target health).",
         severity="high",
         remediation="Give the record a healthCheckId (TrafficRouting creates an HTTPS health check per entry point).",
         check=check_failover_health, types=frozenset({RECORD})),
    Rule(id="traffic-manager-https-probe",
         description="Azure Traffic Manager profiles probe their endpoints over HTTPS on a health path.",
         severity="medium",
         remediation="Set monitorConfig.protocol to HTTPS and monitorConfig.path (TrafficRouting does).",
         check=check_profile_monitor, types=frozenset({PROFILE})),
]
