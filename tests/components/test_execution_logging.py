"""REST stages log through the account's API Gateway CloudWatch Logs role: created by the stack when the spec
owns the setting (stages wait for it), otherwise declared per region as a prerequisite and verified."""

from __future__ import annotations

import copy
import json

import pulumi
import pytest
import yaml

from components.gateway.account import PUSH_TO_CLOUDWATCH_LOGS, ExecutionLogging
from components.gateway.gateway import Gateway, GatewayArgs
from components.gateway.sources import read_authorizer_code
from components.spec import SpecError, parse_environment
from components.spec.gateway import ApiSpec
from scripts.prerequisites import checklist

from .conftest import ACCOUNT, aws_provider, build
from ..conftest import ROOT, load_spec_data

CERT = f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/2a1d7b63-4caf-4e2b-8b8f-3c9a1f7e5d22"
ORDERS = ApiSpec.model_validate({
    "name": "partner-orders", "audience": "partner", "owner": "order-management", "region": "eu-central-1",
    "domain": {"name": "orders.unit.example.com", "certificate_arn": CERT},
    "auth": {"issuer": "https://login.example.com/partners", "audience": "partner-orders"},
    "throttle": {"rate_limit": 50, "burst_limit": 100},
    "tiers": [{"name": "standard", "rate_limit": 10, "burst_limit": 20, "quota": 5000}],
    "versions": [{"version": "v2", "backend": {"url": "https://orders.internal.example.com/api/v2"}}],
})


def partner_gateway(with_setting: bool):
    documents = {"v2": yaml.safe_load((ROOT / "apis" / "partner-orders" / "v2.yaml").read_text())}

    def program():
        provider = aws_provider("eu-central-1")
        setting = ExecutionLogging("apigw-account-euc1", "unit", "eu-central-1",
                                   pulumi.ResourceOptions(provider=provider)) if with_setting else None
        return Gateway("api-partner-orders", GatewayArgs(
            spec=ORDERS, environment="unit", aws_account=ACCOUNT, documents=documents,
            authorizer_code=read_authorizer_code(ROOT), protect=False,
            execution_logging=setting.setting if setting else None), pulumi.ResourceOptions(provider=provider))
    return build(program)


def test_the_stack_owned_setting_names_a_role_api_gateway_assumes_and_stages_wait_for_it():
    built = partner_gateway(with_setting=True)
    account = built.of_type("aws:apigateway/account:Account")
    assert len(account) == 1
    role = built.named("apigw-account-euc1-role")
    trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    attachment = built.named("apigw-account-euc1-push-logs")
    assert attachment["inputs"]["policyArn"] == PUSH_TO_CLOUDWATCH_LOGS
    assert account[0]["inputs"]["cloudwatchRoleArn"].endswith(f":role/{role['inputs']['name']}")
    assert attachment["urn"] in account[0]["dependencies"], "the setting is validated against the role's permissions"
    for type_ in ("aws:apigateway/stage:Stage", "aws:apigateway/methodSettings:MethodSettings"):
        for resource in built.of_type(type_):
            assert account[0]["urn"] in resource["dependencies"], f"{resource['urn']} may be created before the setting"


def test_without_the_stack_owned_setting_nothing_account_wide_is_created():
    built = partner_gateway(with_setting=False)
    assert not built.of_type("aws:apigateway/account:Account")
    assert built.of_type("aws:apigateway/stage:Stage")


def issues_for(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/dev.yaml", {"kubeconfig", "vpnPresharedKeys", "oncallEndpoints"})
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_a_region_with_rest_stages_needs_the_setting_created_or_declared():
    data = copy.deepcopy(load_spec_data("dev"))
    data["gateways"].pop("execution_logging_role")
    assert issues_for(data) == [
        "gateways.execution_logging_role: REST stages in eu-central-1 log through the account's API Gateway "
        "CloudWatch Logs role; expected prerequisites.api_gateway_accounts to declare it for eu-central-1, "
        "or execution_logging_role: created"]
    role = f"arn:aws:iam::{data['accounts']['aws']['account_id']}:role/apigateway-cloudwatch"
    data["prerequisites"] = {"api_gateway_accounts": [
        {"region": "eu-central-1", "cloudwatch_role_arn": role, "purpose": "set once per account by the platform team"}]}
    spec = parse_environment(data, "environments/dev.yaml", {"kubeconfig", "vpnPresharedKeys", "oncallEndpoints"})
    assert role in spec.prerequisites.identifiers()
    row = next(i for i in checklist(spec) if i.kind == "api-gateway-account")
    assert row.id == "eu-central-1" and "aws apigateway get-account --region eu-central-1" in row.verify and role in row.verify
    data["gateways"]["execution_logging_role"] = "created"
    assert issues_for(data) == [
        "gateways.execution_logging_role: eu-central-1's API Gateway account setting is declared in "
        "prerequisites.api_gateway_accounts; expected execution_logging_role: declared (the stack must not "
        "overwrite a setting it does not own)"]


def test_a_declared_setting_is_in_the_account_and_a_region_of_the_spec():
    data = copy.deepcopy(load_spec_data("dev"))
    data["gateways"]["execution_logging_role"] = "declared"
    data["prerequisites"] = {"api_gateway_accounts": [
        {"region": "eu-central-1", "cloudwatch_role_arn": "arn:aws:iam::999999999999:role/x", "purpose": "another account's role"},
        {"region": "ap-south-1", "cloudwatch_role_arn": "arn:aws:iam::999999999999:role/x", "purpose": "a region outside the spec"}]}
    found = issues_for(data)
    assert any(f.startswith("prerequisites.api_gateway_accounts[0].cloudwatch_role_arn: expected a role in account") for f in found)
    assert any(f.startswith("prerequisites.api_gateway_accounts[1].region: expected one of regions.aws") for f in found)
