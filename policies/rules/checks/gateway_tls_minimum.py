"""Every gateway custom domain (REST, HTTP API, API Management) refuses protocols older than TLS 1.2. Shapes
shared with sibling rules: policies/rules/gateway.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..gateway import APIM, APIM_OLD_PROTOCOLS, HTTP_DOMAIN, REST_DOMAIN, _get, _rest_policy_ok


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == REST_DOMAIN:
        if not _rest_policy_ok(resource.props.get("securityPolicy")):
            yield "custom domain does not enforce TLS 1.2 or later (securityPolicy)"
    elif resource.type == HTTP_DOMAIN:
        if _get(resource.props, "domainNameConfiguration", "securityPolicy") != "TLS_1_2":
            yield "custom domain does not enforce TLS 1.2 (domainNameConfiguration.securityPolicy)"
    elif resource.type == APIM:
        settings = resource.props.get("customProperties") or {}
        still_on = [key.rsplit(".", 2)[-2] + "." + key.rsplit(".", 1)[-1] for key in APIM_OLD_PROTOCOLS
                    if str(settings.get(key, "")).lower() != "false"]
        if still_on:
            yield f"protocols older than TLS 1.2 are not explicitly disabled: {', '.join(still_on)}"
    else:
        raise NotApplicable("not a gateway custom domain")


RULE = Rule(
    id="gateway-tls-minimum", concern="tls-minimum",
    description="Every gateway custom domain (REST, HTTP API, API Management) refuses protocols older than TLS 1.2.",
    severity="high",
    remediation="Set securityPolicy TLS_1_2 on API Gateway domains, and set API Management's Tls10/Tls11/Ssl30 "
                "custom properties (client and backend) to False; the Gateway component does both.",
    check=check, types=frozenset({REST_DOMAIN, HTTP_DOMAIN, APIM}),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"})
