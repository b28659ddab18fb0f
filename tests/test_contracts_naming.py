"""Naming rules: the physical names each cloud refuses, and the auto-named ones."""

from __future__ import annotations

import pytest

from scripts.contracts.naming import RULES, check_naming
from scripts.contracts.run import contract_findings

from .contract_states import checks_of, export, res


def findings(*states):
    return checks_of(contract_findings(export(*states), None, [check_naming]))


@pytest.mark.parametrize("type_, inputs, check", [
    ("azure-native:servicebus:Namespace", {"namespaceName": "prod-partner-events-sb"}, "azure-naming"),
    ("azure-native:eventhub:Namespace", {"namespaceName": "prod-telemetry-mgmt"}, "azure-naming"),
    ("azure-native:keyvault:Vault", {"vaultName": "prod-integration-secrets-vault"}, "azure-naming"),  # 30 > 24
    ("azure-native:keyvault:Vault", {"vaultName": "prod--vault"}, "azure-naming"),
    ("azure-native:monitor:ActionGroup", {"groupShortName": "prod-critical-alerts"}, "azure-naming"),
    ("aws:sqs/queue:Queue", {"name": "prod-orders", "fifoQueue": True}, "aws-naming"),
    ("aws:sqs/queue:Queue", {"name": "prod.orders"}, "aws-naming"),
    ("aws:s3/bucket:Bucket", {"bucket": "Prod_Audit"}, "aws-naming"),
    ("aws:kms/alias:Alias", {"name": "alias/aws/mine"}, "aws-naming"),
    ("kubernetes:core/v1:Namespace", {"metadata": {"name": "Billing"}}, "kubernetes-naming"),
    ("aws:elasticache/replicationGroup:ReplicationGroup", {"replicationGroupId": "prod--customers"}, "aws-naming"),
    ("aws:elasticache/serverlessCache:ServerlessCache", {"name": "prod-customer-profiles-cache-for-order-mgmt"},
     "aws-naming"),  # 43 > 40
    ("aws:elasticache/user:User", {"userId": "1-app"}, "aws-naming"),
    ("azure-native:redisenterprise:RedisEnterprise", {"clusterName": "prod-customers-"}, "azure-naming"),
    ("azure-native:redisenterprise:AccessPolicyAssignment", {"accessPolicyAssignmentName": "customer-profiles"},
     "azure-naming"),
])
def test_names_the_cloud_refuses(type_, inputs, check):
    assert findings(res(type_, "r", inputs)) == [(check, "r")]


@pytest.mark.parametrize("type_, inputs", [
    ("azure-native:servicebus:Namespace", {"namespaceName": "prod-partner-events-bus"}),
    ("azure-native:keyvault:Vault", {"vaultName": "prod-int-kv-3f9a"}),
    ("azure-native:monitor:ActionGroup", {"groupShortName": "prod-crit"}),
    ("aws:sqs/queue:Queue", {"name": "prod-orders.fifo", "fifoQueue": True}),
    ("aws:sqs/queue:Queue", {"name": "prod-orders"}),
    ("aws:s3/bucket:Bucket", {"bucket": "prod-audit-432109876543"}),
    ("aws:kms/alias:Alias", {"name": "alias/prod-secrets"}),
    ("aws:elasticache/replicationGroup:ReplicationGroup", {"replicationGroupId": "prod-customer-profiles"}),
    ("aws:elasticache/serverlessCache:ServerlessCache", {"name": "staging-order-status"}),
    ("azure-native:redisenterprise:RedisEnterprise", {"clusterName": "prod-customer-profiles-acme"}),
    ("azure-native:redisenterprise:AccessPolicyAssignment", {"accessPolicyAssignmentName": "customerprofiles"}),
    ("kubernetes:core/v1:Namespace", {"metadata": {"name": "billing"}}),
])
def test_look_alikes_the_cloud_accepts(type_, inputs):
    assert findings(res(type_, "r", inputs)) == []


def test_auto_names_are_judged_as_the_engine_would_make_them():
    # 18 + 8 characters of suffix: over Key Vault's 24
    assert findings(res("azure-native:keyvault:Vault", "integration-vault1", {})) == [("azure-naming", "integration-vault1")]
    assert findings(res("azure-native:keyvault:Vault", "kv", {})) == []  # kv-a1b2c3d: fine


def test_every_rule_is_satisfiable():
    """Guards the table: each rule accepts some name (a rule that refuses everything would alarm falsely)."""
    for type_, rule in RULES.items():
        name = "a" * max(rule.min, 6 if rule.min <= 6 <= rule.max else rule.min)
        if rule.input.startswith("metadata"):
            continue
        if type_ == "aws:kms/alias:Alias":
            name = "alias/prod"
        assert list(rule.problems(name)) == [], type_
