"""A Debezium source on MSK Connect, beside an `msk` broker with IAM client authentication.

MSK Connect runs the workers in the broker's VPC (its private subnets, a security group of its own that only
reaches the brokers, the database and the VPC's interface endpoints), authenticates to the cluster with IAM
(MSK Connect offers only IAM or none: https://docs.aws.amazon.com/msk/latest/developerguide/mkc-connector-auth.html),
reads the login through the MSK Secrets Manager config provider, and delivers worker logs to CloudWatch Logs.
Inputs follow the provider's mskconnect resources
(https://www.pulumi.com/registry/packages/aws/api-docs/mskconnect/connector/): only capacity and the connector
configuration update in place, anything else replaces the connector, and the worker configuration's named
offsets topic lets the new one resume.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pulumi
from pulumi_aws import cloudwatch, ec2, iam, msk, mskconnect

from ..alerting import AlertRoutes
from ..naming import cdc_audit_role_name, cdc_role_name, physical_name
from ..log_group import protected_log_group
from ..ownership import CONTEXT_TAG
from ..spec.cdc import CdcSource
from .audit_sink import AuditStore, msk_sink_policy, sink_settings
from .documents import connect_trust_policy, execution_policy
from .settings import heartbeat_topic, msk_connector_settings, msk_worker_properties, schema_history_topic

# Kafka Connect versions MSK Connect runs: 2.7.1 and 3.7.x; Debezium 2.7 needs 3.x.
# https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect.html
KAFKA_CONNECT_VERSION = "3.7.x"
# MSK brokers answer IAM-authenticated clients over TLS on 9098.
# https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html
MSK_IAM_PORT = 9098
HTTPS = 443
# Three one-minute periods: the same patience as the brokers' lag alarms.
PERIOD_SECONDS, EVALUATION_PERIODS = 60, 3
METRIC_NAMESPACE = "AWS/KafkaConnect"


@dataclass(frozen=True)
class ConnectorNetwork:
    """Where the workers run: the broker's VPC and private subnets."""

    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list]
    vpc_cidr: str
    """Brokers and interface endpoints (Secrets Manager) live in it."""
    database_cidr: str
    """The database's network: the VPC's own, or the on-prem site's, reached over the hybrid link."""
    s3_prefix_list_id: pulumi.Input[str] | None = None
    """The VPC's S3 gateway endpoint's prefix list (audit sinks write through it)."""


@dataclass(frozen=True)
class MskCluster:
    """What MSK Connect needs of the broker: Outputs of its cluster."""

    arn: pulumi.Input[str]
    bootstrap_brokers: pulumi.Input[str]
    """The IAM bootstrap string (bootstrap_brokers_sasl_iam)."""


@dataclass(frozen=True)
class LoginSecret:
    arn: pulumi.Input[str]
    """The Secrets Manager secret holding username and password."""
    key_arn: pulumi.Input[str]
    """The key it is encrypted with."""


HEARTBEAT_RETENTION_MS = 7 * 24 * 3600 * 1000
# MSK's default retention (log.retention.hours 168), what Debezium's own topics get.
CHANGE_RETENTION_MS = 7 * 24 * 3600 * 1000


def topic_configs(replication: int, retention_ms: int) -> str:
    return json.dumps({"retention.ms": str(retention_ms), "min.insync.replicas": str(max(1, replication - 1))},
                      sort_keys=True)


