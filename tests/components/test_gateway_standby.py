"""A partner REST API with a standby copy, built alone: the copy in its own region with its own certificate and
load balancer, IAM names that do not collide, the primary's key values, regional names and the health route."""

from __future__ import annotations

import json

import pulumi
import yaml

from components.gateway.gateway import Gateway, GatewayArgs
from components.spec.gateway import ApiSpec

from .conftest import ACCOUNT, aws_provider, build
from ..conftest import ROOT

PRIMARY_NLB = f"arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:loadbalancer/net/orders/50dc6c495c0c9188"
STANDBY_NLB = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:loadbalancer/net/orders/6e1d7d5a6b0d1a29"
STANDBY_CERT = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/7c3e9a15-2b4d-4f6e-8a1c-9d0b2e4f6a83"
ORDERS = ApiSpec.model_validate({
    "name": "orders", "audience": "partner", "owner": "order-management", "region": "eu-central-1",
    "domain": {"name": "orders.unit.example.com",
               "certificate_arn": f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/6e5b1fa7-80e3-4c6f-8fc3-7ade5dbc9b66",
               "mtls_truststore_uri": "s3://unit-truststores/orders/ca.pem"},
    "auth": {"issuer": "https://login.example.com/partners", "audience": "orders"},
    "throttle": {"rate_limit": 50, "burst_limit": 100}, "allowed_callers": ["198.51.100.0/24"],
    "tiers": [{"name": "standard", "rate_limit": 10, "burst_limit": 20, "quota": 1000}],
    "clients": [{"name": "acme", "tier": "standard"}],
    "versions": [{"version": "v1", "backend": {"url": "https://orders.internal.example.com/api/v1"},
                  "deprecation": {"announced": "2026-03-01", "sunset": "2026-12-31", "successor": "v2"}},
                 {"version": "v2", "backend": {"url": "https://orders.internal.example.com/api/v2", "private": True,
                                               "vpc_link_target_arn": PRIMARY_NLB}}],
    "standby": {"region": "eu-west-1", "certificate_arn": STANDBY_CERT, "vpc_link_target_arns": {"v2": STANDBY_NLB}},
})
STANDBY = "hybrid:gateway:StandbyRegion"


def gateway():
    documents = {v: yaml.safe_load((ROOT / "apis" / "partner-orders" / f"{v}.yaml").read_text()) for v in ("v1", "v2")}

    def program():
        return Gateway("orders", GatewayArgs(
            spec=ORDERS, environment="unit", aws_account=ACCOUNT, documents=documents, authorizer_code={},
            protect=False, standby_provider=aws_provider("eu-west-1")),
            pulumi.ResourceOptions(providers={"aws": aws_provider("eu-central-1")}))
    return build(program)


def standby(resource: dict) -> bool:
    return f"${STANDBY}$" in resource["urn"]


def test_the_standby_copy_is_built_with_its_regions_provider_certificate_and_load_balancer():
    built = gateway()
    copies = [r for r in built.resources if standby(r)]
    assert copies and all("aws-eu-west-1" in r["provider"] for r in copies if r.get("provider"))
    primaries = [r for r in built.resources if r["type"].startswith("aws:") and not standby(r)]
    assert primaries and all("aws-eu-central-1" in r["provider"] for r in primaries)
    domains = {(standby(d), d["inputs"]["domainName"]): d["inputs"] for d in built.of_type("aws:apigateway/domainName:DomainName")}
    assert sorted(domains) == [(False, "orders-euc1.unit.example.com"), (False, "orders.unit.example.com"),
                               (True, "orders-euw1.unit.example.com"), (True, "orders.unit.example.com")]
    assert domains[(True, "orders.unit.example.com")]["regionalCertificateArn"] == STANDBY_CERT
    assert domains[(True, "orders-euw1.unit.example.com")]["regionalCertificateArn"] == STANDBY_CERT
    # mTLS on the API's name in both regions; the regional names answer health checkers, which have no client cert.
    assert domains[(True, "orders.unit.example.com")]["mutualTlsAuthentication"]["truststoreUri"]
    assert "mutualTlsAuthentication" not in domains[(True, "orders-euw1.unit.example.com")]
    links = {standby(link): link["inputs"]["targetArn"] for link in built.of_type("aws:apigateway/vpcLink:VpcLink")}
    assert links == {False: PRIMARY_NLB, True: STANDBY_NLB}
    mappings = [m for m in built.of_type("aws:apigateway/basePathMapping:BasePathMapping") if standby(m)]
    assert sorted((m["inputs"]["domainName"], m["inputs"]["basePath"]) for m in mappings) == [
        ("orders-euw1.unit.example.com", "v1"), ("orders-euw1.unit.example.com", "v2"),
        ("orders.unit.example.com", "v1"), ("orders.unit.example.com", "v2")]
    assert set(built.component.regions) == {"eu-central-1", "eu-west-1"}
    assert built.component.regions["eu-west-1"].hostname == "orders-euw1.unit.example.com"


