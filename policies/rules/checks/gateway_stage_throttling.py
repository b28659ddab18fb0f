"""Every REST and HTTP API stage has stage-wide throttling (rate and burst). Shapes shared with sibling rules:
policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..gateway import HTTP_STAGE, METHOD_SETTINGS, REST_STAGE, _get, _stage_key


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    throttled = set()
    for r in resources:
        if r.type == METHOD_SETTINGS and r.props.get("methodPath") == "*/*":
            rate, burst = _get(r.props, "settings", "throttlingRateLimit"), _get(r.props, "settings", "throttlingBurstLimit")
            if isinstance(rate, (int, float)) and rate > 0 and isinstance(burst, (int, float)) and burst > 0:
                throttled.add(_stage_key(r.props))
    for r in resources:
        if r.type == REST_STAGE and _stage_key(r.props) not in throttled:
            yield r.urn, "stage has no stage-wide (*/*) method throttling with positive rate and burst limits"
        elif r.type == HTTP_STAGE:
            rate = _get(r.props, "defaultRouteSettings", "throttlingRateLimit")
            burst = _get(r.props, "defaultRouteSettings", "throttlingBurstLimit")
            if not (isinstance(rate, (int, float)) and rate > 0 and isinstance(burst, (int, float)) and burst > 0):
                yield r.urn, "stage has no default route throttling with positive rate and burst limits"


RULE = Rule(
    id="gateway-stage-throttling", concern="gateway-throttling",
    description="Every REST and HTTP API stage has stage-wide throttling (rate and burst).",
    severity="high",
    remediation="Set throttle in the API's spec: REST stages get */* method settings, HTTP stages default route settings.",
    check=check, stack=True, types=frozenset({REST_STAGE, HTTP_STAGE, METHOD_SETTINGS}))
