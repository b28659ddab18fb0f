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


# ---- typed wiring ------------------------------------------------------------------------------------------


def test_broker_args_are_typed_concerns_that_refuse_a_misspelt_field():
    import dataclasses

    from components.messaging.backend import Alerting, BrokerArgs, Estate, Protection

    assert [f.name for f in dataclasses.fields(BrokerArgs)] == [
        "spec", "estate", "protection", "places", "alerting", "logging", "secrets", "schema_texts",
        "publishers"]
    with pytest.raises(TypeError):
        Protection(protect=True, production=True, key_deletion_dayz=7)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Alerting(route=None)  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Estate("unit").environment = "other"  # type: ignore[misc]


def test_each_broker_receives_only_the_secrets_and_schemas_its_spec_references():
    from components.alerting import AlertRoutes
    from components.messaging.backend import Placements
    from components.messaging.wiring import broker_args

    from .test_messaging import VALUES, synthetic

    spec = parse_environment(synthetic(VALUES["A"]), "synthetic", None)
    secrets = {"mq_admin_password": "not-for-everyone", "kubeconfig": "cluster-access"}
    texts = {"schemas/payments/payment-settled.avsc": "{}", "schemas/other.avsc": "{}"}
    given = {b.name: broker_args(spec, b, Placements(), secrets, texts, AlertRoutes()) for b in spec.messaging.brokers}
    assert {name: sorted(args.secrets) for name, args in given.items() if args.secrets} == {
        "legacy-amqp": ["mq_admin_password"]}
    assert sorted(given["payments"].schema_texts) == ["schemas/payments/payment-settled.avsc"]
    assert not given["commands"].schema_texts


def test_a_builder_without_its_place_fails_naming_the_broker_and_the_place():
    from components.messaging.backend import AwsPlace, Placements

    with pytest.raises(ValueError, match="broker payments: no AWS provider and network for region eu-west-1"):
        Placements(aws={"eu-west-1": AwsPlace(provider=None)}).aws_in("eu-west-1", "payments", network=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="broker plant: no provider for cluster k8s-fra"):
        Placements().cluster("k8s-fra", "plant")
