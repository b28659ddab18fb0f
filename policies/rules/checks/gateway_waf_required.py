"""In production every REST API stage has a WAF web ACL associated (HTTP APIs and API Management cannot take a
WAF association; put partner traffic on REST APIs). Shapes shared with sibling rules:
policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..gateway import REST_STAGE, WAF_ASSOCIATION, _STAGE_ARN, _stage_key


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    if ctx.tier != "production":
        return
    protected = set()
    for r in resources:
        if r.type == WAF_ASSOCIATION and r.props.get("webAclArn"):
            match = _STAGE_ARN.match(str(r.props.get("resourceArn") or ""))
            if match:
                protected.add(match.groups())
    for r in resources:
        if r.type == REST_STAGE and _stage_key(r.props) not in protected:
            yield r.urn, "production stage has no WAF web ACL associated"


RULE = Rule(
    id="gateway-waf-required", concern="web-firewall",
    description="In production every REST API stage has a WAF web ACL associated (HTTP APIs and API Management "
                "cannot take a WAF association; put partner traffic on REST APIs).",
    severity="high",
    remediation="Associate a regional WAF web ACL with the stage (the Gateway component does this for partner APIs).",
    check=check, stack=True, types=frozenset({REST_STAGE, WAF_ASSOCIATION}))
