"""Broker kinds: one spec model per kind in a union on `kind`, one registry row per model."""

from __future__ import annotations

import copy

import pytest

from components.messaging.kinds import KINDS
from components.spec import SpecError, parse_environment
from components.spec.brokers import BROKER_MODELS, kind_of

from .conftest import load_spec_data


def issues(data: dict) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", None)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def prod_with(change) -> dict:
    data = copy.deepcopy(load_spec_data("prod"))
    change(data["messaging"]["brokers"])
    return data


def test_every_kind_has_one_registry_row_with_its_model_and_cloud():
    assert [kind_of(m) for m in BROKER_MODELS] == list(KINDS)
    assert {k.name: k.cloud for k in KINDS.values()} == {
        "sqs-sns": "aws", "amazon-mq-rabbitmq": "aws", "msk": "aws", "service-bus": "azure", "event-hubs": "azure",
        "strimzi-kafka": "kubernetes", "rabbitmq-operator": "kubernetes"}
    assert {k.name for k in KINDS.values() if k.operators} == {"strimzi-kafka", "rabbitmq-operator"}


def test_an_unknown_or_missing_kind_names_the_kinds_expected_at_the_kind_field():
    found = issues(prod_with(lambda b: b[2].update(kind="kafka")))
    assert found == ["messaging.brokers[2].kind: unknown kind 'kafka'; expected one of 'sqs-sns', 'amazon-mq-rabbitmq', "
                     "'msk', 'service-bus', 'event-hubs', 'strimzi-kafka', 'rabbitmq-operator'"]
    assert issues(prod_with(lambda b: b[2].pop("kind"))) == ["messaging.brokers[2].kind: required field is missing"]


def test_a_field_of_another_kind_is_refused_at_its_path_naming_the_kinds_that_have_it():
    def mixed(brokers):
        brokers[0].update(client_auth="iam")                 # sqs-sns
        brokers[2].update(queues=[{"name": "work"}])         # msk
        brokers[4].update(region="eu-west-1")                # strimzi-kafka
        brokers[2]["streams"][0]["partitions"] = 0           # and an ordinary error beside them
    found = issues(prod_with(mixed))
    assert "messaging.brokers[0].client_auth: kind sqs-sns has no client_auth; expected one of the kinds that have it " \
           "(msk, strimzi-kafka), or remove it (got 'iam')" in found
    assert any(i.startswith("messaging.brokers[2].queues: a stream broker has no queues here") for i in found)
    assert any(i.startswith("messaging.brokers[4].region: in-cluster brokers take their place from the cluster")
               for i in found)
    assert any(i.startswith("messaging.brokers[2].streams[0].partitions: Input should be greater than or equal to 1")
               for i in found)
    assert not any(".msk." in i or ".sqs-sns." in i for i in found), "no union tag in a user's path"


def test_a_misspelt_field_stays_a_misspelt_field_and_a_secret_of_another_kind_is_never_shown():
    found = issues(prod_with(lambda b: b[0].update(admin_pasword="hunter2", admin_password="hunter2")))
    assert "messaging.brokers[0].admin_pasword: unexpected field (is it misspelt?)" in found
    assert any(i.startswith("messaging.brokers[0].admin_password: kind sqs-sns has no admin_password") for i in found)
    assert not any("hunter2" in i for i in found)
