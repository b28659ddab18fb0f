"""data.cdc: a source without a secret reference, or MSK Connect on a SCRAM/TLS cluster, is a spec error naming
the field; Debezium's settings per engine and runtime come from pure functions."""

from __future__ import annotations

import copy

import pytest

from components.cdc import settings
from components.spec import parse_environment

from .conftest import load_spec_data
from .test_spec import SECRET_KEYS, issues_for


@pytest.fixture()
def staging() -> dict:
    return copy.deepcopy(load_spec_data("staging"))


def test_shipped_sources_validate(staging):
    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    assert [s.name for s in spec.data.cdc.sources] == ["orders-db"]


def test_a_source_without_a_secret_reference_is_refused(staging):
    del staging["data"]["cdc"]["sources"][0]["login"]
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].login" in i and "secret reference" in i for i in issues), issues


def test_a_literal_password_is_refused(staging):
    staging["data"]["cdc"]["sources"][0]["password"] = "hunter2"
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].password" in i for i in issues) and not any("hunter2" in i for i in issues)


@pytest.mark.parametrize("auth", ["scram"])
def test_msk_connect_on_a_scram_cluster_is_refused(staging, auth):
    broker = next(b for b in staging["messaging"]["brokers"] if b["name"] == "order-changes")
    broker["client_auth"] = auth
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].broker" in i and "only with IAM" in i for i in issues), issues


def test_postgresql_needs_its_slot_and_the_broker_must_be_kafka(staging):
    source = staging["data"]["cdc"]["sources"][0]
    source["setup"] = {"publication": "p"}
    source["broker"] = "orders"
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].setup.slot" in i for i in issues), issues
    assert any("data.cdc.sources[0].broker" in i and "msk or strimzi-kafka" in i for i in issues), issues


def test_a_strimzi_source_needs_its_login_synced_to_the_connect_cluster():
    prod = copy.deepcopy(load_spec_data("prod"))
    secret = next(s for s in prod["secrets"]["secrets"] if s["name"] == "mes-db-cdc")
    secret["sync"] = []
    issues = issues_for(prod)
    assert any("data.cdc.sources[0].login" in i and "msg-plant-telemetry" in i for i in issues), issues


def _source(staging, **changes):
    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    return spec.data.cdc.sources[0].model_copy(update=changes)


def test_postgresql_settings_use_the_declared_slot_and_publication_and_reference_the_login(staging):
    source = _source(staging)
    config = settings.msk_connector_settings(source, "arn:aws:secretsmanager:eu-west-1:1:secret:x", "b:9098")
    assert config["connector.class"] == "io.debezium.connector.postgresql.PostgresConnector"
    assert (config["slot.name"], config["publication.name"], config["publication.autocreate.mode"]) == (
        "debezium_orders", "debezium_orders", "disabled")
    assert config["database.password"] == "${secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:x:password}"
    assert config["table.include.list"] == "public.orders,public.order_lines,public.outbox"
    assert config["heartbeat.interval.ms"] == "30000" and config["snapshot.mode"] == "initial"
    # the outbox router applies to the outbox table's topic only
    assert config["transforms.outbox.type"] == "io.debezium.transforms.outbox.EventRouter"
    assert config["predicates.isOutbox.pattern"] == r"orders-db\.public\.outbox"
    assert "schema.history.internal.kafka.topic" not in config, "PostgreSQL keeps no schema history"


def test_sqlserver_on_strimzi_keeps_schema_history_over_mtls():
    from components.spec import parse_environment as parse
    spec = parse(copy.deepcopy(load_spec_data("prod")), "environments/prod.yaml", SECRET_KEYS)
    source = spec.data.cdc.sources[0]
    config = settings.strimzi_connector_settings(source, "kafka:9093", "tls", "cdc-mes-db")
    assert "connector.class" not in config and config["database.names"] == "mes"
    assert config["database.user"] == "${directory:/mnt/cdc-credentials:username}"
    assert config["schema.history.internal.kafka.topic"] == "__debezium-schema-history.mes-db"
    assert config["schema.history.internal.producer.security.protocol"] == "SSL"
    acls = settings.kafka_user_acls(source, "cdc-mes-db")
    names = {a["resource"]["name"] for a in acls}
    assert {"mes-db.", "cdc-mes-db-", "__debezium-schema-history.mes-db"} <= names
    assert all("All" not in a["operations"] for a in acls)


def test_msk_worker_names_its_offsets_topic(staging):
    props = settings.msk_worker_properties(_source(staging), "eu-west-1")
    assert "offset.storage.topic=__amazon_msk_connect_offsets_orders-db\n" in props
    assert "config.providers.secretsmanager.param.region=eu-west-1" in props
