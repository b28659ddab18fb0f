"""Amazon MSK (Kafka) backend: private, TLS-only, IAM or SASL/SCRAM clients, CMK at rest, logs and monitoring.

Practices 3.1 (Kafka for ordered, replayable streams), 3.5 (partitions and replication per topic),
5.1 (TLS in transit, CMK at rest), 5.4 (no unauthenticated clients), 3.6 (consumer lag alarms).
"""

from __future__ import annotations

import json

import pulumi
from pulumi_aws import ec2, kms, msk

from ..naming import msk_cluster_name
from ..log_group import protected_log_group
from ..spec.messaging import StreamSpec
from .alarms import cloudwatch_alarms
from ..spec.brokers import MskBroker
from .backend import BackendResult, BrokerArgs, KafkaFacts, LagMetric
from .documents import kafka_key_policy
from .idempotency import dynamodb_store
from .registry import glue_registry

KAFKA_VERSION = "3.6.0"
DEFAULT_INSTANCE = {True: "kafka.m7g.large", False: "kafka.t3.small"}
# Port per client authentication: 9098 is IAM over TLS, 9096 SASL/SCRAM over TLS.
CLIENT_PORTS = {"iam": 9098, "scram": 9096}


def broker_count(requested: int | None, production: bool, zones: int = 3) -> int:
    """Brokers spread evenly across zones: the request, else one per zone (two per zone in production)."""
    count = requested if requested is not None else zones * (2 if production else 1)
    if count % zones:
        raise ValueError(f"MSK needs a broker count that is a multiple of its {zones} zones, got {count}")
    return count


def replication_factor(stream: StreamSpec, brokers: int) -> int:
    """The spec's factor, else 3 capped by the broker count."""
    return stream.replication_factor if stream.replication_factor is not None else min(3, brokers)


def server_properties(brokers: int) -> str:
    """Cluster defaults that make a lost broker survivable and forbid topics nobody declared."""
    factor = min(3, brokers)
    props = {"auto.create.topics.enable": "false", "default.replication.factor": str(factor),
             "min.insync.replicas": str(max(1, factor - 1)), "unclean.leader.election.enable": "false"}
    return "\n".join(f"{k}={v}" for k, v in sorted(props.items())) + "\n"


def stream_names(stream: StreamSpec) -> list[str]:
    return [stream.name] + ([f"{stream.name}-dlq"] if stream.dead_letter else [])