def test_global_iam_names_do_not_collide_and_the_copy_keeps_the_primarys_key_values():
    built = gateway()
    roles = [r["inputs"]["name"] for r in built.of_type("aws:iam/role:Role")]
    assert len(roles) == 4 and len(set(roles)) == 4
    assert sorted(r for r in roles if "euw1" in r) == ["unit-orders-euw1-authorizer", "unit-orders-euw1-authorizer-invoker"]
    [primary_key] = [k for k in built.of_type("aws:apigateway/apiKey:ApiKey") if not standby(k)]
    [copy_key] = [k for k in built.of_type("aws:apigateway/apiKey:ApiKey") if standby(k)]
    assert "value" not in primary_key["inputs"]
    assert copy_key["inputs"]["value"]["ciphertext"] == "[redacted]", "the key value stays a secret"
    assert primary_key["urn"] in copy_key["dependencies"]
    assert copy_key["inputs"]["name"] == primary_key["inputs"]["name"]


def test_the_health_route_is_open_and_outside_the_source_ip_deny_while_documented_routes_stay_closed():
    built = gateway()
    for api in built.of_type("aws:apigateway/restApi:RestApi"):
        body = json.loads(api["inputs"]["body"])
        health = body["paths"]["/health"]["get"]
        assert health["security"] == []
        integration = health["x-amazon-apigateway-integration"]
        assert integration["uri"] == "${stageVariables.backendUrl}/health" and integration["httpMethod"] == "GET"
        # Only a 2xx from the backend reads healthy; a 404 or 5xx from it answers 503.
        assert integration["responses"]["default"]["statusCode"] == "503"
        assert [c["statusCode"] for p, c in integration["responses"].items() if p != "default"] == ["200"]
        private = api["inputs"]["name"].endswith("v2")
        assert (integration.get("connectionType") == "VPC_LINK") == private
        others = [op for path, item in body["paths"].items() if path != "/health" for op in item.values()]
        assert others and all(op["security"] and op["security"][0] for op in others)
        allow, deny = json.loads(api["inputs"]["policy"])["Statement"]
        assert allow["Resource"] == "execute-api:/*"
        assert deny["Condition"] == {"NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}}
        assert "execute-api:/*/GET/orders/*" in deny["Resource"]
        assert not any("health" in r or r == "execute-api:/*" for r in deny["Resource"])


def test_the_web_acl_lets_the_regional_name_answer_health_only():
    built = gateway()
    for acl in built.of_type("aws:wafv2/webAcl:WebAcl"):
        rule = next(r for r in acl["inputs"]["rules"] if r["name"] == "regional-name-health-only")
        host, not_health = rule["statement"]["andStatement"]["statements"]
        expected = "orders-euw1.unit.example.com" if standby(acl) else "orders-euc1.unit.example.com"
        assert host["byteMatchStatement"]["searchString"] == expected
        assert host["byteMatchStatement"]["fieldToMatch"]["singleHeader"]["name"] == "host"
        path = not_health["notStatement"]["statement"]["byteMatchStatement"]
        assert (path["positionalConstraint"], path["searchString"]) == ("ENDS_WITH", "/health")
        assert "block" in rule["action"]
