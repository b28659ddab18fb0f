"""API gateway rules: TLS 1.2+ on custom domains (practice 5.1), authorization on every route (2.4),
throttling on every stage (2.2), access logs (6.1), tracing outside development (6.2), WAF in production (5.5)."""

from __future__ import annotations

import re
from typing import Any, Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop

REST_DOMAIN, HTTP_DOMAIN = "aws:apigateway/domainName:DomainName", "aws:apigatewayv2/domainName:DomainName"
APIM = "azure-native:apimanagement:ApiManagementService"
REST_API, REST_METHOD, HTTP_ROUTE = "aws:apigateway/restApi:RestApi", "aws:apigateway/method:Method", "aws:apigatewayv2/route:Route"
REST_STAGE, HTTP_STAGE = "aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage"
METHOD_SETTINGS, WAF_ASSOCIATION = "aws:apigateway/methodSettings:MethodSettings", "aws:wafv2/webAclAssociation:WebAclAssociation"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
APIM_SECURITY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security"
APIM_OLD_PROTOCOLS = tuple(f"{APIM_SECURITY}.{side}Protocols.{p}" for side in ("", "Backend.") for p in ("Tls10", "Tls11", "Ssl30"))


def _get(props: Any, *path: str) -> Any:
    for key in path:
        if props is None or not hasattr(props, "get"):
            return None
        props = props.get(key)
    return props


def _rest_policy_ok(policy: Any) -> bool:
    # TLS_1_2 and the newer SecurityPolicy_TLS12_*/TLS13_* policies all refuse TLS 1.0 and 1.1.
    return policy == "TLS_1_2" or (isinstance(policy, str) and policy.startswith(("SecurityPolicy_TLS12", "SecurityPolicy_TLS13")))


def check_tls(resource: Resource, ctx: RuleContext) -> Iterable[str]:
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


def _body_operations(body: Any) -> Iterable[tuple[dict, Any]]:
    for item in (body.get("paths") or {}).values():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                yield item[method], body.get("security")


def check_authorization(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == REST_API:
        body = json_prop(resource.props, "body")
        if not isinstance(body, dict):
            raise NotApplicable("REST API without an OpenAPI body: its methods are judged one by one")
        open_ops = sum(1 for op, default in _body_operations(body)
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


def _stage_key(props: Any) -> tuple[Any, Any]:
    return props.get("restApi"), props.get("stageName")


def check_throttling(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
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


def check_access_logs(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in (REST_STAGE, HTTP_STAGE):
        raise NotApplicable("not a gateway stage")
    settings = resource.props.get("accessLogSettings")
    if not _get(settings, "destinationArn") or not _get(settings, "format"):
        yield "stage has no access log destination and format"
    elif "$context.requestId" not in str(_get(settings, "format")):
        yield "access log format does not record $context.requestId, so requests cannot be correlated"


def check_tracing(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == HTTP_STAGE:
        raise NotApplicable("HTTP APIs do not support X-Ray tracing; the request id in access logs correlates instead")
    if resource.type != REST_STAGE:
        raise NotApplicable("not a gateway stage")
    if ctx.tier == "development":
        raise NotApplicable("tracing is required in staging and production only")
    if resource.props.get("xrayTracingEnabled") is not True:
        yield "stage has X-Ray tracing off"


_STAGE_ARN = re.compile(r"^arn:aws[\w-]*:apigateway:[\w-]+::/restapis/([^/]+)/stages/([^/]+)$")


def check_waf(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
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


RULES = [
    Rule(id="gateway-tls-minimum",
         description="Every gateway custom domain (REST, HTTP API, API Management) refuses protocols older than TLS 1.2.",
         severity="high",
         remediation="Set securityPolicy TLS_1_2 on API Gateway domains, and set API Management's Tls10/Tls11/Ssl30 "
                     "custom properties (client and backend) to False; the Gateway component does both.",
         check=check_tls, types=frozenset({REST_DOMAIN, HTTP_DOMAIN, APIM}),
         levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"}),
    Rule(id="gateway-route-authorization",
         description="Every route has an authorizer: REST API body operations, REST methods and HTTP API routes.",
         severity="critical",
         remediation="Declare security on every OpenAPI operation (the Gateway component adds the JWT authorizer), "
                     "or add a justified, expiring exemption for a deliberately public route.",
         check=check_authorization, types=frozenset({REST_API, REST_METHOD, HTTP_ROUTE})),
    Rule(id="gateway-stage-throttling",
         description="Every REST and HTTP API stage has stage-wide throttling (rate and burst).",
         severity="high",
         remediation="Set throttle in the API's spec: REST stages get */* method settings, HTTP stages default route settings.",
         check=check_throttling, stack=True, types=frozenset({REST_STAGE, HTTP_STAGE, METHOD_SETTINGS})),
    Rule(id="gateway-access-logging",
         description="Every REST and HTTP API stage writes access logs with the request id.",
         severity="medium",
         remediation="Give the stage accessLogSettings with a CloudWatch log group and a JSON format including "
                     "$context.requestId.",
         check=check_access_logs, types=frozenset({REST_STAGE, HTTP_STAGE})),
    Rule(id="gateway-tracing",
         description="REST API stages have X-Ray tracing on in staging and production (HTTP APIs cannot trace).",
         severity="medium",
         remediation="Set xrayTracingEnabled on the stage.",
         check=check_tracing, types=frozenset({REST_STAGE, HTTP_STAGE})),
    Rule(id="gateway-waf-required",
         description="In production every REST API stage has a WAF web ACL associated (HTTP APIs and API Management "
                     "cannot take a WAF association; put partner traffic on REST APIs).",
         severity="high",
         remediation="Associate a regional WAF web ACL with the stage (the Gateway component does this for partner APIs).",
         check=check_waf, stack=True, types=frozenset({REST_STAGE, WAF_ASSOCIATION})),
]
