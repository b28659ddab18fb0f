"""API gateway rules: TLS 1.2+ on custom domains (practice 5.1), authorization on every route (2.4),
throttling on every stage (2.2), access logs (6.1), tracing outside development (6.2), WAF in production (5.5)."""

from __future__ import annotations

import re
from typing import Any, Iterable

from .values import is_map

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


def is_health_probe(path: Any, method: str, operation: dict) -> bool:
    """The one deliberately open route: GET /health, no parameters or body, proxied with GET to the backend's
    /health. DNS health checkers (Route 53, Traffic Manager) carry no token or API key."""
    integration = operation.get("x-amazon-apigateway-integration")
    return (path == "/health" and method == "get" and not operation.get("parameters")
            and not operation.get("requestBody") and is_map(integration)
            and str(integration.get("httpMethod", "")).upper() == "GET"
            and str(integration.get("uri", "")).endswith("/health"))


def _body_operations(body: Any, probes: bool = True) -> Iterable[tuple[dict, Any]]:
    """Every operation with the API-wide security default; `probes=False` leaves out the health probe."""
    for path, item in (body.get("paths") or {}).items():
        if not is_map(item):
            continue
        for method in METHODS:
            if is_map(item.get(method)) and (probes or not is_health_probe(path, method, item[method])):
                yield item[method], body.get("security")


def _stage_key(props: Any) -> tuple[Any, Any]:
    return props.get("restApi"), props.get("stageName")


_STAGE_ARN = re.compile(r"^arn:aws[\w-]*:apigateway:[\w-]+::/restapis/([^/]+)/stages/([^/]+)$")
