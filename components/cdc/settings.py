"""Debezium connector settings as pure functions: the source's spec in, connector properties out.

One function per concern, shared by both runtimes; each runtime adds only how it reaches Kafka and the secret.
Property names are Debezium 2.7's (https://debezium.io/documentation/reference/2.7/connectors/), which
MSK Connect and Strimzi hand to the connector unchanged.
"""

from __future__ import annotations

from typing import Mapping

from ..spec.cdc import CdcSource

DEBEZIUM_VERSION = "2.7.3.Final"
CONNECTOR_CLASS = {"postgresql": "io.debezium.connector.postgresql.PostgresConnector",
                   "mysql": "io.debezium.connector.mysql.MySqlConnector",
                   "sqlserver": "io.debezium.connector.sqlserver.SqlServerConnector"}
# Debezium's own topic for heartbeats: topic.heartbeat.prefix (default __debezium-heartbeat) + "." + topic.prefix.
HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat"
# MySQL and SQL Server keep the captured tables' DDL history in a Kafka topic of their own (PostgreSQL does not:
# its change events carry the schema); the name is ours, one per source.
SCHEMA_HISTORY_ENGINES = frozenset({"mysql", "sqlserver"})
SCHEMA_HISTORY_TOPIC_PREFIX = "__debezium-schema-history"
OUTBOX_ROUTER = "io.debezium.transforms.outbox.EventRouter"
TOPIC_NAME_MATCHES = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"


def heartbeat_topic(source: CdcSource) -> str:
    return f"{HEARTBEAT_TOPIC_PREFIX}.{source.prefix}"


def schema_history_topic(source: CdcSource) -> str | None:
    return f"{SCHEMA_HISTORY_TOPIC_PREFIX}.{source.prefix}" if source.engine in SCHEMA_HISTORY_ENGINES else None


def schema_history_group(source: CdcSource) -> str:
    """The consumer group Debezium reads its schema history with: <topic.prefix>-schemahistory."""
    return f"{source.prefix}-schemahistory"


def outbox_topic_pattern(source: CdcSource) -> str:
    """Where routed outbox events go: one topic per aggregate type, under the source's prefix."""
    return f"{source.prefix}.outbox." + "${routedByValue}"


def engine_settings(source: CdcSource) -> dict[str, str]:
    """How Debezium reads this engine's change log, encrypted to the database (practice 5.1)."""
    if source.engine == "postgresql":
        # The slot and publication are the DBA's (declared setup); Debezium only uses them.
        return {"database.dbname": source.database, "plugin.name": "pgoutput", "slot.name": str(source.setup.slot),
                "publication.name": str(source.setup.publication), "publication.autocreate.mode": "disabled",
                "database.sslmode": "require"}
    if source.engine == "mysql":
        return {"database.server.id": str(source.setup.server_id), "database.include.list": source.database,
                "database.ssl.mode": "required"}
    return {"database.names": source.database, "database.encrypt": "true"}


def outbox_settings(source: CdcSource) -> dict[str, str]:
    """Debezium's outbox event router, applied only to the outbox table's topic (other tables pass through).
    https://debezium.io/documentation/reference/2.7/transformations/outbox-event-router.html"""
    if source.outbox is None:
        return {}
    return {"transforms": "outbox", "transforms.outbox.type": OUTBOX_ROUTER,
            "transforms.outbox.route.by.field": source.outbox.route_by_field,
            "transforms.outbox.route.topic.replacement": outbox_topic_pattern(source),
            "transforms.outbox.predicate": "isOutbox", "predicates": "isOutbox",
            "predicates.isOutbox.type": TOPIC_NAME_MATCHES,
            "predicates.isOutbox.pattern": source.topic(source.outbox.table).replace(".", r"\.")}


def connector_settings(source: CdcSource, user: str, password: str) -> dict[str, str]:
    """Everything but how the connector reaches Kafka: `user` and `password` are config-provider references
    (resolved by the worker at runtime), never the values."""
    settings = {
        "connector.class": CONNECTOR_CLASS[source.engine], "tasks.max": "1", "topic.prefix": source.prefix,
        "database.hostname": source.host, "database.port": str(source.effective_port),
        "database.user": user, "database.password": password,
        "table.include.list": ",".join(t.name for t in source.tables),
        "snapshot.mode": source.snapshot_mode, "heartbeat.interval.ms": str(source.heartbeat_seconds * 1000),
        "topic.heartbeat.prefix": HEARTBEAT_TOPIC_PREFIX,
        # Change events as JSON without an inline schema: consumers read the table's columns by name.
        "key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
        # Topics the connector creates inherit the cluster's replication defaults (auto-creation is off).
        "topic.creation.default.replication.factor": "-1", "topic.creation.default.partitions": "1",
    }
    settings.update(engine_settings(source))
    history = schema_history_topic(source)
    if history is not None:
        settings["schema.history.internal.kafka.topic"] = history
    settings.update(outbox_settings(source))
    return settings


