"""SecretsReplication built alone: secrets under a multi-region key, replicas only where asked, readers only."""

from __future__ import annotations

import json

import pulumi

from components.secrets.component import SecretsReplication, SecretsReplicationArgs
from components.spec.secrets import SecretsSpec

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

READER = f"arn:aws:iam::{ACCOUNT}:role/orders-worker"
SECRETS = SecretsSpec.model_validate({
    "secrets": [
        {"name": "partner-token", "description": "token for the partner API", "owner": "orders", "readers": [READER],
         "promote_on_failover": True,
         "rotation": {"lambda_arn": f"arn:aws:lambda:eu-central-1:{ACCOUNT}:function:rotate", "days": 14}},
        {"name": "local-only", "description": "stays in the primary region", "owner": "orders", "replicate": False},
    ],
    "parameters": [{"name": "orders-endpoint", "value": "https://orders.internal.example.com"}],
})


def secrets(secondary: str | None = "eu-west-1"):
    def program():
        regions = ["eu-central-1"] + ([secondary] if secondary else [])
        providers = {r: aws_provider(r) for r in regions}
        return SecretsReplication("secrets", SecretsReplicationArgs(
            spec=SECRETS, environment="unit", account=ACCOUNT, primary_region="eu-central-1",
            secondary_region=secondary, aws_providers=providers, protect=True, production=True))
    return build(program)


def test_only_replicated_secrets_get_a_replica_under_the_replica_key():
    built = secrets()
    assert_children_named_after(built, "hybrid:secrets:SecretsReplication", "secrets")
    key = built.named("secrets-key")
    assert key["inputs"]["multiRegion"] is True and key["protect"] is True
    replica_key = built.named("secrets-euw1-key")
    assert replica_key["provider"].split("::")[-2] == "aws-eu-west-1"
    token, local = built.named("secrets-partner-token"), built.named("secrets-local-only")
    assert [r["region"] for r in token["inputs"]["replicas"]] == ["eu-west-1"]
    assert not local["inputs"].get("replicas")
    assert token["inputs"]["recoveryWindowInDays"] == 30 and token["protect"] is True
    assert built.component.replica_regions == {"partner-token": ["eu-west-1"], "local-only": []}
    assert built.component.promote_on_failover == ["partner-token"]


def test_each_secret_is_readable_by_its_readers_only_and_rotates_on_schedule():
    built = secrets()
    statements = json.loads(built.named("secrets-partner-token-policy")["inputs"]["policy"])["Statement"]
    allowed = [s for s in statements if s["Effect"] == "Allow"]
    assert [(s["Principal"], s["Action"]) for s in allowed] == [
        ({"AWS": [READER]}, ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"])]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in statements)
    rotation = built.named("secrets-partner-token-rotation")["inputs"]
    assert rotation["rotationRules"]["automaticallyAfterDays"] == 14


def test_without_a_secondary_region_nothing_is_replicated():
    built = secrets(secondary=None)
    assert not any(r["type"] == "aws:kms/replicaKey:ReplicaKey" for r in built.resources)
    assert not built.named("secrets-partner-token")["inputs"].get("replicas")
