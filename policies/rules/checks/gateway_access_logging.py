"""Every REST and HTTP API stage writes access logs with the request id. Shapes shared with sibling rules:
policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..gateway import HTTP_STAGE, REST_STAGE, _get


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in (REST_STAGE, HTTP_STAGE):
        raise NotApplicable("not a gateway stage")
    settings = resource.props.get("accessLogSettings")
    if not _get(settings, "destinationArn") or not _get(settings, "format"):
        yield "stage has no access log destination and format"
    elif "$context.requestId" not in str(_get(settings, "format")):
        yield "access log format does not record $context.requestId, so requests cannot be correlated"


RULE = Rule(
    id="gateway-access-logging", concern="access-logging",
    description="Every REST and HTTP API stage writes access logs with the request id.",
    severity="medium",
    remediation="Give the stage accessLogSettings with a CloudWatch log group and a JSON format including "
                "$context.requestId.",
    check=check, types=frozenset({REST_STAGE, HTTP_STAGE}))
