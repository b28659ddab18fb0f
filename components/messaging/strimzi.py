"""Kafka on any cluster through the Strimzi operator's custom resources (KRaft, node pools).

TLS-only internal listener with client authentication, replicas and storage from the spec, guaranteed
resources, a disruption budget of one broker, topics with partitions and replication from the spec, and
the Kafka Exporter so consumer lag reaches Prometheus (practices 3.5, 3.6, 5.1, 8.3).
"""

from __future__ import annotations

import pulumi

from ..spec.brokers import StrimziKafkaBroker
from ..spec.messaging import StreamSpec
from .backend import BackendResult, BrokerArgs, KafkaFacts, LagMetric
from .in_cluster import (InCluster, alert_rules, custom, in_cluster, metrics_monitor, namespace, namespace_name,
                         replicas, resources)

KAFKA_VERSION = "3.9.0"
METADATA_VERSION = "3.9-IV0"
API = "kafka.strimzi.io/v1beta2"
AUTH_TYPES = {"tls": "tls", "scram": "scram-sha-512"}
TLS_PORT = 9093


def listener(auth: str) -> dict:
    """The one listener: internal to the cluster, TLS, authenticated clients only."""
    return {"name": "tls", "port": TLS_PORT, "type": "internal", "tls": True,
            "authentication": {"type": AUTH_TYPES[auth]}}


def broker_config(brokers: int) -> dict:
    factor = min(3, brokers)
    isr = max(1, factor - 1)
    return {"default.replication.factor": factor, "min.insync.replicas": isr,
            "offsets.topic.replication.factor": factor, "transaction.state.log.replication.factor": factor,
            "transaction.state.log.min.isr": isr, "auto.create.topics.enable": False,
            "unclean.leader.election.enable": False, "ssl.enabled.protocols": "TLSv1.2,TLSv1.3",
            "ssl.protocol": "TLSv1.3"}


def topic_spec(stream: StreamSpec, brokers: int) -> dict:
    factor = stream.replication_factor if stream.replication_factor is not None else min(3, brokers)
    return {"partitions": stream.partitions, "replicas": factor,
            "config": {"retention.ms": stream.retention_hours * 3600 * 1000, "min.insync.replicas": max(1, factor - 1)}}


def lag_metrics(ctx: InCluster, namespace_name: str) -> list[LagMetric]:
    return [LagMetric(f"group:{s.name}/{g.name}", "consumer-lag", "kafka_consumergroup_lag", "prometheus", "max",
                      g.max_lag or ctx.spec.slo.max_consumer_lag,
                      {"namespace": namespace_name, "consumergroup": g.name, "topic": s.name})
            for s in ctx.spec.streams for g in s.consumer_groups]


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, StrimziKafkaBroker)
    ctx = in_cluster(logical, args)
    name = spec.name
    ns = namespace(parent, ctx)
    brokers = replicas(ctx)
    volume = {"id": 0, "type": "persistent-claim", "size": f"{spec.size.storage_gb}Gi", "deleteClaim": False,
              "kraftMetadata": "shared"}
    if spec.size.storage_class:
        volume["class"] = spec.size.storage_class
    pool = custom(parent, ctx, "pool", API, "KafkaNodePool", f"{name}-nodes",
                  {"replicas": brokers, "roles": ["controller", "broker"],
                   "storage": {"type": "jbod", "volumes": [volume]}, "resources": resources(ctx)},
                  extra_labels={"strimzi.io/cluster": name}, stateful=True, depends_on=[ns])
    kafka = custom(parent, ctx, "kafka", API, "Kafka", name, {
        "kafka": {"version": KAFKA_VERSION, "metadataVersion": METADATA_VERSION,
                  "listeners": [listener(spec.client_auth)], "authorization": {"type": "simple"},
                  "config": broker_config(brokers),
                  # Strimzi owns the broker pods' PodDisruptionBudget; a second one would make evictions fail.
                  "template": {"podDisruptionBudget": {"maxUnavailable": 1}}},
        "entityOperator": {"topicOperator": {}, "userOperator": {}},
        "kafkaExporter": {"topicRegex": ".*", "groupRegex": ".*"},
    }, stateful=True, depends_on=[ns, pool],
        annotations={"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"})
    for stream in spec.streams:
        topics = [stream.name] + ([f"{stream.name}-dlq"] if stream.dead_letter else [])
        for topic in topics:
            custom(parent, ctx, f"topic-{topic}", API, "KafkaTopic", topic, topic_spec(stream, brokers),
                   extra_labels={"strimzi.io/cluster": name}, stateful=True, depends_on=[kafka])
    # Consumer lag comes from the Kafka Exporter, which Strimzi 0.45 runs without a Service: a PodMonitor
    # scrapes its pods on their named port (https://strimzi.io/docs/operators/0.45.0/deploying#proc-metrics-kafka-exporter-str).
    metrics_monitor(parent, ctx, "PodMonitor", {
        "selector": {"matchLabels": {"strimzi.io/cluster": name, "strimzi.io/kind": "Kafka",
                                     "strimzi.io/name": f"{name}-kafka-exporter"}},
        "podMetricsEndpoints": [{"port": "tcp-prometheus", "path": "/metrics", "interval": "30s"}]}, depends_on=[kafka])
    metrics = lag_metrics(ctx, f"msg-{name}")
    alert_rules(parent, ctx, metrics, depends_on=[ns])
    bootstrap = f"{name}-kafka-bootstrap.msg-{name}.svc:{TLS_PORT}"
    return BackendResult(endpoints={"bootstrap": bootstrap}, lag_metrics=metrics,
                         kafka=KafkaFacts(bootstrap=bootstrap, client_auth=spec.client_auth, cluster_name=name,
                                          namespace=namespace_name(ctx), kubernetes_cluster=spec.cluster))
