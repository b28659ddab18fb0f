"""The pack judges a global table's replicas, not only the table: each replica under a customer-managed key of its
region (broker-cmk-encryption) and in a region the residency zone allows (data-residency-region)."""

from __future__ import annotations

from .rule_harness import DELETE, assert_change, findings

TABLE = "aws:dynamodb/table:Table"
SECRET = "aws:secretsmanager/secret:Secret"
KEY = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPLICA_KEY = "arn:aws:kms:eu-west-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab"
GLOBAL_TABLE = {"name": "prod-ref-price-lists", "hashKey": "sku", "streamEnabled": True,
                "streamViewType": "NEW_AND_OLD_IMAGES",
                "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
                "replicas": [{"regionName": "eu-west-1", "kmsKeyArn": REPLICA_KEY, "pointInTimeRecovery": True}]}
RESIDENCY = {"allowedRegions": ["eu-central-1", "eu-west-1"]}


def test_each_replica_needs_a_customer_managed_key():
    expected = ["replica in eu-west-1 is not encrypted with a customer-managed KMS key of its region"]
    assert_change("broker-cmk-encryption", TABLE, GLOBAL_TABLE, {"replicas.0.kmsKeyArn": DELETE}, expected)
    assert_change("broker-cmk-encryption", TABLE, GLOBAL_TABLE, {"replicas.0.kmsKeyArn": "alias/aws/dynamodb"},
                  expected)


def test_the_table_key_alone_does_not_cover_a_second_replica():
    two = {**GLOBAL_TABLE, "replicas": GLOBAL_TABLE["replicas"] + [{"regionName": "eu-north-1"}]}
    assert findings("broker-cmk-encryption", TABLE, two) == [
        "replica in eu-north-1 is not encrypted with a customer-managed KMS key of its region"]


def test_a_replica_outside_the_allowed_regions_fails_residency_though_the_table_is_inside():
    assert_change("data-residency-region", TABLE, GLOBAL_TABLE, {"replicas.0.regionName": "us-east-1"},
                  ["replica in us-east-1 is outside the environment's allowed regions (policy config allowedRegions)"],
                  config=RESIDENCY)


def test_a_replicated_secret_is_judged_by_its_replica_regions_too():
    secret = {"name": "prod/orders", "kmsKeyId": KEY, "replicas": [{"region": "eu-west-1", "kmsKeyId": REPLICA_KEY}]}
    assert_change("data-residency-region", SECRET, secret, {"replicas.0.region": "ap-south-1"},
                  ["replica in ap-south-1 is outside the environment's allowed regions (policy config allowedRegions)"],
                  config=RESIDENCY)