def lag_metrics(spec: MskBroker, cluster_name: str) -> list[LagMetric]:
    metrics = []
    for stream in spec.streams:
        for group in stream.consumer_groups:
            metrics.append(LagMetric(
                f"group:{stream.name}/{group.name}", "consumer-lag", "MaxOffsetLag", "AWS/Kafka", "Maximum",
                group.max_lag or spec.slo.max_consumer_lag,
                {"Cluster Name": cluster_name, "Consumer Group": group.name, "Topic": stream.name}))
    return metrics


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, MskBroker)
    region = spec.region
    place = args.places.aws_in(region, spec.name, network=True)
    placement, protection, environment = place.network, args.protection, args.estate.environment
    assert placement is not None
    prefix = logical
    opts = protection.opts(parent, place.provider)
    auth = spec.client_auth
    brokers = broker_count(spec.size.nodes, protection.production)
    cluster_name = msk_cluster_name(environment, spec.name)

    key = kms.Key(f"{prefix}-key", description=f"{environment} {spec.name} Kafka data at rest",
                  enable_key_rotation=True, deletion_window_in_days=protection.key_deletion_days,
                  policy=kafka_key_policy(args.estate.aws_account, region), opts=protection.opts(parent, place.provider, True))
    group = ec2.SecurityGroup(
        f"{prefix}-sg", vpc_id=placement.vpc_id, description=f"Kafka clients of {spec.name} inside the VPC only",
        ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=CLIENT_PORTS[auth], to_port=CLIENT_PORTS[auth],
                                              cidr_blocks=[placement.cidr], description="Kafka over TLS")],
        egress=[ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=[placement.cidr],
                                            description="replies and inter-broker traffic stay in the VPC")],
        opts=opts)
    # Broker logs can quote client payloads in errors, so they get the environment's masking policy (practice 5.2).
    logs = protected_log_group(f"{prefix}-logs", f"/hybrid/{environment}/msk/{spec.name}", args.logging.retention_days,
                               args.logging.masked_identifiers, opts, kms_key_arn=key.arn)
    config = msk.Configuration(f"{prefix}-config", name=cluster_name, kafka_versions=[KAFKA_VERSION],
                               server_properties=server_properties(brokers), opts=opts)
    sasl = msk.ClusterClientAuthenticationSaslArgs(iam=auth == "iam", scram=auth == "scram")
    cluster = msk.Cluster(
        f"{prefix}-cluster", cluster_name=cluster_name, kafka_version=KAFKA_VERSION, number_of_broker_nodes=brokers,
        broker_node_group_info=msk.ClusterBrokerNodeGroupInfoArgs(
            instance_type=spec.size.instance_type or DEFAULT_INSTANCE[protection.production],
            client_subnets=placement.subnet_ids, security_groups=[group.id],
            storage_info=msk.ClusterBrokerNodeGroupInfoStorageInfoArgs(
                ebs_storage_info=msk.ClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfoArgs(volume_size=spec.size.storage_gb)),
            connectivity_info=msk.ClusterBrokerNodeGroupInfoConnectivityInfoArgs(
                public_access=msk.ClusterBrokerNodeGroupInfoConnectivityInfoPublicAccessArgs(type="DISABLED"))),
        client_authentication=msk.ClusterClientAuthenticationArgs(sasl=sasl, unauthenticated=False),
        encryption_info=msk.ClusterEncryptionInfoArgs(
            encryption_at_rest_kms_key_arn=key.arn,
            encryption_in_transit=msk.ClusterEncryptionInfoEncryptionInTransitArgs(client_broker="TLS", in_cluster=True)),
        configuration_info=msk.ClusterConfigurationInfoArgs(arn=config.arn, revision=config.latest_revision),
        enhanced_monitoring="PER_TOPIC_PER_PARTITION",
        logging_info=msk.ClusterLoggingInfoArgs(broker_logs=msk.ClusterLoggingInfoBrokerLogsArgs(
            cloudwatch_logs=msk.ClusterLoggingInfoBrokerLogsCloudwatchLogsArgs(enabled=True, log_group=logs.name))),
        opts=protection.opts(parent, place.provider, True))
    for stream in spec.streams:
        for topic in stream_names(stream):
            msk.Topic(f"{prefix}-{topic}", cluster_arn=cluster.arn, name=topic, partition_count=stream.partitions,
                      replication_factor=replication_factor(stream, brokers),
                      configs=json.dumps({"retention.ms": str(stream.retention_hours * 3600 * 1000),
                                          "min.insync.replicas": str(max(1, replication_factor(stream, brokers) - 1))},
                                         sort_keys=True),
                      opts=protection.opts(parent, place.provider, True))
        for group_spec in stream.consumer_groups:
            if group_spec.idempotency is not None:
                dynamodb_store(parent, args, place.provider, f"{stream.name}-{group_spec.name}", group_spec.idempotency, key.arn, prefix)
    metrics = lag_metrics(spec, cluster_name)
    cloudwatch_alarms(parent, args, place.provider, region, metrics, prefix)
    glue_registry(parent, args, place.provider, prefix)
    endpoint = cluster.bootstrap_brokers_sasl_iam if auth == "iam" else cluster.bootstrap_brokers_sasl_scram
    return BackendResult(endpoints={"bootstrap": endpoint, "cluster_arn": cluster.arn}, lag_metrics=metrics,
                         kafka=KafkaFacts(bootstrap=endpoint, client_auth=auth, cluster_name=cluster.cluster_name,
                                          cluster_arn=cluster.arn))
