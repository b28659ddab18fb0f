"""A reference table alone under mocks: a DynamoDB global table in its first region with a replica in each other
one, every replica under a customer-managed key of its own region, streams with both images, point-in-time recovery
and deletion protection on the table and each replica, and grants that follow the entity's ownership (practice 4.3,
4.5): the owner's nodes write, a resolver also follows the streams, consumers only read."""

from __future__ import annotations

import json

import pytest

from components.reference_data import documents
from components.reference_data.component import ReferenceTable, ReferenceTableArgs
from components.spec.reference_data import ReferenceTableSpec, conflict_statement
from scripts.diff.replacements import forces_replacement

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

HOME, OTHER = "eu-central-1", "eu-west-1"
TYPE = "hybrid:data:ReferenceTable"


def spec(**change) -> ReferenceTableSpec:
    return ReferenceTableSpec.model_validate({"name": "price-lists", "entity": "price-list",
                                              "keys": {"hash_key": "sku", "range_key": "currency"}, **change})


def table(resolver: str | None = None, protect: bool = False, regions=(HOME, OTHER)):
    def program():
        providers = {r: aws_provider(r) for r in regions}
        entry = spec(conflict_resolution={"resolver": resolver}) if resolver else spec()
        return ReferenceTable("ref-price-lists", ReferenceTableArgs(
            spec=entry, environment="unit", aws_account=ACCOUNT, regions=list(regions), providers=providers,
            owner="order-management",
            writer_roles={"order-billing": "unit-node-order-billing", "price-sync": "unit-node-price-sync"},
            reader_roles={"invoicing": "unit-node-invoicing"}, protect=protect),
            None)
    return build(program)


def provider_region(built, resource) -> str:
    provider_urn = resource["provider"].rsplit("::", 1)[0]
    return next(r for r in built.resources if r["urn"] == provider_urn)["inputs"]["region"]


def test_a_global_table_with_one_replica_per_other_region_each_under_its_own_regions_key():
    built = table()
    [resource] = built.of_type("aws:dynamodb/table:Table")
    inputs = resource["inputs"]
    assert provider_region(built, resource) == HOME
    keys = {provider_region(built, k): k for k in built.of_type("aws:kms/key:Key")}
    assert set(keys) == {HOME, OTHER}
    assert all(k["inputs"]["enableKeyRotation"] is True for k in keys.values())
    home_arn = f"arn:aws:kms:{HOME}:{ACCOUNT}:key/"
    assert inputs["serverSideEncryption"]["enabled"] is True
    assert inputs["serverSideEncryption"]["kmsKeyArn"].startswith(home_arn)
    [replica] = inputs["replicas"]
    assert replica["regionName"] == OTHER
    assert replica["kmsKeyArn"].startswith(f"arn:aws:kms:{OTHER}:{ACCOUNT}:key/")
    # Each replica's key is an Output of the key created in its region: the engine creates the keys first.
    assert {keys[HOME]["urn"], keys[OTHER]["urn"]} <= set(resource["dependencies"])
    assert_children_named_after(built, TYPE, "ref-price-lists")


