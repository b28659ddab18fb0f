"""Gateway rules: a compliant case and a non-compliant one per rule, changing a single property."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import ALL_RULES
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource

TODAY = date(2026, 11, 28)
ARN = "arn:aws:apigateway:eu-central-1::/restapis/{}/stages/prod"
LOGS = {"destinationArn": "arn:aws:logs:eu-central-1:111122223333:log-group:/aws/apigateway/x",
        "format": '{"requestId":"$context.requestId"}'}


def res(type_: str, name: str = "r", **props) -> Resource:
    return Resource(urn=f"urn:pulumi:prod::hybrid::{type_}::{name}", type=type_, name=name,
                    props=unknown_checking_proxy(props), provider_type="pulumi:providers:aws",
                    provider_props={"region": "eu-central-1"})


def verdict(rule_id: str, *resources: Resource, tier: str = "production", exemptions=None):
    rule = next(r for r in ALL_RULES if r.id == rule_id)
    config = {rule_id: {"enforcementLevel": "mandatory", "tier": tier, "exemptions": exemptions or []}}
    return evaluate(list(resources), [rule], config, TODAY)[0]


def found(v) -> list[str]:
    return [m for _, m in v.violations]


def test_tls_on_rest_http_and_api_management_domains():
    rule = "gateway-tls-minimum"
    assert verdict(rule, res("aws:apigateway/domainName:DomainName", securityPolicy="TLS_1_2")).passed
    assert verdict(rule, res("aws:apigateway/domainName:DomainName", securityPolicy="SecurityPolicy_TLS13_1_2_2021_06")).passed
    assert found(verdict(rule, res("aws:apigateway/domainName:DomainName", securityPolicy="TLS_1_0"))) == [
        "custom domain does not enforce TLS 1.2 or later (securityPolicy)"]
    v2 = "aws:apigatewayv2/domainName:DomainName"
    assert verdict(rule, res(v2, domainNameConfiguration={"securityPolicy": "TLS_1_2"})).passed
    assert not verdict(rule, res(v2, domainNameConfiguration={"securityPolicy": "TLS_1_0"})).passed
    from components.gateway.azure_apim import tls_custom_properties
    apim = "azure-native:apimanagement:ApiManagementService"
    assert verdict(rule, res(apim, customProperties=tls_custom_properties())).passed
    weak = {**tls_custom_properties(), "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": "True"}
    assert found(verdict(rule, res(apim, customProperties=weak))) == [
        "protocols older than TLS 1.2 are not explicitly disabled: Protocols.Tls10"]


def test_every_route_is_authorized_unless_exempted():
    rule = "gateway-route-authorization"
    body = {"security": [{"jwt": []}], "paths": {"/a": {"get": {}, "post": {"security": [{"jwt": []}]}}}}
    assert verdict(rule, res("aws:apigateway/restApi:RestApi", body=json.dumps(body))).passed
    body["paths"]["/a"]["post"]["security"] = [{}]
    body["paths"]["/a"]["get"]["security"] = []
    assert found(verdict(rule, res("aws:apigateway/restApi:RestApi", body=json.dumps(body)))) == [
        "2 operation(s) in the API body have no security requirement (or allow anonymous access)"]
    assert verdict(rule, res("aws:apigatewayv2/route:Route", authorizationType="JWT")).passed
    assert found(verdict(rule, res("aws:apigatewayv2/route:Route", authorizationType="NONE"))) == [
        "route has authorization NONE"]
    assert not verdict(rule, res("aws:apigateway/method:Method", authorization="NONE")).passed
    assert verdict(rule, res("aws:apigateway/method:Method", authorization="CUSTOM")).passed
    exempt = [{"resource": "health", "justification": "load balancer health probe, returns no data", "expires": "2027-01-01"}]
    assert verdict(rule, res("aws:apigatewayv2/route:Route", name="health"), exemptions=exempt).passed
    expired = [{**exempt[0], "expires": "2026-01-01"}]
    assert not verdict(rule, res("aws:apigatewayv2/route:Route", name="health"), exemptions=expired).passed


def test_throttling_on_rest_and_http_stages():
    rule = "gateway-stage-throttling"
    stage = res("aws:apigateway/stage:Stage", "s", restApi="abc", stageName="prod")
    settings = res("aws:apigateway/methodSettings:MethodSettings", "m", restApi="abc", stageName="prod", methodPath="*/*",
                   settings={"throttlingRateLimit": 10, "throttlingBurstLimit": 20})
    assert verdict(rule, stage, settings).passed
    other = res("aws:apigateway/methodSettings:MethodSettings", "m", restApi="xyz", stageName="prod", methodPath="*/*",
                settings={"throttlingRateLimit": 10, "throttlingBurstLimit": 20})
    assert found(verdict(rule, stage, other)) == [
        "stage has no stage-wide (*/*) method throttling with positive rate and burst limits"]
    http = "aws:apigatewayv2/stage:Stage"
    assert verdict(rule, res(http, defaultRouteSettings={"throttlingRateLimit": 5, "throttlingBurstLimit": 5})).passed
    assert not verdict(rule, res(http, defaultRouteSettings={"throttlingRateLimit": 5})).passed


def test_access_logging():
    rule = "gateway-access-logging"
    assert verdict(rule, res("aws:apigateway/stage:Stage", accessLogSettings=LOGS)).passed
    assert found(verdict(rule, res("aws:apigatewayv2/stage:Stage"))) == ["stage has no access log destination and format"]
    no_id = {**LOGS, "format": '{"status":"$context.status"}'}
    assert not verdict(rule, res("aws:apigateway/stage:Stage", accessLogSettings=no_id)).passed


@pytest.mark.parametrize("tier, enabled, passes", [
    ("production", True, True), ("production", False, False), ("staging", False, False), ("development", False, True)])
def test_tracing_outside_development(tier, enabled, passes):
    v = verdict("gateway-tracing", res("aws:apigateway/stage:Stage", xrayTracingEnabled=enabled), tier=tier)
    assert v.passed is passes


def test_tracing_says_why_http_apis_cannot_comply():
    v = verdict("gateway-tracing", res("aws:apigatewayv2/stage:Stage"))
    assert v.passed and "HTTP APIs do not support X-Ray" in v.not_applicable[0][1]


def test_waf_on_every_production_stage():
    rule = "gateway-waf-required"
    stage = res("aws:apigateway/stage:Stage", "s", restApi="abc", stageName="prod")
    association = res("aws:wafv2/webAclAssociation:WebAclAssociation", "w", resourceArn=ARN.format("abc"),
                      webAclArn="arn:aws:wafv2:eu-central-1:111122223333:regional/webacl/x/1")
    assert verdict(rule, stage, association).passed
    elsewhere = res("aws:wafv2/webAclAssociation:WebAclAssociation", "w", resourceArn=ARN.format("other"),
                    webAclArn="arn:aws:wafv2:eu-central-1:111122223333:regional/webacl/x/1")
    assert found(verdict(rule, stage, elsewhere)) == ["production stage has no WAF web ACL associated"]
    assert verdict(rule, stage, tier="staging").passed


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_plans_pass_every_gateway_rule_and_each_rule_judges_something(plans, env):
    from components.spec import load_environment
    from scripts.checker.run import check_document

    from .conftest import ROOT

    spec = load_environment(ROOT / "environments" / f"{env}.yaml")
    verdicts = {v.rule.id: v for v in check_document(plans[env].export, spec, TODAY) if v.rule.id.startswith("gateway-")}
    assert len(verdicts) == 6
    for rule_id, v in verdicts.items():
        assert v.passed, (rule_id, v.violations)
    assert len(verdicts["gateway-route-authorization"].not_applicable) == 0


def test_only_the_generated_health_probe_may_be_open():
    from components.gateway.documents import HEALTH_PATH, _health_operation
    rule = "gateway-route-authorization"

    def body_with(path: str, method: str, operation: dict) -> str:
        return json.dumps({"security": [{"jwt": []}], "paths": {"/a": {"get": {}}, path: {method: operation}}})

    probe = _health_operation(private=True)
    assert verdict(rule, res("aws:apigateway/restApi:RestApi", body=body_with(HEALTH_PATH, "get", probe))).passed
    near_misses = [
        (HEALTH_PATH, "post", probe),
        ("/healthz", "get", probe),
        (HEALTH_PATH, "get", {**probe, "parameters": [{"name": "q", "in": "query"}]}),
        (HEALTH_PATH, "get", {**probe, "x-amazon-apigateway-integration": {
            **probe["x-amazon-apigateway-integration"], "uri": "${stageVariables.backendUrl}/orders"}}),
    ]
    for path, method, operation in near_misses:
        assert found(verdict(rule, res("aws:apigateway/restApi:RestApi", body=body_with(path, method, operation)))) == [
            "1 operation(s) in the API body have no security requirement (or allow anonymous access)"], (path, method)