def _cluster_access(cluster: MskCluster, group: ec2.SecurityGroup, network: ConnectorNetwork,
                    plugin: mskconnect.CustomPlugin) -> dict[str, Any]:
    """How every connector here reaches its cluster: inside the VPC, IAM over TLS (the only authenticated mode MSK
    Connect has), running its one custom plugin's latest revision."""
    return dict(
        kafka_cluster=mskconnect.ConnectorKafkaClusterArgs(apache_kafka_cluster=mskconnect.ConnectorKafkaClusterApacheKafkaClusterArgs(
            bootstrap_servers=cluster.bootstrap_brokers,
            vpc=mskconnect.ConnectorKafkaClusterApacheKafkaClusterVpcArgs(security_groups=[group.id],
                                                                          subnets=network.subnet_ids))),
        kafka_cluster_client_authentication=mskconnect.ConnectorKafkaClusterClientAuthenticationArgs(
            authentication_type="IAM"),
        kafka_cluster_encryption_in_transit=mskconnect.ConnectorKafkaClusterEncryptionInTransitArgs(encryption_type="TLS"),
        plugins=[mskconnect.ConnectorPluginArgs(custom_plugin=mskconnect.ConnectorPluginCustomPluginArgs(
            arn=plugin.arn, revision=plugin.latest_revision))])


def connector_name(environment: str, source: CdcSource) -> str:
    return physical_name(environment, "cdc", source.name, limit=128)


def alarm_specs(source: CdcSource, connector: str, workers: int) -> list[dict]:
    """Errors and stalls from MSK Connect's metrics (dimension ConnectorName). MSK Connect publishes no
    source-lag metric (Debezium's MilliSecondsBehindSource stays in the worker's JMX), so lag is alarmed by its
    cause: a task that errors or stops running lets changes pile up in the database's log.
    https://docs.aws.amazon.com/msk/latest/developerguide/mkc-monitoring-overview.html"""
    return [
        {"signal": "errored-tasks", "metric": "ErroredTaskCount", "statistic": "Maximum", "threshold": 0,
         "comparison": "GreaterThanThreshold", "missing": "notBreaching"},
        # A stopped connector emits nothing: missing data is a stall too.
        {"signal": "tasks-not-running", "metric": "RunningTaskCount", "statistic": "Minimum", "threshold": 1,
         "comparison": "LessThanThreshold", "missing": "breaching"},
        {"signal": "workers-missing", "metric": "WorkerCount", "statistic": "Minimum", "threshold": workers,
         "comparison": "LessThanThreshold", "missing": "breaching"},
    ]