def schema_history_clients(source: CdcSource, bootstrap: str, client: Mapping[str, str]) -> dict[str, str]:
    """Debezium's schema history producer and consumer connect to Kafka on their own; `client` is the security
    configuration the worker uses, repeated for both."""
    if schema_history_topic(source) is None:
        return {}
    settings = {"schema.history.internal.kafka.bootstrap.servers": bootstrap}
    for role in ("producer", "consumer"):
        settings.update({f"schema.history.internal.{role}.{k}": v for k, v in client.items()})
    return settings


# MSK's IAM client library (aws-msk-iam-auth, part of the plugin archive): SASL over TLS, signed with the
# worker's role. https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html#configure-clients-for-iam-access-control
MSK_IAM_CLIENT = {"security.protocol": "SASL_SSL", "sasl.mechanism": "AWS_MSK_IAM",
                  "sasl.jaas.config": "software.amazon.msk.auth.iam.IAMLoginModule required;",
                  "sasl.client.callback.handler.class": "software.amazon.msk.auth.iam.IAMClientCallbackHandler"}
# The MSK config provider for Secrets Manager (aws-samples/msk-config-providers, part of the plugin archive).
# https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-config-provider.html
SECRETS_MANAGER_PROVIDER = "com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider"


def msk_worker_properties(source: CdcSource, region: str) -> str:
    """MSK Connect worker configuration: the Secrets Manager config provider, and an offsets topic named after the
    source, so a replaced connector (most of its inputs force a new one) resumes where the old one stopped
    instead of snapshotting again. https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-workers.html"""
    props = {"config.providers": "secretsmanager",
             "config.providers.secretsmanager.class": SECRETS_MANAGER_PROVIDER,
             "config.providers.secretsmanager.param.region": region,
             "offset.storage.topic": msk_offsets_topic(source)}
    return "\n".join(f"{k}={v}" for k, v in sorted(props.items())) + "\n"


MSK_CONNECT_INTERNAL = "__amazon_msk_connect_"


def msk_offsets_topic(source: CdcSource) -> str:
    return f"{MSK_CONNECT_INTERNAL}offsets_{source.name}"


def msk_connector_settings(source: CdcSource, secret_arn: str, bootstrap: str) -> dict[str, str]:
    """The connector configuration on MSK Connect: the login through the Secrets Manager provider."""
    settings = connector_settings(source, f"${{secretsmanager:{secret_arn}:username}}",
                                  f"${{secretsmanager:{secret_arn}:password}}")
    settings.update(schema_history_clients(source, bootstrap, MSK_IAM_CLIENT))
    return settings


# Where the Strimzi Connect pods see the login and the Kafka user's credentials (template volumes), read with
# Kafka's DirectoryConfigProvider (KIP-632): ${directory:<dir>:<file>}.
CREDENTIALS_DIR = "/mnt/cdc-credentials"
KAFKA_USER_DIR = "/mnt/kafka-user"
CLUSTER_CA_DIR = "/mnt/cluster-ca"
DIRECTORY_PROVIDER = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"


def directory_ref(directory: str, key: str) -> str:
    return f"${{directory:{directory}:{key}}}"


def strimzi_client(auth: str, user: str) -> dict[str, str]:
    """Client security for Debezium's own Kafka clients on Strimzi, from the mounted KafkaUser Secret: mTLS
    with PEM files (tls) or SCRAM-SHA-512 over TLS (scram); the cluster CA is trusted either way."""
    trust = {"ssl.truststore.type": "PEM", "ssl.truststore.certificates": directory_ref(CLUSTER_CA_DIR, "ca.crt")}
    if auth == "tls":
        return {"security.protocol": "SSL", **trust, "ssl.keystore.type": "PEM",
                "ssl.keystore.certificate.chain": directory_ref(KAFKA_USER_DIR, "user.crt"),
                "ssl.keystore.key": directory_ref(KAFKA_USER_DIR, "user.key")}
    password = directory_ref(KAFKA_USER_DIR, "password")
    return {"security.protocol": "SASL_SSL", **trust, "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.jaas.config": f'org.apache.kafka.common.security.scram.ScramLoginModule required '
                                f'username="{user}" password="{password}";'}


