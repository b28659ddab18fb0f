"""Pure functions from an OpenAPI document (a dict) to what each gateway needs: no Pulumi, no I/O.

The REST body gets API Gateway's x-amazon-apigateway-* extensions: a request validator (practice 2.1), the
Lambda JWT authorizer and the API key on every operation (2.4), the idempotency-key header where asked (1.6),
the correlation id passed to the backend (6.1), and Deprecation/Sunset/Link headers on deprecated versions (1.4).
"""

from __future__ import annotations

import copy
from calendar import timegm
from dataclasses import dataclass
from datetime import date
from email.utils import formatdate
from typing import Any, Iterator, Optional

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
UNSAFE = ("post", "put", "patch", "delete")
IDEMPOTENCY_HEADER = "Idempotency-Key"
CORRELATION_HEADER = "X-Correlation-Id"
JWT_SCHEME, API_KEY_SCHEME = "jwtAuthorizer", "apiKey"
# The unauthenticated route DNS health checks probe (Route 53, Traffic Manager): proxied to the backend's own.
HEALTH_PATH = "/health"
# The integration timeout API Gateway allows by default; the backend must answer within it.
INTEGRATION_TIMEOUT_MS = 29000


@dataclass(frozen=True)
class Lifecycle:
    """A version's retirement, as the headers RFC 9745 (Deprecation), RFC 8594 (Sunset) and RFC 8288 (Link) define."""

    announced: date
    sunset: date
    successor_url: Optional[str] = None

    def headers(self) -> dict[str, str]:
        values = {"Deprecation": f"@{timegm(self.announced.timetuple())}",
                  "Sunset": formatdate(timegm(self.sunset.timetuple()), usegmt=True)}
        if self.successor_url:
            values["Link"] = f'<{self.successor_url}>; rel="successor-version"'
        return values


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Inline a local $ref (#/components/...); API Gateway cannot add extensions beside a $ref."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return copy.deepcopy(node)


def parameters_of(document: dict[str, Any], path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    """Path-level and operation-level parameters, resolved; the operation's win on (name, in)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in (document["paths"][path].get("parameters") or []) + (operation.get("parameters") or []):
        parameter = _resolve(document, raw)
        merged[(parameter["name"], parameter["in"])] = parameter
    return list(merged.values())


def _integration(method: str, path: str, parameters: list[dict[str, Any]], codes: list[str], private: bool,
                 lifecycle: Optional[Lifecycle]) -> dict[str, Any]:
    request = {}
    for parameter in parameters:
        kind = {"path": "path", "query": "querystring", "header": "header"}.get(parameter["in"])
        if kind:
            request[f"integration.request.{kind}.{parameter['name']}"] = f"method.request.{kind}.{parameter['name']}"
    # The caller's identity from the authorizer reaches the backend, so it can enforce data ownership (4.5).
    request["integration.request.header.X-Caller"] = "context.authorizer.principalId"
    extra_headers = {f"method.response.header.{k}": f"'{v}'" for k, v in (lifecycle.headers() if lifecycle else {}).items()}
    success = next((c for c in codes if c.startswith("2")), "200")
    responses: dict[str, Any] = {"default": {"statusCode": success, "responseParameters": dict(extra_headers)}}
    for code in codes:
        if code != success and code[:1] in "12345" and code.isdigit():
            responses[f"^{code}$"] = {"statusCode": code, "responseParameters": dict(extra_headers)}
    integration: dict[str, Any] = {
        "type": "http", "httpMethod": method.upper(), "uri": "${stageVariables.backendUrl}" + path,
        "passthroughBehavior": "when_no_match", "timeoutInMillis": INTEGRATION_TIMEOUT_MS,
        "requestParameters": request, "responses": responses,
    }
    if private:
        integration.update(connectionType="VPC_LINK", connectionId="${stageVariables.vpcLinkId}")
    return integration


def _health_operation(private: bool) -> dict[str, Any]:
    """GET /health: no JWT, no API key (`security: []` overrides the API-wide requirement), proxied to the
    backend's /health so a health check fails when the backend does, not only when the gateway does."""
    integration: dict[str, Any] = {
        "type": "http", "httpMethod": "GET", "uri": "${stageVariables.backendUrl}" + HEALTH_PATH,
        "passthroughBehavior": "when_no_match", "timeoutInMillis": INTEGRATION_TIMEOUT_MS,
        # Only a 2xx from the backend is healthy: anything else (a 404 too) answers 503.
        "responses": {"^2\\d{2}$": {"statusCode": "200"}, "default": {"statusCode": "503"}}}
    if private:
        integration.update(connectionType="VPC_LINK", connectionId="${stageVariables.vpcLinkId}")
    return {"operationId": "health", "summary": "Liveness for DNS health checks (no credentials)", "security": [],
            "responses": {"200": {"description": "healthy"}, "503": {"description": "the backend is unhealthy"}},
            "x-amazon-apigateway-integration": integration}


def documented_resources(document: dict[str, Any]) -> list[str]:
    """Every documented operation as a resource-policy resource, execute-api:/<stage>/<METHOD>/<path>, path
    parameters as wildcards: what the source-IP Deny covers, so /health stays open to health checkers.
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html"""
    found = []
    for path, method, _ in operations(document):
        if path == HEALTH_PATH:
            continue
        segments = ["*" if part.startswith("{") else part for part in path.strip("/").split("/")]
        found.append(f"execute-api:/*/{method.upper()}/{'/'.join(segments)}")
    return sorted(set(found))


def rest_body(document: dict[str, Any], *, title: str, authorizer_uri: str, authorizer_role_arn: str,
              private: bool, require_idempotency_key: bool, lifecycle: Optional[Lifecycle],
              api_keys: bool) -> dict[str, Any]:
    """The REST API body for one version: the OpenAPI document plus API Gateway's extensions."""
    body = copy.deepcopy(document)
    body["info"] = {**body.get("info", {}), "title": title}
    body.pop("servers", None)  # the custom domain and base path decide the address, not the document
    components = body.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    bearer = [name for name, s in schemes.items() if s.get("type") in ("http", "oauth2", "openIdConnect")]
    for name in bearer:
        del schemes[name]
    schemes[JWT_SCHEME] = {
        "type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "oauth2",
        "x-amazon-apigateway-authorizer": {
            # REQUEST, uncached: the authorizer also returns the caller's correlation id for the access log,
            # and a cached decision would carry another request's id.
            "type": "request", "authorizerUri": authorizer_uri, "authorizerCredentials": authorizer_role_arn,
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": 0}}
    requirement: dict[str, list] = {JWT_SCHEME: []}
    if api_keys:
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
        requirement[API_KEY_SCHEME] = []
    body["security"] = [requirement]
    body["x-amazon-apigateway-request-validators"] = {
        "all": {"validateRequestBody": True, "validateRequestParameters": True}}
    body["x-amazon-apigateway-request-validator"] = "all"
    body["x-amazon-apigateway-api-key-source"] = "HEADER"
    for path, method, operation in list(operations(body)):
        parameters = parameters_of(body, path, operation)
        names = {(p["name"].lower(), p["in"]) for p in parameters}
        if (CORRELATION_HEADER.lower(), "header") not in names:
            parameters.append({"name": CORRELATION_HEADER, "in": "header", "required": False, "schema": {"type": "string"}})
        if require_idempotency_key and method in UNSAFE and (IDEMPOTENCY_HEADER.lower(), "header") not in names:
            parameters.append({"name": IDEMPOTENCY_HEADER, "in": "header", "required": True,
                               "description": "Retries with the same key return the first outcome (practice 1.6).",
                               "schema": {"type": "string", "minLength": 8, "maxLength": 128}})
        operation["parameters"] = parameters
        operation["security"] = [dict(requirement)]
        responses = {code: _resolve(body, r) for code, r in (operation.get("responses") or {}).items()}
        if lifecycle:
            for response in responses.values():
                headers = response.setdefault("headers", {})
                for header in lifecycle.headers():
                    headers[header] = {"schema": {"type": "string"}}
        operation["responses"] = responses
        operation["x-amazon-apigateway-integration"] = _integration(
            method, path, parameters, [str(c) for c in responses], private, lifecycle)
    for item in body["paths"].values():
        item.pop("parameters", None)  # merged into each operation above
    body["paths"][HEALTH_PATH] = {"get": _health_operation(private)}
    if lifecycle:
        # Errors the gateway itself answers (throttled, unauthorized) carry the retirement notice too.
        extra = {f"gatewayresponse.header.{k}": f"'{v}'" for k, v in lifecycle.headers().items()}
        body["x-amazon-apigateway-gateway-responses"] = {
            kind: {"responseParameters": extra} for kind in ("DEFAULT_4XX", "DEFAULT_5XX")}
    return body


def route_keys(document: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(HTTP API route key, operationId, documented status codes) for every operation."""
    return [(f"{method.upper()} {path}", str(op.get("operationId") or f"{method}-{path}"),
             [str(c) for c in (op.get("responses") or {}) if str(c).isdigit()])
            for path, method, op in operations(document)]


def access_log_format(caller: str, correlation: str) -> str:
    """One JSON object per request (practice 6.1): request id, correlation id, caller, status, latency."""
    fields = {
        "requestId": "$context.requestId", "correlationId": correlation, "caller": caller, "sourceIp": "$context.identity.sourceIp", "method": "$context.httpMethod",
        "path": "$context.path", "status": "$context.status", "latencyMs": "$context.responseLatency",
        "integrationLatencyMs": "$context.integrationLatency", "time": "$context.requestTimeEpoch",
        "stage": "$context.stage", "error": "$context.error.message",
    }
    return "{" + ",".join(f'"{k}":"{v}"' for k, v in fields.items()) + "}"