def build(parent: pulumi.Resource, name: str, environment: str, account: str, region: str, source: CdcSource,
          cluster: MskCluster, network: ConnectorNetwork, login: LoginSecret, alerts: AlertRoutes,
          log_retention_days: int, masked_identifiers: tuple[str, ...], tags: Mapping[str, str],
          opts: pulumi.ResourceOptions, replication: int = 3, protect: bool = False,
          audited_topics: Sequence[str] = ()) -> tuple[mskconnect.Connector, dict[str, msk.Topic]]:
    """`opts` carries the parent and the region's AWS provider; `replication` is the topics' replication factor
    (the broker's, capped at 3); `protect` keeps the schema history (production). `audited_topics` (the change
    topics of critical entities) are created by the stack rather than by Debezium, so the audit sinks' grants
    name topics that exist (their ARNs are the topics' Outputs); returns the connector and those topics."""
    runtime = source.msk_connect
    assert runtime is not None  # the spec check requires it for msk brokers
    connector = connector_name(environment, source)
    own_tags = {**tags, "cdc-source": source.name, "owner": source.owner}
    group = ec2.SecurityGroup(
        f"{name}-sg", vpc_id=network.vpc_id, description=f"MSK Connect workers of CDC source {source.name}",
        egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=MSK_IAM_PORT, to_port=MSK_IAM_PORT,
                                            cidr_blocks=[network.vpc_cidr], description="Kafka brokers, IAM over TLS"),
                ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=source.effective_port,
                                            to_port=source.effective_port, cidr_blocks=[network.database_cidr],
                                            description=f"the {source.engine} database"),
                ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=HTTPS, to_port=HTTPS,
                                            cidr_blocks=[network.vpc_cidr],
                                            description="interface endpoints (Secrets Manager)")],
        tags={**own_tags, "Name": connector}, opts=opts)
    role = iam.Role(f"{name}-role", name=cdc_role_name(environment, source.name),
                    description=f"MSK Connect service execution role of CDC source {source.name}",
                    assume_role_policy=connect_trust_policy(account, region, connector), max_session_duration=3600,
                    tags={**own_tags, CONTEXT_TAG: source.owner}, opts=opts)
    stateful = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect))
    heartbeat = msk.Topic(f"{name}-heartbeat", cluster_arn=cluster.arn, name=heartbeat_topic(source), partition_count=1,
                          replication_factor=replication, configs=topic_configs(replication, HEARTBEAT_RETENTION_MS),
                          opts=stateful)
    history_name = schema_history_topic(source)
    # Debezium's schema history must keep every record and stay in order: one partition, no expiry.
    # https://debezium.io/documentation/reference/2.7/connectors/sqlserver.html#sqlserver-property-schema-history-internal-kafka-topic
    history = (msk.Topic(f"{name}-schema-history", cluster_arn=cluster.arn, name=history_name, partition_count=1,
                         replication_factor=replication, configs=topic_configs(replication, -1), opts=stateful)
               if history_name is not None else None)
    # Created as Debezium would (one partition: a row's changes stay in order), kept when the stack lets go of
    # them (retain_on_delete: an entity that stops being critical must not delete its live change topic).
    audited = {topic: msk.Topic(f"{name}-topic-{re.sub(r'[^A-Za-z0-9-]', '-', topic)}", cluster_arn=cluster.arn,
                                name=topic, partition_count=1, replication_factor=replication,
                                configs=topic_configs(replication, CHANGE_RETENTION_MS),
                                opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(retain_on_delete=True)))
               for topic in audited_topics}
    policy = iam.RolePolicy(
        f"{name}-access", role=role.name, name="cdc-source",
        policy=pulumi.Output.all(cluster.arn, login.arn, login.key_arn, heartbeat.arn,
                                 history.arn if history is not None else None).apply(
            lambda a: execution_policy(source, a[0], a[1], a[2], a[3], a[4])), opts=opts)
    plugin_spec = runtime.plugin
    plugin = mskconnect.CustomPlugin(
        f"{name}-plugin", name=physical_name(environment, "cdc", source.name, "debezium", limit=128),
        description=f"Debezium {source.engine} connector, MSK IAM auth and the Secrets Manager config provider",
        content_type="ZIP" if plugin_spec.key.endswith(".zip") else "JAR",
        location=mskconnect.CustomPluginLocationArgs(s3=mskconnect.CustomPluginLocationS3Args(
            bucket_arn=f"arn:aws:s3:::{plugin_spec.bucket}", file_key=plugin_spec.key,
            object_version=plugin_spec.object_version)),
        tags=own_tags, opts=opts)
    workers = mskconnect.WorkerConfiguration(
        f"{name}-workers", name=physical_name(environment, "cdc", source.name, limit=128),
        description=f"Secrets Manager config provider and offsets topic of CDC source {source.name}",
        properties_file_content=msk_worker_properties(source, region), tags=own_tags, opts=opts)
    logs = protected_log_group(f"{name}-logs", f"/hybrid/{environment}/cdc/{source.name}", log_retention_days,
                               masked_identifiers, opts, tags=own_tags)
    config = pulumi.Output.all(login.arn, cluster.bootstrap_brokers).apply(
        lambda a: msk_connector_settings(source, a[0], a[1]))
    resource = mskconnect.Connector(
        f"{name}-connector", name=connector, description=f"Debezium CDC of {source.address} (owner {source.owner})",
        kafkaconnect_version=KAFKA_CONNECT_VERSION,
        capacity=mskconnect.ConnectorCapacityArgs(provisioned_capacity=mskconnect.ConnectorCapacityProvisionedCapacityArgs(
            worker_count=runtime.workers, mcu_count=runtime.mcu_count)),
        connector_configuration=config,
        **_cluster_access(cluster, group, network, plugin),
        service_execution_role_arn=role.arn,
        worker_configuration=mskconnect.ConnectorWorkerConfigurationArgs(arn=workers.arn,
                                                                         revision=workers.latest_revision),
        log_delivery=mskconnect.ConnectorLogDeliveryArgs(worker_log_delivery=mskconnect.ConnectorLogDeliveryWorkerLogDeliveryArgs(
            cloudwatch_logs=mskconnect.ConnectorLogDeliveryWorkerLogDeliveryCloudwatchLogsArgs(enabled=True,
                                                                                               log_group=logs.name))),
        tags=own_tags,
        # The role's permissions and the topics must be in place before the workers start.
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
            depends_on=[policy, heartbeat] + ([history] if history is not None else []) + list(audited.values()))))
    connector_alarms(name, environment, region, source, resource, connector, runtime.workers, alerts, own_tags, opts,
                     f"changes of {source.database} pile up in its log")
    return resource, audited