def strimzi_connector_settings(source: CdcSource, bootstrap: str, auth: str, user: str) -> dict[str, str]:
    settings = connector_settings(source, directory_ref(CREDENTIALS_DIR, "username"),
                                  directory_ref(CREDENTIALS_DIR, "password"))
    settings.pop("connector.class")
    settings.pop("tasks.max")  # both are KafkaConnector spec fields (class, tasksMax)
    settings.update(schema_history_clients(source, bootstrap, strimzi_client(auth, user)))
    return settings


def connect_worker_config(name: str) -> dict[str, object]:
    """The Strimzi Connect workers' own settings: internal topics named after the Connect cluster, replication
    from the broker defaults, and the directory config provider."""
    return {"group.id": name, "offset.storage.topic": f"{name}-offsets", "config.storage.topic": f"{name}-configs",
            "status.storage.topic": f"{name}-status", "offset.storage.replication.factor": -1,
            "config.storage.replication.factor": -1, "status.storage.replication.factor": -1,
            "config.providers": "directory", "config.providers.directory.class": DIRECTORY_PROVIDER}


def kafka_user_acls(source: CdcSource, connect: str, sinks: Mapping[str, list[str]] | None = None) -> list[dict]:
    """The Connect cluster's KafkaUser: its internal topics and group, the source's topics, nothing else; with
    audit sinks (connector name -> its topics), read on exactly those topics and each sink's own group."""
    def acl(kind: str, name: str, pattern: str, operations: list[str]) -> dict:
        return {"resource": {"type": kind, "name": name, "patternType": pattern}, "operations": operations,
                "host": "*"}
    acls = [acl("topic", f"{connect}-", "prefix", ["Create", "Describe", "DescribeConfigs", "Read", "Write"]),
            acl("group", connect, "literal", ["Describe", "Read"]),
            acl("topic", f"{source.prefix}.", "prefix", ["Create", "Describe", "Write"]),
            acl("topic", heartbeat_topic(source), "literal", ["Create", "Describe", "Write"])]
    history = schema_history_topic(source)
    if history is not None:
        acls += [acl("topic", history, "literal", ["Create", "Describe", "Read", "Write"]),
                 acl("group", schema_history_group(source), "literal", ["Describe", "Read"])]
    for connector, topics in sorted((sinks or {}).items()):
        acls += [acl("topic", topic, "literal", ["Describe", "Read"]) for topic in topics]
        # Kafka Connect names a sink connector's consumer group connect-<connector>.
        acls.append(acl("group", f"connect-{connector}", "literal", ["Describe", "Read"]))
    return acls


def jmx_metrics_rules() -> str:
    """Prometheus JMX exporter rules for Connect and Debezium: what the lag and error alerts read.
    Patterns follow Strimzi's examples/metrics/kafka-connect-metrics.yaml and Debezium's MBeans
    (debezium.<plugin>:type=connector-metrics,context=streaming,server=<topic.prefix>[,task=..])."""
    return "\n".join([
        "lowercaseOutputName: true",
        "lowercaseOutputLabelNames: true",
        "rules:",
        '- pattern: "kafka.connect<type=connector-metrics, connector=(.+)><>status: ([a-z-]+)"',
        "  name: kafka_connect_connector_status",
        "  value: 1",
        "  labels: {connector: \"$1\", status: \"$2\"}",
        '- pattern: "kafka.connect<type=task-error-metrics, connector=(.+), task=(.+)><>total-record-errors"',
        "  name: kafka_connect_task_error_metrics_total_record_errors",
        "  labels: {connector: \"$1\", task: \"$2\"}",
        '- pattern: "debezium.([^:]+)<type=connector-metrics, context=([^,]+), server=([^,>]+)(, task=[^>]+)?>'
        '<>MilliSecondsBehindSource"',
        "  name: debezium_metrics_millisecondsbehindsource",
        "  labels: {plugin: \"$1\", context: \"$2\", server: \"$3\"}",
        '- pattern: "debezium.([^:]+)<type=connector-metrics, server=([^,]+), task=([^,]+), context=([^>]+)>'
        '<>MilliSecondsBehindSource"',
        "  name: debezium_metrics_millisecondsbehindsource",
        "  labels: {plugin: \"$1\", server: \"$2\", task: \"$3\", context: \"$4\"}",
        "",
    ])
