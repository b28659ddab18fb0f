"""The environment spec: every cross-field error, with the field path and what was expected."""

from __future__ import annotations

import copy

import pytest

from components.spec import SpecError, parse_environment

from scripts.project import load_project

from .conftest import ROOT, SHIPPED, load_spec_data

SECRET_KEYS = load_project(ROOT).secret_keys


def issues_for(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", SECRET_KEYS)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


@pytest.fixture
def prod() -> dict:
    return copy.deepcopy(load_spec_data("prod"))


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_environments_are_valid(env):
    spec = parse_environment(load_spec_data(env), f"environments/{env}.yaml", SECRET_KEYS)
    assert spec.name == env


def test_overlapping_cidrs_name_both_fields(prod):
    prod["sites"][1]["cidr"] = "10.10.128.0/20"  # inside the primary VPC
    assert any(i.startswith("sites[1].cidr: CIDR 10.10.128.0/20 overlaps 10.10.0.0/16 at regions.aws.primary.cidr")
               for i in issues_for(prod))


def test_region_outside_residency_zone(prod):
    prod["residency"]["allowed_regions"].append("us-east-1")
    assert any(i.startswith("residency.allowed_regions[5]: region 'us-east-1' is outside residency zone 'eu'")
               for i in issues_for(prod))


def test_region_in_use_but_not_allowed(prod):
    prod["residency"]["allowed_regions"].remove("eu-west-1")
    found = issues_for(prod)
    assert any(i.startswith("regions.aws.secondary.region: region 'eu-west-1' is not in residency.allowed_regions")
               for i in found)
    assert any(i.startswith("clusters[1]: region 'eu-west-1' is not in residency.allowed_regions") for i in found)


def test_undefined_site_cluster_region_and_queue(prod):
    prod["clusters"][3]["site"] = "lisbon-dc9"
    prod["clusters"][0]["region"] = "eu-north-1"
    prod["residency"]["allowed_regions"].append("eu-north-1")
    prod["messaging"]["brokers"][0]["standby_region"] = "eu-west-3"
    prod["messaging"]["brokers"][0]["topics"][0]["subscribers"].append("no-such-queue")
    found = issues_for(prod)
    assert any(i.startswith("clusters[3].site: undefined site 'lisbon-dc9'; expected one of: ams-dc2, fra-dc1") for i in found)
    assert any(i.startswith("clusters[0].region: undefined AWS region 'eu-north-1'") for i in found)
    assert any(i.startswith("messaging.brokers[0].standby_region: undefined AWS region 'eu-west-3'") for i in found)
    assert any(i.startswith("messaging.brokers[0].topics[0].subscribers[2]: undefined queue 'no-such-queue'") for i in found)


def test_duplicate_names(prod):
    prod["sites"].append(dict(prod["sites"][0], cidr="172.16.64.0/20"))
    prod["messaging"]["brokers"][1]["name"] = "orders"
    found = issues_for(prod)
    assert "sites[2].name: duplicate name 'fra-dc1': names must be unique here" in found
    assert "messaging.brokers[1].name: duplicate name 'orders': names must be unique here" in found


def test_secret_given_as_plaintext_is_refused_without_echoing_it(prod):
    prod["clusters"][0]["kubeconfig"] = "apiVersion: v1\nclusters: [super-secret-token]"
    found = issues_for(prod)
    assert any(i.startswith("clusters[0].kubeconfig: expected a secret reference like {secret: <config key>}")
               for i in found)
    assert not any("super-secret-token" in i for i in found)


def test_secret_reference_must_resolve_to_a_declared_secret_key(prod):
    prod["clusters"][1]["kubeconfig"]["secret"] = "kubeconfigTypo"
    assert any(i.startswith("clusters[1].kubeconfig.secret: secret reference 'kubeconfigTypo' does not resolve")
               for i in issues_for(prod))


def test_fifo_topic_cannot_deliver_to_standard_queue(prod):
    prod["messaging"]["brokers"][0]["topics"][0]["subscribers"].append("partner-inbound")
    assert any("a FIFO topic can only deliver to a FIFO queue; 'partner-inbound' is not" in i for i in issues_for(prod))


def test_type_errors_name_the_field_and_the_value(prod):
    prod["messaging"]["brokers"][0]["queues"][0]["max_receive_count"] = 0
    prod["sites"][0]["bgp_asn"] = "sixty-five-thousand"
    prod["regions"]["aws"]["primary"]["region"] = "Frankfurt"
    prod["tier"] = "prodution"
    found = issues_for(prod)
    assert any(i.startswith("messaging.brokers[0].queues[0].max_receive_count: Input should be greater than or equal to 1")
               for i in found)
    assert any(i.startswith("sites[0].bgp_asn:") for i in found)
    assert any(i.startswith("regions.aws.primary.region: expected an AWS region code such as eu-central-1") for i in found)
    assert any(i.startswith("tier: Input should be 'development', 'staging' or 'production'") for i in found)


def test_unknown_fields_are_typos_not_silently_ignored(prod):
    prod["messaging"]["brokers"][0]["queues"][0]["max_recieve_count"] = 3
    assert "messaging.brokers[0].queues[0].max_recieve_count: unexpected field (is it misspelt?)" in issues_for(prod)


def test_required_tags(prod):
    del prod["tags"]["cost-center"]
    assert any(i.startswith("tags.cost-center: required tag missing") for i in issues_for(prod))


def test_deploy_role_must_be_in_the_account(prod):
    prod["accounts"]["aws"]["deploy_role_arn"] = "arn:aws:iam::999999999999:role/hybrid-deployer"
    assert any(i.startswith("accounts.aws: deploy_role_arn must be a role in account_id") for i in issues_for(prod))


def test_idempotency_on_a_kind_without_a_store_is_refused_not_ignored(prod):
    prod["messaging"]["brokers"].append({
        "name": "clicks", "kind": "event-hubs", "region": "westeurope", "owner": "web",
        "streams": [{"name": "clickstream", "partitions": 4,
                     "consumer_groups": [{"name": "analytics", "idempotency": {"key": "id", "window_seconds": 600}}]}]})
    index = len(prod["messaging"]["brokers"]) - 1
    assert any(i.startswith(f"messaging.brokers[{index}].streams[0].consumer_groups[0].idempotency: kind event-hubs "
                            "has no deduplication store here") for i in issues_for(prod))
