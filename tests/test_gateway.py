"""Gateways as planned for the shipped environments: every concern of issue 4, asserted against the spec."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
import yaml

from components.gateway.documents import Lifecycle, rest_body
from components.spec import SpecError, parse_environment

from .conftest import ROOT, by_name, by_type, load_spec_data

ENVS = ("dev", "staging", "prod")


def api_spec(env: str, name: str) -> dict:
    return next(a for a in load_spec_data(env)["gateways"]["apis"] if a["name"] == name)


def body(plan, version: str) -> dict:
    return json.loads(by_name(plan, f"api-partner-orders-{version}")["inputs"]["body"])


@pytest.mark.parametrize("env", ENVS)
def test_partner_api_versions_on_a_tls12_domain_with_a_stage_per_environment(plans, env):
    plan, spec = plans[env], api_spec(env, "partner-orders")
    domain = by_name(plan, "api-partner-orders-domain")["inputs"]
    assert domain["domainName"] == spec["domain"]["name"] and domain["securityPolicy"] == "TLS_1_2"
    assert domain["regionalCertificateArn"] == spec["domain"]["certificate_arn"]
    assert ("mutualTlsAuthentication" in domain) == ("mtls_truststore_uri" in spec["domain"])
    for version in ("v1", "v2"):
        mapping = by_name(plan, f"api-partner-orders-{version}-mapping")["inputs"]
        assert mapping["basePath"] == version and mapping["stageName"] == env
        stage = by_name(plan, f"api-partner-orders-{version}-stage")["inputs"]
        assert stage["stageName"] == env and stage["xrayTracingEnabled"] is True
        backend = next(v for v in spec["versions"] if v["version"] == version)["backend"]
        assert stage["variables"]["backendUrl"] == backend["url"]
        log_format = json.loads(stage["accessLogSettings"]["format"])
        assert {"requestId", "correlationId", "caller", "status", "latencyMs"} <= set(log_format)
        assert log_format["correlationId"] == "$context.authorizer.correlationId"
        settings = by_name(plan, f"api-partner-orders-{version}-method-settings")["inputs"]
        assert settings["methodPath"] == "*/*"
        assert settings["settings"]["throttlingRateLimit"] == spec["throttle"]["rate_limit"]
        assert settings["settings"]["throttlingBurstLimit"] == spec["throttle"]["burst_limit"]
        assert settings["settings"]["dataTraceEnabled"] is False
        rest_api = by_name(plan, f"api-partner-orders-{version}")
        waf = by_name(plan, f"api-partner-orders-{version}-waf")["inputs"]
        assert waf["resourceArn"].endswith(f"/restapis/{rest_api['id']}/stages/{env}")
        assert rest_api["inputs"]["disableExecuteApiEndpoint"] is True


def test_access_rules_differ_per_environment(plans):
    callers = {}
    for env in ENVS:
        policy = json.loads(by_name(plans[env], "api-partner-orders-v1")["inputs"]["policy"])
        callers[env] = policy["Statement"][1]["Condition"]["NotIpAddress"]["aws:SourceIp"]
        assert callers[env] == sorted(api_spec(env, "partner-orders")["allowed_callers"])
    assert callers["dev"] != callers["prod"]


@pytest.mark.parametrize("env", ENVS)
def test_usage_plans_per_tier_and_keys_per_client(plans, env):
    plan, spec = plans[env], api_spec(env, "partner-orders")
    for tier in spec["tiers"]:
        usage = by_name(plan, f"api-partner-orders-plan-{tier['name']}")["inputs"]
        assert usage["throttleSettings"] == {"rateLimit": tier["rate_limit"], "burstLimit": tier["burst_limit"]}
        assert usage["quotaSettings"] == {"limit": tier["quota"], "period": tier["quota_period"]}
        assert len(usage["apiStages"]) == 2
    all_keys = by_type(plan, "aws:apigateway/apiKey:ApiKey")
    keys = [k for k in all_keys if "StandbyRegion" not in k["urn"]]
    assert sorted(k["urn"].rsplit("-key-", 1)[1] for k in keys) == sorted(c["name"] for c in spec["clients"])
    assert all(k["protect"] == (env == "prod") for k in all_keys)
    assert "value" not in keys[0]["inputs"]
    # The standby copy's keys take the primary's generated value: secret in the plan, ordered after it.
    copies = [k for k in all_keys if "StandbyRegion" in k["urn"]]
    assert len(copies) == (len(keys) if spec.get("standby") else 0)
    primary_urns = {k["urn"] for k in keys}
    for standby_key in copies:
        assert standby_key["inputs"]["value"]["ciphertext"] == "[redacted]"
        assert primary_urns & set(standby_key["dependencies"])


def test_body_has_validator_authorizer_api_key_and_idempotency(plans):
    doc = body(plans["prod"], "v2")
    assert doc["x-amazon-apigateway-request-validator"] == "all"
    assert doc["x-amazon-apigateway-request-validators"]["all"] == {"validateRequestBody": True,
                                                                    "validateRequestParameters": True}
    authorizer = doc["components"]["securitySchemes"]["jwtAuthorizer"]["x-amazon-apigateway-authorizer"]
    function = by_name(plans["prod"], "api-partner-orders-authorizer")
    assert authorizer["authorizerUri"].endswith(f"function:{function['inputs']['name']}/invocations")
    post = doc["paths"]["/orders"]["post"]
    assert post["security"] == [{"jwtAuthorizer": [], "apiKey": []}]
    key = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True
    get = doc["paths"]["/orders"]["get"]
    assert not any(p["name"] == "Idempotency-Key" for p in get["parameters"])
    integration = post["x-amazon-apigateway-integration"]
    assert integration["connectionType"] == "VPC_LINK" and integration["uri"] == "${stageVariables.backendUrl}/orders"
    assert integration["requestParameters"]["integration.request.header.Idempotency-Key"] == \
        "method.request.header.Idempotency-Key"


def test_authorizer_verifies_the_spec_issuer_and_audience(plans):
    for env in ("dev", "prod"):
        spec = api_spec(env, "partner-orders")["auth"]
        function = by_name(plans[env], "api-partner-orders-authorizer")["inputs"]
        assert function["environment"]["variables"]["ISSUER"] == spec["issuer"]
        assert function["environment"]["variables"]["AUDIENCE"] == spec["audience"]
        assert function["tracingConfig"] == {"mode": "Active"}
    assert api_spec("dev", "partner-orders")["auth"]["issuer"] != api_spec("prod", "partner-orders")["auth"]["issuer"]


def test_deprecated_version_carries_deprecation_sunset_and_link_headers(plans):
    v1, v2 = body(plans["prod"], "v1"), body(plans["prod"], "v2")
    responses = v1["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["responses"]
    params = responses["default"]["responseParameters"]
    assert params["method.response.header.Deprecation"] == "'@1772323200'"  # 2026-03-01
    assert params["method.response.header.Sunset"] == "'Thu, 31 Dec 2026 00:00:00 GMT'"
    assert "successor-version" in params["method.response.header.Link"]
    assert "Deprecation" in v1["paths"]["/orders"]["get"]["responses"]["200"]["headers"]
    assert "gatewayresponse.header.Sunset" in v1["x-amazon-apigateway-gateway-responses"]["DEFAULT_4XX"]["responseParameters"]
    assert "x-amazon-apigateway-gateway-responses" not in v2
    lifecycle = plans["prod"].export["deployment"]["resources"][0]["outputs"]["api_lifecycle"]["partner-orders"]
    assert lifecycle["v1"] == {"status": "deprecated", "deprecation": "2026-03-01", "sunset": "2026-12-31",
                               "successor": "v2"}
    assert lifecycle["v2"]["status"] == "current"


def test_lifecycle_headers_follow_the_dates():
    one = Lifecycle(date(2026, 1, 1), date(2026, 6, 30)).headers()
    two = Lifecycle(date(2025, 1, 1), date(2027, 1, 1), "https://x.example.com/v3").headers()
    assert one == {"Deprecation": "@1767225600", "Sunset": "Tue, 30 Jun 2026 00:00:00 GMT"}
    assert two["Link"] == '<https://x.example.com/v3>; rel="successor-version"' and two["Deprecation"] == "@1735689600"


def test_idempotency_header_only_when_asked():
    document = yaml.safe_load((ROOT / "apis" / "inventory" / "v1.yaml").read_text())
    kwargs = dict(title="t", authorizer_uri="arn:u", authorizer_role_arn="arn:r", private=False, lifecycle=None,
                  api_keys=False)
    without = rest_body(document, require_idempotency_key=False, **kwargs)
    with_key = rest_body(document, require_idempotency_key=True, **kwargs)
    put = "/stock-levels/{sku}"
    assert not any(p["name"] == "Idempotency-Key" for p in without["paths"][put]["put"]["parameters"])
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in with_key["paths"][put]["put"]["parameters"])
    assert without["security"] == [{"jwtAuthorizer": []}]


@pytest.mark.parametrize("env", ENVS)
def test_internal_api_is_an_http_api_with_jwt_on_every_route_and_a_vpc_link(plans, env):
    plan, spec = plans[env], api_spec(env, "inventory")
    routes = by_type(plan, "aws:apigatewayv2/route:Route")
    assert sorted(r["inputs"]["routeKey"] for r in routes) == [
        "GET /stock-levels", "GET /stock-levels/{sku}", "PUT /stock-levels/{sku}"]
    assert all(r["inputs"]["authorizationType"] == "JWT" and r["inputs"]["authorizerId"] for r in routes)
    jwt = by_name(plan, "api-inventory-v1-jwt")["inputs"]["jwtConfiguration"]
    assert jwt == {"issuer": spec["auth"]["issuer"], "audiences": [spec["auth"]["audience"]]}
    stage = by_name(plan, "api-inventory-v1-stage")["inputs"]
    assert stage["name"] == env
    assert stage["defaultRouteSettings"]["throttlingRateLimit"] == spec["throttle"]["rate_limit"]
    integration = by_name(plan, "api-inventory-v1-getStockLevel-integration")["inputs"]
    assert integration["connectionType"] == "VPC_LINK"
    assert integration["integrationUri"] == spec["versions"][0]["backend"]["vpc_link_target_arn"]
    domain = by_name(plan, "api-inventory-domain")["inputs"]["domainNameConfiguration"]
    assert domain["securityPolicy"] == "TLS_1_2"
    egress = by_name(plan, "api-inventory-vpc-link-sg")["inputs"]["egress"][0]
    assert egress["fromPort"] == 443 and "0.0.0.0/0" not in egress["cidrBlocks"]


def test_api_management_only_in_prod_with_tls12_products_and_policies(plans):
    assert not by_type(plans["dev"], "azure-native:apimanagement:ApiManagementService")
    assert not by_type(plans["staging"], "azure-native:apimanagement:ApiManagementService")
    plan, spec = plans["prod"], api_spec("prod", "partner-orders")
    service = by_type(plan, "azure-native:apimanagement:ApiManagementService")
    assert len(service) == 1 and service[0]["protect"] is True
    props = service[0]["inputs"]["customProperties"]
    assert props["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11"] == "False"
    assert props["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30"] == "False"
    assert props["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168"] == "False"
    assert service[0]["inputs"]["hostnameConfigurations"][0]["negotiateClientCertificate"] is True
    apis = {a["inputs"].get("apiVersion", "health"): a["inputs"] for a in by_type(plan, "azure-native:apimanagement:Api")}
    # v2's backend is private (behind the AWS VPC link): API Management, with no network path to it, serves v1 only,
    # and answers Traffic Manager's probes through the health API, on v1's backend.
    assert set(apis) == {"v1", "health"} and apis["v1"]["isCurrent"]
    assert apis["health"]["serviceUrl"] == apis["v1"]["serviceUrl"] and not apis["health"]["subscriptionRequired"]
    assert json.loads(apis["v1"]["value"])["info"]["title"] == "Partner Orders"
    assert by_type(plan, "azure-native:apimanagement:ApiVersionSet")[0]["inputs"]["versioningScheme"] == "Segment"
    for tier in spec["tiers"]:
        policy = by_name(plan, f"api-partner-orders-apim-{tier['name']}-policy")["inputs"]["value"]
        assert f'<quota calls="{tier["quota"]}" renewal-period="86400" />' in policy
        assert f'<rate-limit calls="{int(tier["rate_limit"] * 60)}" renewal-period="60" />' in policy
    v1_policy = by_name(plan, "api-partner-orders-apim-v1-policy")["inputs"]["value"]
    assert "<validate-jwt" in v1_policy and spec["auth"]["audience"] in v1_policy
    assert '<set-header name="Sunset"' in v1_policy and "Idempotency-Key" in v1_policy
    diagnostic = by_type(plan, "azure-native:apimanagement:Diagnostic")[0]["inputs"]
    assert diagnostic["httpCorrelationProtocol"] == "W3C"
    logger = by_type(plan, "azure-native:apimanagement:Logger")[0]["inputs"]
    assert "ciphertext" in json.dumps(logger["credentials"])  # the instrumentation key stays secret


def base_spec() -> dict:
    return copy.deepcopy(load_spec_data("prod"))


def issues_for(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", {"kubeconfig"})
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_spec_cross_checks_name_the_field():
    data = base_spec()
    api = data["gateways"]["apis"][0]
    api["region"] = "eu-west-1"
    api["clients"].append({"name": "initech", "tier": "gold"})
    api["versions"][1]["backend"] = {"url": "https://x.example.com", "private": True}
    api["versions"][0]["deprecation"]["successor"] = "v1"
    data["gateways"]["apis"][1]["tiers"] = [{"name": "tt", "rate_limit": 1, "burst_limit": 1, "quota": 1}]
    found = issues_for(data)
    assert ("gateways.apis[0].domain.certificate_arn: expected an ACM certificate in the API's region eu-west-1, "
            "got one in eu-central-1") in found
    assert "gateways.apis[0].clients[2].tier: undefined tier 'gold'; expected one of: premium, standard" in found
    assert any(f.startswith("gateways.apis[0].versions[1].backend.vpc_link_target_arn: a private backend needs") for f in found)
    assert "gateways.apis[0].versions[0].deprecation.successor: expected a later version of this API (v1, v2)" in found
    assert any(f.startswith("gateways.apis[1].tiers: only partner APIs (REST) support this") for f in found)


def test_spec_refuses_bad_dates_and_azure_without_api_management():
    data = base_spec()
    data["gateways"]["apis"][0]["versions"][0]["deprecation"]["sunset"] = "2026-01-01"
    del data["gateways"]["api_management"]
    found = issues_for(data)
    assert any(f.startswith("gateways.apis[0].versions[0].deprecation:") and "sunset must come after" in f for f in found)
    data = base_spec()
    del data["gateways"]["api_management"]
    assert "gateways.apis[0].clouds: azure needs gateways.api_management (publisher and SKU)" in issues_for(data)


def test_a_standby_copy_is_refused_unless_it_is_another_region_with_its_own_certificate_and_load_balancers():
    data = base_spec()
    standby = data["gateways"]["apis"][0]["standby"]
    standby["certificate_arn"] = standby["certificate_arn"].replace("eu-west-1", "eu-central-1").replace(
        "432109876543", "999999999999")
    standby["vpc_link_target_arns"] = {"v1": standby["vpc_link_target_arns"]["v2"].replace("eu-west-1", "us-east-1")}
    found = issues_for(data)
    assert ("gateways.apis[0].standby.certificate_arn: expected an ACM certificate in the standby region eu-west-1, "
            "got one in eu-central-1") in found
    assert "gateways.apis[0].standby.certificate_arn: expected a certificate in account 432109876543, got one in 999999999999" in found
    assert any(f.startswith("gateways.apis[0].standby.vpc_link_target_arns.v1: version v1 has a public backend") for f in found)
    assert any(f.startswith("gateways.apis[0].standby.vpc_link_target_arns.v1: expected a load balancer in eu-west-1")
               for f in found)
    assert any(f.startswith("gateways.apis[0].standby.vpc_link_target_arns: version v2 has a private backend") for f in found)


def test_a_standby_in_the_apis_own_or_an_undeclared_region_or_on_an_internal_api_is_refused():
    data = base_spec()
    data["gateways"]["apis"][0]["standby"]["region"] = "eu-central-1"
    assert "gateways.apis[0].standby.region: expected a region other than the API's own (eu-central-1)" in issues_for(data)
    data = base_spec()
    data["gateways"]["apis"][0]["standby"]["region"] = "ap-southeast-2"
    assert any(f.startswith("gateways.apis[0].standby.region: undefined AWS region 'ap-southeast-2'") for f in issues_for(data))
    data = base_spec()
    data["gateways"]["apis"][1]["standby"] = copy.deepcopy(data["gateways"]["apis"][0]["standby"])
    assert any(f.startswith("gateways.apis[1].standby: a standby copy is built for partner (REST) APIs only")
               for f in issues_for(data))
    data = base_spec()
    data["gateways"]["apis"][0]["standby"]["vpc_link_target_arns"]["v2"] = "arn:aws:elasticloadbalancing:eu-west-1:432109876543:listener/app/x/1/2"
    assert any("expected a network load balancer ARN" in f for f in issues_for(data))


def test_the_standby_certificate_and_load_balancer_are_on_the_prerequisites_checklist():
    from components.spec.prerequisites import typed_externals
    from components.spec import load_environment
    spec = load_environment(ROOT / "environments" / "prod.yaml")
    fields = {e.field: e for e in typed_externals(spec)}
    cert = fields["gateways.apis[0].standby.certificate_arn"]
    assert cert.kind == "certificate" and "orders-euw1.api.example.com" in cert.purpose and "cover both" in cert.purpose
    assert fields["gateways.apis[0].standby.vpc_link_target_arns.v2"].kind == "load-balancer"
