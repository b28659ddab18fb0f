"""`data.reference`: reference data replicated as DynamoDB global tables (practice 4.3). Every refusal names the
field: a replica outside the residency zone, an unknown entity, an unknown or foreign resolver, one region only."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from components.spec import parse_environment
from scripts.cli import app

from .conftest import load_spec_data, write_env
from .test_spec import SECRET_KEYS, issues_for


@pytest.fixture()
def prod() -> dict:
    return copy.deepcopy(load_spec_data("prod"))


def table(prod: dict) -> dict:
    return prod["data"]["reference"][0]


def test_the_shipped_table_defaults_to_the_primary_and_secondary_regions(prod):
    spec = parse_environment(prod, "environments/prod.yaml", SECRET_KEYS)
    [entry] = spec.data.reference
    assert entry.replica_regions(spec) == ["eu-central-1", "eu-west-1"]
    assert entry.resolver == "crm-sync"


def test_last_writer_wins_is_the_default(prod):
    del table(prod)["conflict_resolution"]
    spec = parse_environment(prod, "environments/prod.yaml", SECRET_KEYS)
    assert spec.data.reference[0].conflict_resolution == "last-writer-wins" and spec.data.reference[0].resolver is None


def test_a_replica_outside_the_residency_zone_is_refused_naming_the_region(prod):
    table(prod)["regions"] = ["eu-central-1", "us-east-1"]
    issues = issues_for(prod)
    assert any(i.startswith("data.reference[0].regions[1]: replica region 'us-east-1' is outside residency zone 'eu'")
               for i in issues), issues


def test_a_zone_region_the_environment_does_not_run_in_is_refused(prod):
    table(prod)["regions"] = ["eu-central-1", "eu-north-1"]
    assert any(i.startswith("data.reference[0].regions[1]: region 'eu-north-1' is not one of the environment's AWS "
                            "regions") for i in issues_for(prod))


def test_a_single_region_global_table_is_refused(prod):
    table(prod)["regions"] = ["eu-central-1"]
    assert any(i.startswith("data.reference[0].regions: a global table needs replicas in at least two regions")
               for i in issues_for(prod))
    table(prod)["regions"] = ["eu-central-1", "eu-central-1"]
    assert any(i.startswith("data.reference[0].regions[1]: region 'eu-central-1' is listed twice")
               for i in issues_for(prod))


def test_an_environment_without_a_secondary_region_cannot_default_to_a_global_table():
    dev = copy.deepcopy(load_spec_data("dev"))
    dev.setdefault("data", {})
    dev["data"]["entities"] = [{"name": "price-list", "owner": "order-management"}]
    dev["data"]["reference"] = [{"name": "price-lists", "entity": "price-list", "keys": {"hash_key": "sku"}}]
    assert any(i.startswith("regions.aws: a global table needs replicas in at least two regions")
               for i in issues_for(dev))


def test_an_unknown_entity_is_refused(prod):
    table(prod)["entity"] = "customer-profile"
    assert any(i.startswith("data.reference[0].entity: unknown entity 'customer-profile'; expected one of data.entities")
               for i in issues_for(prod))


def test_the_resolver_must_be_a_deployed_workload(prod):
    table(prod)["conflict_resolution"] = {"resolver": "segment-resolver"}
    assert any(i.startswith("data.reference[0].conflict_resolution.resolver: resolver 'segment-resolver' is not a "
                            "deployed workload; expected one of processing.nodes[].name") for i in issues_for(prod))


def test_the_resolver_must_belong_to_the_owner_because_it_writes(prod):
    table(prod)["conflict_resolution"] = {"resolver": "order-billing"}
    assert any(i.startswith("data.reference[0].conflict_resolution.resolver: resolver 'order-billing' belongs to "
                            "'order-management'") for i in issues_for(prod))


def test_an_unknown_conflict_rule_is_refused(prod):
    table(prod)["conflict_resolution"] = "first-writer-wins"
    assert any(i.startswith("data.reference[0].conflict_resolution") for i in issues_for(prod))


def test_the_sort_key_differs_from_the_partition_key(prod):
    table(prod)["keys"] = {"hash_key": "customer_id", "range_key": "customer_id"}
    assert any(i.startswith("data.reference[0].keys.range_key") for i in issues_for(prod))


def test_validate_exits_2_naming_the_file_and_field(project_copy, prod):
    table(prod)["regions"] = ["eu-central-1", "us-east-1"]
    write_env(project_copy, "prod", prod)
    result = CliRunner().invoke(app, ["validate", "prod", "--json", "--root", str(project_copy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    problems = json.loads(result.stdout)["problems"]["prod"]
    assert any("prod.yaml: data.reference[0].regions[1]: replica region 'us-east-1'" in p for p in problems), problems
