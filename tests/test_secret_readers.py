"""Secret readers are the environment's own nodes (by name) or declared externals; nothing else resolves."""

from __future__ import annotations

import copy

import pytest

from components.spec import SpecError, parse_environment

from .conftest import load_spec_data

ROLE = "arn:aws:iam::432109876543:role/prod-order-billing"


def with_reader(reader: str, declare: bool = False) -> dict:
    data = copy.deepcopy(load_spec_data("prod"))
    data["secrets"]["secrets"][0]["readers"] = [reader]
    if declare:
        data.setdefault("prerequisites", {})["external_principals"] = [
            {"arn": reader, "purpose": "the billing team's own batch role, outside this stack"}]
    return data


def test_a_node_name_is_a_reader():
    parse_environment(with_reader("order-billing"), "environments/prod.yaml")


@pytest.mark.parametrize("reader, expected", [
    (ROLE, "not declared under prerequisites.external_principals"),
    ("billing-ledger", "undefined reader 'billing-ledger'"),
])
def test_an_undeclared_role_or_unknown_name_is_a_spec_error(reader, expected):
    with pytest.raises(SpecError, match=expected):
        parse_environment(with_reader(reader), "environments/prod.yaml")


def test_a_declared_external_role_is_a_reader():
    parse_environment(with_reader(ROLE, declare=True), "environments/prod.yaml")


def test_a_cluster_without_an_oidc_issuer_cannot_receive_synced_secrets():
    data = copy.deepcopy(load_spec_data("prod"))
    cluster = next(c for c in data["clusters"] if c["name"] == "k8s-fra")
    cluster.pop("oidc_provider_arn")
    data["processing"]["nodes"] = [n for n in data["processing"]["nodes"] if n["cluster"] != "k8s-fra"]
    for secret in data["secrets"]["secrets"]:
        secret["readers"] = [r for r in secret["readers"] if r != "crm-sync"]
    with pytest.raises(SpecError, match="has no oidc_provider_arn; the External Secrets operator"):
        parse_environment(data, "environments/prod.yaml")
