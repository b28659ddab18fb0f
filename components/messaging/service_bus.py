"""Azure Service Bus backend: queues and topics with subscriptions, bounded deliveries and dead-lettering.

Practices 3.3 (dead-letter on expiry and after maxDeliveryCount), 3.4 (retries via delivery count and lock
duration), 1.6 (duplicate detection with the spec's window), 5.1 (TLS 1.2, local SAS auth off: Entra ID only).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import servicebus

from ..naming import EstateNames, physical_name
from ..spec.messaging import QueueSpec
from .alarms import azure_metric_alerts
from ..spec.brokers import ServiceBusBroker
from .backend import AzurePlace, BackendResult, BrokerArgs, LagMetric
from .idempotency import iso_duration

METRIC_NAMESPACE = "Microsoft.ServiceBus/namespaces"


def sku(production: bool) -> str:
    """Premium in production (isolation, zone redundancy, private endpoints); Standard elsewhere (topics need it)."""
    return "Premium" if production else "Standard"


def namespace_name(names: EstateNames, environment: str, broker: str) -> str:
    """The namespace's physical name: 6-50 letters, digits and hyphens, globally unique, and never ending in
    `-sb` or `-mgmt`, which Azure reserves (hence `bus`, and the estate's affixes for uniqueness).
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftservicebus"""
    return names.unique(environment, broker, "bus", limit=50)


def queue_settings(queue: QueueSpec) -> dict:
    """A queue's delivery semantics as Service Bus properties (shared by queues and subscriptions)."""
    settings = dict(lock_duration=iso_duration(queue.visibility_timeout_seconds),
                    max_delivery_count=queue.max_receive_count,
                    default_message_time_to_live=iso_duration(queue.retention_seconds),
                    dead_lettering_on_message_expiration=True, requires_session=queue.fifo)
    if queue.idempotency is not None:
        settings.update(requires_duplicate_detection=True,
                        duplicate_detection_history_time_window=iso_duration(queue.idempotency.window_seconds))
    return settings


def lag_metrics(spec: ServiceBusBroker) -> list[LagMetric]:
    metrics = []
    for queue in spec.queues:
        dims = {"EntityName": queue.name}
        metrics.append(LagMetric(f"queue:{queue.name}", "backlog", "ActiveMessages", METRIC_NAMESPACE, "Maximum",
                                 spec.slo.max_backlog, dims))
        metrics.append(LagMetric(f"queue:{queue.name}", "dead-letters", "DeadletteredMessages", METRIC_NAMESPACE,
                                 "Maximum", spec.slo.max_dead_letters, dims, severity="warning"))
    return metrics


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, ServiceBusBroker)
    placement, protection, estate = args.places.azure_in(spec.region, spec.name), args.protection, args.estate
    prefix = logical
    group = placement.resource_group_name
    tier = sku(protection.production)
    namespace = servicebus.Namespace(
        f"{prefix}-namespace", namespace_name=namespace_name(estate.names, estate.environment, spec.name),
        resource_group_name=group, location=spec.region,
        sku=servicebus.SBSkuArgs(name=tier, tier=tier, capacity=1 if tier == "Premium" else None),
        minimum_tls_version="1.2", disable_local_auth=True, zone_redundant=tier == "Premium",
        # Private endpoints need Premium; Standard namespaces stay reachable only with Entra ID tokens over TLS.
        public_network_access="Disabled" if tier == "Premium" else "Enabled",
        tags={**estate.tags, "broker": spec.name, "owner": spec.owner},
        opts=protection.opts(parent, placement.provider, True))
    opts = protection.opts(parent, placement.provider, True)
    queues = {q.name: q for q in spec.queues}
    created = {queue.name: servicebus.Queue(f"{prefix}-{queue.name}", queue_name=queue.name,
                                            namespace_name=namespace.name, resource_group_name=group,
                                            **queue_settings(queue), opts=opts)
               for queue in spec.queues}
    for topic in spec.topics:
        resource = servicebus.Topic(
            f"{prefix}-{topic.name}", topic_name=topic.name, namespace_name=namespace.name, resource_group_name=group,
            support_ordering=topic.fifo, opts=opts)
        for subscriber in topic.subscribers:
            queue = queues[subscriber]
            settings = queue_settings(queue)
            settings.pop("requires_duplicate_detection", None)
            settings.pop("duplicate_detection_history_time_window", None)
            # The subscription forwards into the subscriber's queue, where its consumer, DLQ and alarms live.
            # Azure refuses a forward to a queue that does not exist yet: the queue's own name output orders them.
            servicebus.Subscription(
                f"{prefix}-{topic.name}-to-{subscriber}", subscription_name=subscriber, topic_name=resource.name,
                namespace_name=namespace.name, resource_group_name=group, forward_to=created[subscriber].name,
                dead_lettering_on_filter_evaluation_exceptions=True, **settings,
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[resource])))
    metrics = lag_metrics(spec)
    azure_metric_alerts(parent, args, placement, namespace.id, metrics, prefix)
    if protection.production:
        _private_endpoint(parent, args, spec, placement, namespace, prefix)
    return BackendResult(endpoints={"namespace": namespace.service_bus_endpoint}, lag_metrics=metrics,
                         metric_namespace=METRIC_NAMESPACE,
                         namespace_id=namespace.id)


def _private_endpoint(parent: pulumi.Resource, args: BrokerArgs, spec: ServiceBusBroker, placement: AzurePlace,
                      namespace: servicebus.Namespace, prefix: str) -> None:
    from pulumi_azure_native import network

    network.PrivateEndpoint(
        f"{prefix}-endpoint", private_endpoint_name=physical_name(args.estate.environment, spec.name, "sb-pe"),
        resource_group_name=placement.resource_group_name, location=spec.region,
        subnet=network.SubnetArgs(id=placement.endpoint_subnet_id),
        private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
            name=f"{spec.name}-namespace", private_link_service_id=namespace.id, group_ids=["namespace"])],
        tags=dict(args.estate.tags), opts=args.protection.opts(parent, placement.provider))