def connector_alarms(name: str, environment: str, region: str, source: CdcSource, resource: mskconnect.Connector,
                     connector: str, workers: int, alerts: AlertRoutes, tags: Mapping[str, str],
                     opts: pulumi.ResourceOptions, consequence: str, label: str = "") -> None:
    """The errors-and-stalls alarms of one MSK Connect connector, to the region's critical alert topic."""
    for alarm in alarm_specs(source, connector, workers):
        topic = alerts.topic(region, "critical")
        signal = "-".join(p for p in (label, alarm["signal"]) if p)
        cloudwatch.MetricAlarm(
            f"{name}-{signal}-alarm", name=physical_name(environment, "cdc", source.name, signal, limit=255),
            alarm_description=(f"CDC source {source.name} (owner {source.owner}): {alarm['signal']} on MSK Connect "
                               f"connector {connector}; {consequence}."),
            namespace=METRIC_NAMESPACE, metric_name=alarm["metric"], dimensions={"ConnectorName": resource.name},
            statistic=alarm["statistic"], threshold=alarm["threshold"], comparison_operator=alarm["comparison"],
            period=PERIOD_SECONDS, evaluation_periods=EVALUATION_PERIODS, datapoints_to_alarm=EVALUATION_PERIODS,
            treat_missing_data=alarm["missing"], alarm_actions=[topic], ok_actions=[topic],
            tags={**tags, "severity": "critical", "consumer-path": f"cdc:{source.name}"}, opts=opts)


# An S3 sink of one entity's changes keeps up with one Debezium task: one worker of one MCU.
SINK_WORKERS, SINK_MCU = 1, 1


def sink_connector_name(environment: str, source: CdcSource, entity: str) -> str:
    return physical_name(environment, "cdc", source.name, entity, "audit", limit=128)


