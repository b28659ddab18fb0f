"""Every route has an authorizer: REST API body operations, REST methods and HTTP API routes. Shapes shared
with sibling rules: policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..values import is_map
from ..framework import NotApplicable, Resource, Rule, RuleContext, json_prop
from ..gateway import HTTP_ROUTE, REST_API, REST_METHOD, _body_operations


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == REST_API:
        body = json_prop(resource.props, "body")
        if not is_map(body):
            raise NotApplicable("REST API without an OpenAPI body: its methods are judged one by one")
        # The health probe (GET /health to the backend's /health, nothing else) is open by design.
        open_ops = sum(1 for op, default in _body_operations(body, probes=False)
                       if not (op.get("security", default)) or any(r == {} for r in op.get("security", default)))
        if open_ops:
            yield f"{open_ops} operation(s) in the API body have no security requirement (or allow anonymous access)"
    elif resource.type == REST_METHOD:
        if str(resource.props.get("authorization") or "NONE").upper() == "NONE":
            yield "method has authorization NONE"
    elif resource.type == HTTP_ROUTE:
        if str(resource.props.get("authorizationType") or "NONE").upper() == "NONE":
            yield "route has authorization NONE"
    else:
        raise NotApplicable("not a route")


RULE = Rule(
    id="gateway-route-authorization", concern="gateway-authorization",
    description="Every route has an authorizer: REST API body operations, REST methods and HTTP API routes.",
    severity="critical",
    remediation="Declare security on every OpenAPI operation (the Gateway component adds the JWT authorizer), "
                "or add a justified, expiring exemption for a deliberately public route.",
    check=check, types=frozenset({REST_API, REST_METHOD, HTTP_ROUTE}))
