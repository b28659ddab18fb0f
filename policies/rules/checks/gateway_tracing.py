"""REST API stages have X-Ray tracing on in staging and production (HTTP APIs cannot trace). Shapes shared with
sibling rules: policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..gateway import HTTP_STAGE, REST_STAGE


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == HTTP_STAGE:
        raise NotApplicable("HTTP APIs do not support X-Ray tracing; the request id in access logs correlates instead")
    if resource.type != REST_STAGE:
        raise NotApplicable("not a gateway stage")
    if ctx.tier == "development":
        raise NotApplicable("tracing is required in staging and production only")
    if resource.props.get("xrayTracingEnabled") is not True:
        yield "stage has X-Ray tracing off"


RULE = Rule(
    id="gateway-tracing", concern="tracing",
    description="REST API stages have X-Ray tracing on in staging and production (HTTP APIs cannot trace).",
    severity="medium",
    remediation="Set xrayTracingEnabled on the stage.",
    check=check, types=frozenset({REST_STAGE, HTTP_STAGE}))
