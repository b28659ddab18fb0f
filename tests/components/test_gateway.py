"""Gateway built alone: an internal HTTP API behind the JWT authorizer and a VPC link, access-logged."""

from __future__ import annotations

import pulumi
import yaml

from components.gateway.aws_http import PrivateNetwork
from components.gateway.gateway import Gateway, GatewayArgs
from components.spec.gateway import ApiSpec

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build
from ..conftest import ROOT

LISTENER = f"arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:listener/app/inventory/50dc6c495c0c9188/f2f7dc8efc522ab2"
INVENTORY = ApiSpec.model_validate({
    "name": "inventory", "audience": "internal", "owner": "supply-chain", "region": "eu-central-1",
    "domain": {"name": "inventory.unit.example.com",
               "certificate_arn": f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/6e5b1fa7-80e3-4c6f-8fc3-7ade5dbc9b66"},
    "auth": {"issuer": "https://login.example.com/workforce", "audience": "inventory"},
    "throttle": {"rate_limit": 200, "burst_limit": 400}, "log_retention_days": 365,
    "versions": [{"version": "v1", "backend": {"url": "https://inventory.internal.example.com", "private": True,
                                                "vpc_link_target_arn": LISTENER}}],
})


def gateway():
    documents = {"v1": yaml.safe_load((ROOT / "apis" / "inventory" / "v1.yaml").read_text())}

    def program():
        return Gateway("inventory", GatewayArgs(
            spec=INVENTORY, environment="unit", aws_account=ACCOUNT, documents=documents, authorizer_code={},
            protect=False, network=PrivateNetwork(vpc_id="vpc-0abc", subnet_ids=["subnet-a", "subnet-b"],
                                                  backend_cidrs=["10.10.0.0/16"])),
            pulumi.ResourceOptions(provider=aws_provider("eu-central-1")))
    return build(program)


def test_the_internal_api_validates_jwts_for_its_audience_and_throttles_its_stage():
    built = gateway()
    assert_children_named_after(built, "hybrid:gateway:Gateway", "inventory")
    authorizers = built.of_type("aws:apigatewayv2/authorizer:Authorizer")
    assert len(authorizers) == 1
    jwt = authorizers[0]["inputs"]
    assert jwt["authorizerType"] == "JWT"
    assert jwt["jwtConfiguration"] == {"audiences": ["inventory"], "issuer": "https://login.example.com/workforce"}
    stage = built.of_type("aws:apigatewayv2/stage:Stage")[0]["inputs"]
    assert stage["defaultRouteSettings"]["throttlingRateLimit"] == 200
    assert stage["defaultRouteSettings"]["throttlingBurstLimit"] == 400
    log_group = built.of_type("aws:cloudwatch/logGroup:LogGroup")[0]
    assert log_group["inputs"]["retentionInDays"] == 365
    assert stage["accessLogSettings"]["destinationArn"].endswith(log_group["inputs"]["name"])


def test_a_private_backend_is_reached_through_a_vpc_link_in_the_given_subnets():
    built = gateway()
    links = built.of_type("aws:apigatewayv2/vpcLink:VpcLink")
    assert len(links) == 1 and links[0]["inputs"]["subnetIds"] == ["subnet-a", "subnet-b"]
    integrations = built.of_type("aws:apigatewayv2/integration:Integration")
    assert integrations and all(i["inputs"]["connectionType"] == "VPC_LINK" and i["inputs"]["integrationUri"] == LISTENER
                                for i in integrations)
    domain = built.of_type("aws:apigatewayv2/domainName:DomainName")[0]["inputs"]
    assert domain["domainNameConfiguration"]["securityPolicy"] == "TLS_1_2"
    assert built.component.base_urls == {"v1": "https://inventory.unit.example.com/v1"}
