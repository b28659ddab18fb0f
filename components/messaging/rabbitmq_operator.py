"""RabbitMQ on any cluster through the RabbitMQ cluster operator and its messaging topology operator.

TLS-only listeners (certificate from cert-manager), replicas, storage class and guaranteed resources from
the spec, a disruption budget, quorum queues with a delivery limit and a dead-letter exchange, topic
exchanges bound to their subscriber queues, and per-queue metrics for the lag rules (practices 3.3-3.6, 5.1).
"""

from __future__ import annotations

import pulumi

from ..cluster.addons import RABBITMQ_IMAGE
from ..spec.brokers import RabbitMqOperatorBroker
from ..spec.messaging import QueueSpec
from .backend import BackendResult, BrokerArgs, LagMetric
from .in_cluster import (InCluster, alert_rules, custom, disruption_budget, in_cluster, metrics_monitor, namespace,
                         replicas, resources)

API = "rabbitmq.com/v1beta1"
CERT_API = "cert-manager.io/v1"
AMQPS_PORT = 5671


def queue_arguments(queue: QueueSpec, dlx: str) -> dict:
    """Quorum queue arguments: bounded redeliveries then the dead-letter exchange; FIFO via one active consumer."""
    args = {"x-queue-type": "quorum", "x-delivery-limit": queue.max_receive_count,
            "x-dead-letter-exchange": dlx, "x-dead-letter-routing-key": queue.name,
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish",
            "x-message-ttl": queue.retention_seconds * 1000}
    if queue.fifo:
        args["x-single-active-consumer"] = True
    return args


def lag_metrics(ctx: InCluster, namespace_name: str) -> list[LagMetric]:
    metrics = []
    for queue in ctx.spec.queues:
        metrics.append(LagMetric(f"queue:{queue.name}", "backlog", "rabbitmq_queue_messages_ready", "prometheus", "max",
                                 ctx.spec.slo.max_backlog, {"namespace": namespace_name, "queue": queue.name}))
        metrics.append(LagMetric(f"queue:{queue.name}", "dead-letters", "rabbitmq_queue_messages_ready", "prometheus",
                                 "max", ctx.spec.slo.max_dead_letters,
                                 {"namespace": namespace_name, "queue": f"{queue.name}-dlq"}, severity="warning"))
    return metrics


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, RabbitMqOperatorBroker)
    ctx = in_cluster(logical, args)
    name = spec.name
    ns = namespace(parent, ctx)
    ref = {"name": name}
    issuer = custom(parent, ctx, "issuer", CERT_API, "Issuer", f"{name}-selfsigned", {"selfSigned": {}}, depends_on=[ns])
    cert = custom(parent, ctx, "cert", CERT_API, "Certificate", f"{name}-tls", {
        "secretName": f"{name}-tls", "issuerRef": {"name": f"{name}-selfsigned", "kind": "Issuer"},
        "dnsNames": [f"{name}.msg-{name}.svc", f"*.{name}-nodes.msg-{name}.svc"],
        "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"}}, depends_on=[issuer])
    persistence = {"storage": f"{spec.size.storage_gb}Gi"}
    if spec.size.storage_class:
        persistence["storageClassName"] = spec.size.storage_class
    cluster = custom(parent, ctx, "cluster", API, "RabbitmqCluster", name, {
        "image": RABBITMQ_IMAGE, "replicas": replicas(ctx), "persistence": persistence, "resources": resources(ctx),
        "tls": {"secretName": f"{name}-tls", "disableNonTLSListeners": True},
        "service": {"type": "ClusterIP"},
        "rabbitmq": {"additionalPlugins": ["rabbitmq_prometheus"],
                     "additionalConfig": "prometheus.return_per_object_metrics = true\n"
                                         "ssl_options.versions.1 = tlsv1.3\nssl_options.versions.2 = tlsv1.2\n"},
    }, stateful=True, depends_on=[ns, cert])
    dlx = f"{name}-dlx"
    custom(parent, ctx, "dlx", API, "Exchange", dlx, {"name": dlx, "type": "direct", "durable": True,
                                                       "rabbitmqClusterReference": ref}, depends_on=[cluster])
    for queue in spec.queues:
        dlq = custom(parent, ctx, f"{queue.name}-dlq", API, "Queue", f"{queue.name}-dlq", {
            "name": f"{queue.name}-dlq", "type": "quorum", "durable": True, "rabbitmqClusterReference": ref,
            "arguments": {"x-message-ttl": queue.dlq_retention_seconds * 1000}}, stateful=True, depends_on=[cluster])
        custom(parent, ctx, f"{queue.name}-dlq-binding", API, "Binding", f"{queue.name}-dlq", {
            "source": dlx, "destination": f"{queue.name}-dlq", "destinationType": "queue", "routingKey": queue.name,
            "rabbitmqClusterReference": ref}, depends_on=[dlq])
        custom(parent, ctx, f"queue-{queue.name}", API, "Queue", queue.name, {
            "name": queue.name, "type": "quorum", "durable": True, "rabbitmqClusterReference": ref,
            "arguments": queue_arguments(queue, dlx)}, stateful=True, depends_on=[dlq])
    for topic in spec.topics:
        exchange = custom(parent, ctx, f"exchange-{topic.name}", API, "Exchange", topic.name, {
            "name": topic.name, "type": "topic", "durable": True, "rabbitmqClusterReference": ref},
            stateful=True, depends_on=[cluster])
        for subscriber in topic.subscribers:
            custom(parent, ctx, f"{topic.name}-to-{subscriber}", API, "Binding", f"{topic.name}-to-{subscriber}", {
                "source": topic.name, "destination": subscriber, "destinationType": "queue", "routingKey": "#",
                "rabbitmqClusterReference": ref}, depends_on=[exchange])
    disruption_budget(parent, ctx, {"app.kubernetes.io/name": name}, depends_on=[ns])
    # With TLS on, the operator's client Service exposes prometheus-tls (15691) instead of prometheus (15692);
    # the scrape verifies the broker's certificate against the CA in its cert-manager secret.
    # https://github.com/rabbitmq/cluster-operator/blob/v2.12.1/internal/resource/service.go
    metrics_monitor(parent, ctx, "ServiceMonitor", {
        "selector": {"matchLabels": {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "rabbitmq"}},
        "endpoints": [{"port": "prometheus-tls", "scheme": "https", "path": "/metrics", "interval": "30s",
                       "tlsConfig": {"ca": {"secret": {"name": f"{name}-tls", "key": "ca.crt"}},
                                     "serverName": f"{name}.msg-{name}.svc"}}]}, depends_on=[cluster])
    metrics = lag_metrics(ctx, f"msg-{name}")
    alert_rules(parent, ctx, metrics, depends_on=[ns])
    return BackendResult(endpoints={"amqps": f"{name}.msg-{name}.svc:{AMQPS_PORT}"}, lag_metrics=metrics)