def test_streams_with_both_images_point_in_time_recovery_and_deletion_protection_per_replica():
    inputs = table().of_type("aws:dynamodb/table:Table")[0]["inputs"]
    assert inputs["streamEnabled"] is True and inputs["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert inputs["pointInTimeRecovery"] == {"enabled": True}
    assert inputs["deletionProtectionEnabled"] is True
    assert inputs["billingMode"] == "PAY_PER_REQUEST"
    [replica] = inputs["replicas"]
    assert replica["pointInTimeRecovery"] is True and replica["deletionProtectionEnabled"] is True
    assert replica["propagateTags"] is True
    assert inputs["hashKey"] == "sku" and inputs["rangeKey"] == "currency"
    assert inputs["attributes"] == [{"name": "sku", "type": "S"}, {"name": "currency", "type": "S"}]
    assert inputs["tags"]["entity"] == "price-list" and inputs["tags"]["conflict-resolution"] == "last-writer-wins"


def test_three_regions_make_two_replicas_and_three_keys():
    built = table(regions=(HOME, OTHER, "eu-north-1"))
    inputs = built.of_type("aws:dynamodb/table:Table")[0]["inputs"]
    assert [r["regionName"] for r in inputs["replicas"]] == [OTHER, "eu-north-1"]
    assert len(built.of_type("aws:kms/key:Key")) == 3


def test_a_single_region_is_refused():
    with pytest.raises(Exception, match="two or more regions"):
        table(regions=(HOME,))


def policies(built) -> dict[str, dict]:
    return {r["urn"].rsplit("::", 1)[1]: r["inputs"] for r in built.of_type("aws:iam/rolePolicy:RolePolicy")}


def test_owners_write_every_replica_and_consumers_only_read():
    grants = policies(table())
    assert set(grants) == {"ref-price-lists-write-order-billing", "ref-price-lists-write-price-sync",
                           "ref-price-lists-read-invoicing"}
    write = json.loads(grants["ref-price-lists-write-order-billing"]["policy"])["Statement"]
    read = json.loads(grants["ref-price-lists-read-invoicing"]["policy"])["Statement"]
    tables = {f"arn:aws:dynamodb:{r}:{ACCOUNT}:table/unit-ref-price-lists" for r in (HOME, OTHER)}
    assert set(write[0]["Resource"]) == tables == set(read[0]["Resource"])
    assert "dynamodb:PutItem" in write[0]["Action"]
    assert not {a for a in read[0]["Action"] if a in documents.WRITE_ACTIONS}, "a consumer's role must not write"
    keys = {s["Condition"]["StringEquals"]["kms:ViaService"]: s["Resource"] for s in read[1:]}
    assert set(keys) == {f"dynamodb.{r}.amazonaws.com" for r in (HOME, OTHER)}
    assert keys[f"dynamodb.{OTHER}.amazonaws.com"][0].startswith(f"arn:aws:kms:{OTHER}:")
    assert grants["ref-price-lists-read-invoicing"]["role"] == "unit-node-invoicing"


def test_a_resolver_also_follows_every_replicas_stream():
    grants = policies(table(resolver="price-sync"))
    assert "ref-price-lists-resolve-price-sync" in grants and "ref-price-lists-write-order-billing" in grants
    statements = json.loads(grants["ref-price-lists-resolve-price-sync"]["policy"])["Statement"]
    [streams] = [s for s in statements if s["Sid"] == "FollowReplicaStreams"]
    assert {arn.split(":")[3] for arn in streams["Resource"]} == {HOME, OTHER}
    assert all("/stream/" in arn for arn in streams["Resource"])
    writer = json.loads(grants["ref-price-lists-write-order-billing"]["policy"])["Statement"]
    assert not [s for s in writer if s["Sid"] == "FollowReplicaStreams"]


def test_the_conflict_rule_is_an_output():
    built = table()
    component = built.component
    assert component.conflict_resolution.startswith("last-writer-wins: ")
    assert "latest write" in component.conflict_resolution
    assert component.replica_regions == [HOME, OTHER]
    assert conflict_statement("price-sync").startswith("resolver price-sync: ")


def test_protected_in_production_only():
    def protected(built):
        return {r["type"] for r in built.resources if r.get("protect")}
    assert protected(table(protect=True)) == {"aws:dynamodb/table:Table", "aws:kms/key:Key"}
    assert protected(table()) == set()


def test_a_new_key_schema_replaces_the_table_a_new_replica_does_not():
    assert forces_replacement("aws:dynamodb/table:Table", "hashKey") is True
    assert forces_replacement("aws:dynamodb/table:Table", "rangeKey") is True
    assert forces_replacement("aws:dynamodb/table:Table", "replicas[1]") is False
