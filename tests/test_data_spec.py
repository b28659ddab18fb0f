"""The `data:` section: entity ownership is one owner per entity (practice 4.5)."""

from __future__ import annotations

import copy

import pytest

from components.spec import parse_environment

from .test_spec import SECRET_KEYS, issues_for
from .conftest import load_spec_data


@pytest.fixture()
def staging() -> dict:
    return copy.deepcopy(load_spec_data("staging"))


def test_an_entity_with_two_owners_is_refused_naming_the_field(staging):
    staging["data"] = {"entities": [{"name": "order", "owner": "order-management"},
                                    {"name": "order", "owner": "billing"}]}
    issues = issues_for(staging)
    assert any("data.entities[1].name" in i and "exactly one owner" in i for i in issues), issues


def test_the_owner_is_not_its_own_consumer(staging):
    staging["data"] = {"entities": [{"name": "order", "owner": "order-management",
                                     "consumers": ["order-management"]}]}
    assert any("data.entities[0].consumers" in i for i in issues_for(staging))


def test_distinct_entities_with_their_own_owners_pass(staging):
    staging["data"] = {"entities": [{"name": "order", "owner": "order-management", "consumers": ["payments"]},
                                    {"name": "invoice", "owner": "payments"}]}
    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    assert [e.owner for e in spec.data.entities] == ["order-management", "payments"]
