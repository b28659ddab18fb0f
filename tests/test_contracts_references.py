"""References resolve: in-account ARNs and ARM ids name a planned resource or a declared prerequisite."""

from __future__ import annotations

import copy
import json

import pytest

from components.spec import parse_environment
from scripts.contracts.references import check_references
from scripts.contracts.run import contract_findings

from .conftest import load_spec_data
from .contract_states import ACCOUNT, SUBSCRIPTION, checks_of, export, res

READER = f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-billing"


def spec(prerequisites: dict | None = None):
    data = copy.deepcopy(load_spec_data("prod"))
    if prerequisites:
        data["prerequisites"] = {**data.get("prerequisites", {}), **prerequisites}
    return parse_environment(data, "environments/prod.yaml")


def key_policy(*principals: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "kms:Decrypt", "Resource": "*"}]})


def role(name: str) -> dict:
    return res("aws:iam/role:Role", name, {"name": name, "assumeRolePolicy": "{}"},
               outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/{name}"})


def findings(*states, prerequisites=None):
    return checks_of(contract_findings(export(*states), spec(prerequisites), [check_references]))


def test_a_principal_the_stack_creates_resolves_and_a_look_alike_does_not():
    key = res("aws:kms/key:Key", "secrets-key", {"policy": key_policy(READER)})
    assert findings(role("prod-node-order-billing"), key) == []
    typo = res("aws:kms/key:Key", "secrets-key", {"policy": key_policy(f"arn:aws:iam::{ACCOUNT}:role/prod-order-billing")})
    assert findings(role("prod-node-order-billing"), typo) == [("dangling-principal", "secrets-key")]


def test_declared_external_principals_and_other_accounts_resolve():
    partner = f"arn:aws:iam::{ACCOUNT}:role/partner-reader"
    key = res("aws:kms/key:Key", "secrets-key", {"policy": key_policy(partner, "arn:aws:iam::111122223333:role/theirs")})
    assert findings(key) == [("dangling-principal", "secrets-key")]
    declared = {"external_principals": [{"arn": partner, "purpose": "the partner team's reader role"}]}
    assert findings(key, prerequisites=declared) == []


def test_dangling_arns_outside_policies_are_references():
    # Not the function prod's spec names in secrets[].rotation.lambda_arn (that field declares its function).
    rotation = f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:prod-ledger-rotation"
    state = res("aws:secretsmanager/secretRotation:SecretRotation", "rotation",
                {"secretId": "x", "rotationLambdaArn": rotation, "rotationRules": {"automaticallyAfterDays": 30}})
    assert findings(state) == [("dangling-reference", "rotation")]
    declared = {"external_resources": [{"id": rotation, "cloud": "aws", "purpose": "rotation function of the billing team"}]}
    assert findings(state, prerequisites=declared) == []


def test_a_replicated_secret_is_known_by_its_replica_arn_and_only_in_its_replica_regions():
    arn = f"arn:aws:secretsmanager:eu-central-1:{ACCOUNT}:secret:prod/token-a1b2c3"
    secret = res("aws:secretsmanager/secret:Secret", "token", {"name": "prod/token", "replicas": [{"region": "eu-west-1"}]},
                 outputs={"arn": arn})

    def reader(resource: str) -> dict:
        return res("aws:iam/rolePolicy:RolePolicy", "reader", {"role": "r", "policy": json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": resource}]})}, deps=(secret["urn"],))

    assert findings(secret, reader(arn.replace("eu-central-1", "eu-west-1"))) == []
    assert findings(secret, reader(arn.replace("eu-central-1", "us-east-1"))) == [("dangling-reference", "reader")]


def test_wildcards_and_the_account_root_are_not_judged():
    state = res("aws:iam/rolePolicy:RolePolicy", "access", {"role": "r", "policy": json.dumps({"Statement": [
        {"Effect": "Allow", "Action": "logs:*", "Resource": f"arn:aws:logs:eu-central-1:{ACCOUNT}:log-group:*"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})})
    assert findings(state) == []


def test_azure_ids_resolve_case_insensitively_and_built_in_roles_exist():
    group = res("azure-native:monitor:ActionGroup", "critical", {"actionGroupName": "prod-alerts-critical"},
                id=f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Insights/actionGroups/prod-alerts-critical")
    alert = res("azure-native:monitor:MetricAlert", "alert", {"actions": [{"actionGroupId":
                f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/microsoft.insights/actiongroups/prod-alerts-critical"}]})
    assert findings(group, alert) == []
    assert findings(alert) == [("dangling-reference", "alert")]
    grant = res("azure-native:authorization:RoleAssignment", "grant", {"roleDefinitionId":
                f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"})
    assert findings(grant) == []


@pytest.mark.parametrize("value", ["04da6b54-80e4-46f7-96ec-b56ff0331ba9", "[secret]"])
def test_unknown_and_secret_values_are_skipped(value):
    assert findings(res("aws:kms/key:Key", "k", {"policy": value})) == []


def test_a_path_below_a_planned_arn_resolves_but_an_iam_path_does_not():
    env_arn = f"arn:aws:appconfig:eu-central-1:{ACCOUNT}:application/abc1234/environment/def5678"
    environment = res("aws:appconfig/environment:Environment", "flags-env", {"name": "prod"}, outputs={"arn": env_arn})
    grant = res("aws:iam/rolePolicy:RolePolicy", "flags-read", {"policy": json.dumps({"Statement": [
        {"Effect": "Allow", "Action": "appconfig:StartConfigurationSession",
         "Resource": f"{env_arn}/configuration/0a1b2c3"}]})}, deps=(environment["urn"],))
    assert findings(environment, grant) == []
    nested = res("aws:kms/key:Key", "key", {"policy": key_policy(f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-billing/x")})
    assert findings(role("prod-node-order-billing"), nested) == [("dangling-principal", "key")]