def build_audit_sinks(name: str, environment: str, account: str, region: str, source: CdcSource,
                      topics: Mapping[str, list[str]], topic_arns: Mapping[str, pulumi.Input[str]],
                      cluster: MskCluster, network: ConnectorNetwork,
                      store: AuditStore, alerts: AlertRoutes, log_retention_days: int,
                      masked_identifiers: tuple[str, ...], tags: Mapping[str, str], opts: pulumi.ResourceOptions,
                      after: pulumi.Resource) -> dict[str, mskconnect.Connector]:
    """One S3 sink connector per critical entity (`topics`: entity -> its change topics, `topic_arns`: topic ->
    its ARN Output), each with a role that reads only those topics and writes only under the entity's prefix.
    `after` is the Debezium connector."""
    sink = source.audit_sink
    assert sink is not None and sink.plugin is not None and network.s3_prefix_list_id is not None
    own_tags = {**tags, "cdc-source": source.name, "owner": source.owner}
    group = ec2.SecurityGroup(
        f"{name}-audit-sg", vpc_id=network.vpc_id, description=f"MSK Connect audit sinks of CDC source {source.name}",
        egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=MSK_IAM_PORT, to_port=MSK_IAM_PORT,
                                            cidr_blocks=[network.vpc_cidr], description="Kafka brokers, IAM over TLS"),
                ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=HTTPS, to_port=HTTPS,
                                            prefix_list_ids=[network.s3_prefix_list_id],
                                            description="the audit bucket through the S3 gateway endpoint")],
        tags={**own_tags, "Name": physical_name(environment, "cdc", source.name, "audit", limit=255)}, opts=opts)
    plugin = mskconnect.CustomPlugin(
        f"{name}-audit-plugin", name=physical_name(environment, "cdc", source.name, "s3-sink", limit=128),
        description="Confluent S3 sink connector (with s3.send.digest, for the Object Lock audit bucket)",
        content_type="ZIP" if sink.plugin.key.endswith(".zip") else "JAR",
        location=mskconnect.CustomPluginLocationArgs(s3=mskconnect.CustomPluginLocationS3Args(
            bucket_arn=f"arn:aws:s3:::{sink.plugin.bucket}", file_key=sink.plugin.key,
            object_version=sink.plugin.object_version)),
        tags=own_tags, opts=opts)
    built: dict[str, mskconnect.Connector] = {}
    for entity, entity_topics in sorted(topics.items()):
        label = f"audit-{entity}"
        connector = sink_connector_name(environment, source, entity)
        role = iam.Role(f"{name}-{label}-role", name=cdc_audit_role_name(environment, source.name, entity),
                        description=f"MSK Connect S3 sink of entity {entity} (CDC source {source.name}) into the audit bucket",
                        assume_role_policy=connect_trust_policy(account, region, connector), max_session_duration=3600,
                        tags={**own_tags, "entity": entity, CONTEXT_TAG: source.owner}, opts=opts)
        policy = iam.RolePolicy(
            f"{name}-{label}-access", role=role.name, name="cdc-audit-sink",
            policy=pulumi.Output.all(cluster.arn, store.bucket_arn, store.key_arn,
                                     *[topic_arns[t] for t in entity_topics]).apply(
                lambda a, e=entity, c=connector: msk_sink_policy(source, e, a[0], list(a[3:]), c, a[1], a[2],
                                                                 store.region)),
            opts=opts)
        logs = protected_log_group(f"{name}-{label}-logs", f"/hybrid/{environment}/cdc/{source.name}/{label}",
                                   log_retention_days, masked_identifiers, opts, tags=own_tags)
        config = pulumi.Output.all(store.bucket_name, store.key_arn).apply(
            lambda a, e=entity, t=list(entity_topics): sink_settings(source, e, t, a[0], store.region, a[1]))
        resource = mskconnect.Connector(
            f"{name}-{label}-connector", name=connector,
            description=f"Changes of critical entity {entity} from CDC source {source.name} into the audit bucket",
            kafkaconnect_version=KAFKA_CONNECT_VERSION,
            capacity=mskconnect.ConnectorCapacityArgs(provisioned_capacity=mskconnect.ConnectorCapacityProvisionedCapacityArgs(
                worker_count=SINK_WORKERS, mcu_count=SINK_MCU)),
            connector_configuration=config,
            **_cluster_access(cluster, group, network, plugin),
            service_execution_role_arn=role.arn,
            log_delivery=mskconnect.ConnectorLogDeliveryArgs(worker_log_delivery=mskconnect.ConnectorLogDeliveryWorkerLogDeliveryArgs(
                cloudwatch_logs=mskconnect.ConnectorLogDeliveryWorkerLogDeliveryCloudwatchLogsArgs(enabled=True,
                                                                                                   log_group=logs.name))),
            tags={**own_tags, "entity": entity},
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[policy, after])))
        connector_alarms(name, environment, region, source, resource, connector, SINK_WORKERS, alerts,
                         {**own_tags, "entity": entity}, opts,
                         f"changes of critical entity {entity} stop reaching the audit store", label)
        built[entity] = resource
    return built
