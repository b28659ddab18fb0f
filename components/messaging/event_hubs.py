"""Azure Event Hubs backend: hubs with partitions and retention, consumer groups, schema groups.

Practices 3.5 (partitions), 3.2 (schema groups), 3.6 (incoming vs outgoing: a growing gap is lag), 5.1.
Azure Monitor exposes no per-consumer-group lag for Event Hubs, so the alarm compares what arrives with
what is read per hub; checkpoint-based lag needs the consumers' own metrics.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import eventhub

from ..naming import EstateNames
from .alarms import azure_metric_alerts
from ..spec.brokers import EventHubsBroker
from .backend import BackendResult, BrokerArgs, LagMetric
from .registry import event_hubs_schema_groups

METRIC_NAMESPACE = "Microsoft.EventHub/namespaces"


def sku(production: bool) -> str:
    return "Premium" if production else "Standard"


def stream_names(stream) -> list[str]:
    return [stream.name] + ([f"{stream.name}-dlq"] if stream.dead_letter else [])


def lag_metrics(spec: EventHubsBroker) -> tuple[list[LagMetric], dict[str, LagMetric]]:
    """Alert when more than the lag budget arrived in the window while less than that was read."""
    metrics, outgoing = [], {}
    for stream in spec.streams:
        budget = min([g.max_lag for g in stream.consumer_groups if g.max_lag] or [spec.slo.max_consumer_lag])
        path = f"hub:{stream.name}"
        dims = {"EntityName": stream.name}
        metrics.append(LagMetric(path, "throughput-gap", "IncomingMessages", METRIC_NAMESPACE, "Total", budget, dims))
        outgoing[path] = LagMetric(path, "throughput-gap", "OutgoingMessages", METRIC_NAMESPACE, "Total", budget, dims)
    return metrics, outgoing


def namespace_name(names: EstateNames, environment: str, broker: str) -> str:
    """6-50 letters, digits and hyphens, globally unique, never ending in `-sb` or `-mgmt` (Azure's naming rules,
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsofteventhub)."""
    return names.unique(environment, broker, "hubs", limit=50)


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    spec = args.spec
    assert isinstance(spec, EventHubsBroker)
    placement, protection, estate = args.places.azure_in(spec.region, spec.name), args.protection, args.estate
    prefix = logical
    tier = sku(protection.production)
    namespace = eventhub.Namespace(
        f"{prefix}-namespace", namespace_name=namespace_name(estate.names, estate.environment, spec.name),
        resource_group_name=placement.resource_group_name, location=spec.region,
        sku=eventhub.SkuArgs(name=tier, tier=tier, capacity=1), minimum_tls_version="1.2", disable_local_auth=True,
        kafka_enabled=True, zone_redundant=tier == "Premium",
        public_network_access="Disabled" if tier == "Premium" else "Enabled",
        tags={**estate.tags, "broker": spec.name, "owner": spec.owner},
        opts=protection.opts(parent, placement.provider, True))
    opts = protection.opts(parent, placement.provider, True)
    for stream in spec.streams:
        for hub_name in stream_names(stream):
            hub = eventhub.EventHub(
                f"{prefix}-{hub_name}", event_hub_name=hub_name, namespace_name=namespace.name,
                resource_group_name=placement.resource_group_name, partition_count=stream.partitions,
                retention_description=eventhub.RetentionDescriptionArgs(
                    cleanup_policy="Delete", retention_time_in_hours=stream.retention_hours),
                opts=opts)
            if hub_name != stream.name:
                continue
            for group in stream.consumer_groups:
                eventhub.ConsumerGroup(f"{prefix}-{hub_name}-{group.name}", consumer_group_name=group.name,
                                       event_hub_name=hub.name, namespace_name=namespace.name,
                                       resource_group_name=placement.resource_group_name,
                                       user_metadata=f"owner={spec.owner}", opts=opts)
    metrics, outgoing = lag_metrics(spec)
    azure_metric_alerts(parent, args, placement, namespace.id, metrics, prefix, companions=outgoing)
    event_hubs_schema_groups(parent, args, placement, namespace, prefix)
    return BackendResult(endpoints={"namespace": namespace.service_bus_endpoint}, metric_namespace=METRIC_NAMESPACE,
                         lag_metrics=metrics + list(outgoing.values()), namespace_id=namespace.id)
