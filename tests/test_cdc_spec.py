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


# Critical entities to the audit store: data.cdc.sources[].audit_sink.
@pytest.fixture()
def prod() -> dict:
    return copy.deepcopy(load_spec_data("prod"))


def test_shipped_critical_entities_carry_an_audit_sink(staging, prod):
    from components.spec.cdc import critical_entities
    for data, path in ((staging, "environments/staging.yaml"), (prod, "environments/prod.yaml")):
        spec = parse_environment(data, path, SECRET_KEYS)
        source = spec.data.cdc.sources[0]
        assert source.audit_sink is not None and source.entity_topics(critical_entities(spec))


def test_a_critical_entity_without_an_audit_sink_is_refused(staging):
    del staging["data"]["cdc"]["sources"][0]["audit_sink"]
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].audit_sink" in i and "critical entities (order)" in i for i in issues), issues


def test_an_audit_sink_without_critical_entities_is_refused(staging):
    staging["data"]["entities"][0]["critical"] = False
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].audit_sink" in i and "no table carries a critical entity" in i for i in issues), issues


def test_an_msk_audit_sink_needs_its_plugin_and_takes_no_strimzi_settings(staging):
    sink = staging["data"]["cdc"]["sources"][0]["audit_sink"]
    del sink["plugin"]
    sink["pod_identity_webhook"] = True
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].audit_sink.plugin" in i and "S3 sink plugin" in i for i in issues), issues
    assert any("data.cdc.sources[0].audit_sink.pod_identity_webhook" in i and "Strimzi setting" in i for i in issues), issues


def test_an_msk_audit_sink_outside_the_audit_region_is_refused(staging):
    broker = next(b for b in staging["messaging"]["brokers"] if b["name"] == "order-changes")
    broker["region"] = "eu-central-1"
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].broker" in i and "S3 gateway endpoint" in i and "eu-west-1" in i for i in issues), issues


def test_a_critical_outbox_table_is_refused(staging):
    source = staging["data"]["cdc"]["sources"][0]
    source["tables"][2]["entity"] = "order"
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].tables[2].entity" in i and "routed" in i for i in issues), issues


def test_a_strimzi_audit_sink_declares_its_plugin_and_identity(prod):
    sink = prod["data"]["cdc"]["sources"][0]["audit_sink"]
    sink["image_includes_plugin"] = False
    sink["pod_identity_webhook"] = False
    issues = issues_for(prod)
    assert any("data.cdc.sources[0].audit_sink.image_includes_plugin" in i and "pinned" in i for i in issues), issues
    assert any("data.cdc.sources[0].audit_sink.pod_identity_webhook" in i and "not EKS" in i for i in issues), issues


def test_a_strimzi_audit_sink_needs_the_clusters_oidc_provider(prod):
    cluster = next(c for c in prod["clusters"] if c["name"] == "k8s-fra")
    del cluster["oidc_provider_arn"]
    issues = issues_for(prod)
    assert any("data.cdc.sources[0].broker" in i and "oidc_provider_arn" in i for i in issues), issues


def test_a_built_strimzi_image_needs_the_sink_artifact(prod):
    source = prod["data"]["cdc"]["sources"][0]
    source["strimzi"] = {"build": {"artifact_url": "https://repo.example.com/dbz.tar.gz", "sha512": "a" * 128,
                                   "output_image": "registry.example.com/connect:1"}}
    issues = issues_for(prod)
    assert any("data.cdc.sources[0].audit_sink.artifact" in i and "expected the S3 sink plugin archive" in i
               for i in issues), issues
    assert any("data.cdc.sources[0].audit_sink.image_includes_plugin" in i and "remove it" in i for i in issues), issues


def test_audit_sink_settings_are_bounded(staging):
    staging["data"]["cdc"]["sources"][0]["audit_sink"]["rotate_seconds"] = 1
    issues = issues_for(staging)
    assert any("data.cdc.sources[0].audit_sink.rotate_seconds" in i for i in issues), issues


def test_the_sinks_prerequisites_are_on_the_checklist(staging, prod):
    from components.spec.prerequisites import typed_externals
    listed = {e.field: e for e in typed_externals(parse_environment(staging, "environments/staging.yaml", SECRET_KEYS))}
    plugin = listed["data.cdc.sources[0].audit_sink.plugin"]
    assert plugin.kind == "connector-plugin" and plugin.id.endswith("/confluent/kafka-connect-s3.zip")
    listed = {e.field: e for e in typed_externals(parse_environment(prod, "environments/prod.yaml", SECRET_KEYS))}
    webhook = listed["data.cdc.sources[0].audit_sink.pod_identity_webhook"]
    assert (webhook.kind, webhook.id) == ("pod-identity-webhook", "k8s-fra/pod-identity-webhook")
    prod["data"]["cdc"]["sources"][0]["audit_sink"]["pod_identity_webhook"] = False
    from components.spec.environment import EnvironmentSpec
    assert not any(e.kind == "pod-identity-webhook" for e in typed_externals(EnvironmentSpec.model_validate(prod)))
