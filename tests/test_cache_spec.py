"""data.caches (practice 4.4): every reference a cache makes (entities, their change topic, the invalidation
queue and node, the region) is checked, and each bad one is an error naming the field."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from components.spec import parse_environment
from scripts.cli import app

from .conftest import load_spec_data, write_env
from .test_spec import SECRET_KEYS, issues_for


@pytest.fixture()
def staging() -> dict:
    return copy.deepcopy(load_spec_data("staging"))


def cache(data: dict) -> dict:
    return data["data"]["caches"][0]


def node(data: dict, name: str) -> dict:
    return next(n for n in data["processing"]["nodes"] if n["name"] == name)


def entity(data: dict, name: str) -> dict:
    return next(e for e in data["data"]["entities"] if e["name"] == name)


def errors_at(data: dict, path: str) -> list[str]:
    return [i for i in issues_for(data) if i.startswith(f"{path}:")]


@pytest.mark.parametrize("env, name", [("staging", "order-status"), ("prod", "customer-profiles")])
def test_shipped_caches_validate(env, name):
    spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml", SECRET_KEYS)
    assert [c.name for c in spec.data.caches] == [name]


def test_an_unknown_entity_is_refused(staging):
    cache(staging)["entities"] = ["invoice"]
    assert any("undefined entity 'invoice'" in i for i in errors_at(staging, "data.caches[0].entities[0]"))


def test_an_entity_without_a_change_topic_is_refused(staging):
    del entity(staging, "order")["change_topic"]
    assert any("no change_topic" in i for i in errors_at(staging, "data.caches[0].entities[0]"))


def test_an_unknown_node_is_refused(staging):
    cache(staging)["invalidation"]["node"] = "order-cache"
    assert any("undefined node 'order-cache'" in i for i in errors_at(staging, "data.caches[0].invalidation.node"))


def test_a_node_of_another_owner_is_refused(staging):
    node(staging, "order-billing")["owner"] = "payments"
    assert any("belongs to 'payments'" in i and "'order-management'" in i
               for i in errors_at(staging, "data.caches[0].invalidation.node"))


def test_a_cache_on_a_cloud_without_a_region_is_refused(staging):
    del staging["regions"]["azure"]
    # Nothing else in staging needs Azure for this check; drop what does so only the cache's error is asserted.
    staging["messaging"]["brokers"] = [b for b in staging["messaging"]["brokers"] if b["kind"] != "event-hubs"]
    cache(staging).update(engine="azure-managed-redis", region="northeurope")
    assert any("no regions.azure" in i for i in errors_at(staging, "data.caches[0].engine"))


def test_an_aws_cache_outside_the_aws_regions_is_refused(staging):
    cache(staging)["region"] = "us-east-1"
    assert any("expected one of regions.aws" in i for i in errors_at(staging, "data.caches[0].region"))


def test_the_invalidation_queue_must_be_on_the_change_topic_broker(staging):
    cache(staging)["invalidation"]["queue"] = "ledger"
    assert any("undefined queue 'ledger' on broker 'orders'" in i
               for i in errors_at(staging, "data.caches[0].invalidation.queue"))


def test_the_change_topic_must_deliver_to_the_invalidation_queue(staging):
    broker = next(b for b in staging["messaging"]["brokers"] if b["name"] == "orders")
    broker["topics"][0]["subscribers"] = ["billing-orders"]
    assert any("does not deliver to 'order-cache-invalidations'" in i and "topics[0].subscribers" in i
               for i in errors_at(staging, "data.caches[0].invalidation.queue"))


def test_the_node_must_consume_the_invalidation_queue(staging):
    billing = node(staging, "order-billing")
    billing["consumes"] = [c for c in billing["consumes"] if c["queue"] != "order-cache-invalidations"]
    assert any("does not consume orders/order-cache-invalidations" in i
               for i in errors_at(staging, "data.caches[0].invalidation.node"))


def test_the_node_must_reach_the_private_cache(staging):
    # partner-intake runs in eu-central-1; the cache only answers inside eu-west-1's VPC.
    intake = node(staging, "partner-intake")
    intake["consumes"].append({"broker": "orders", "queue": "order-cache-invalidations"})
    cache(staging)["invalidation"]["node"] = "partner-intake"
    assert any("reachable only inside 'eu-west-1'" in i
               for i in errors_at(staging, "data.caches[0].invalidation.node"))


def test_sizes_are_bounded(staging):
    cache(staging)["size"] = {"mode": "nodes", "replicas": 0}
    assert any(i.startswith("data.caches[0].size.replicas:") for i in issues_for(staging))


def test_a_bad_cache_exits_2_naming_the_file_and_field(staging, project_copy):
    cache(staging)["entities"] = ["invoice"]
    write_env(project_copy, "staging", staging)
    result = CliRunner().invoke(app, ["validate", "staging", "--root", str(project_copy)])
    assert result.exit_code == 2, result.output
    assert "environments/staging.yaml" in result.output and "data.caches[0].entities[0]" in result.output
    assert "Traceback" not in result.output


def test_the_catalog_lists_the_cache_with_its_owner_ttl_and_invalidating_node(staging, tmp_path):
    from pathlib import Path

    from scripts.catalog.entities import build

    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    entity = next(e for e in build(spec, Path(__file__).resolve().parent.parent)
                  if e["metadata"]["name"] == "cache-order-status")
    assert entity["kind"] == "Resource" and entity["spec"]["type"] == "cache"
    assert entity["spec"]["owner"] == "group:default/order-management"
    assert entity["spec"]["dependsOn"] == ["resource:staging/broker-orders"]
    annotations = entity["metadata"]["annotations"]
    assert annotations["hybrid.integration/ttl-seconds"] == "300"
    assert annotations["hybrid.integration/invalidated-by"] == "order-billing via order-cache-invalidations"



def azure_prod() -> dict:
    """prod with its cache on Azure Managed Redis, invalidated by the on-prem crm-sync (fra-dc1 has an Azure link)."""
    data = copy.deepcopy(load_spec_data("prod"))
    cache(data).update(engine="azure-managed-redis", region="westeurope")
    cache(data)["invalidation"]["node"] = "crm-sync"
    node(data, "crm-sync")["consumes"].append({"broker": "customers", "queue": "customer-cache-invalidations"})
    return data


def test_an_azure_cache_invalidated_from_on_prem_over_the_azure_link_validates():
    spec = parse_environment(azure_prod(), "environments/prod.yaml", SECRET_KEYS)
    assert spec.data.caches[0].cloud == "azure"


def test_an_azure_cache_is_out_of_reach_of_a_node_in_an_aws_region():
    data = azure_prod()
    cache(data)["invalidation"]["node"] = "customer-profiles"
    assert any("reachable only inside 'westeurope'" in i for i in errors_at(data, "data.caches[0].invalidation.node"))


def test_an_azure_cache_needs_the_site_linked_to_azure():
    data = azure_prod()
    data["connectivity"]["links"] = [l for l in data["connectivity"]["links"] if l["cloud"] != "azure"]
    assert any("no azure link" in i for i in errors_at(data, "data.caches[0].invalidation.node"))


def test_the_cache_owner_must_own_or_consume_the_entity(staging):
    # payments consumes orders, so it may cache them; supply-chain does not.
    cache(staging)["owner"] = "supply-chain"
    node(staging, "order-billing")["owner"] = "supply-chain"
    assert any("'supply-chain' neither owns nor consumes entity 'order'" in i
               for i in errors_at(staging, "data.caches[0].owner"))


def test_an_azure_cache_needs_the_deploying_identity_that_creates_its_key():
    data = azure_prod()
    del data["prerequisites"]["azure_deployer"]
    [error] = errors_at(data, "data.caches[0].engine")
    assert "expected prerequisites.azure_deployer" in error and "Key Vault Crypto Officer" in error
