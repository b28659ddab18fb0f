"""The cloud-agnostic Broker: one spec entry in, the right backend's resources out (practice 8.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi

from ..alerting import AlertRoutes
from ..naming import EstateNames
from ..spec.brokers import AmazonMqBroker, BrokerSpec, InClusterBroker
from ..spec.observability import DEFAULT_MASKED_IDENTIFIERS
from . import sqs_sns
from .backend import AwsPlacement, AzurePlacement, BuildContext, LagMetric
from .kinds import kind_for


@dataclass(frozen=True)
class BrokerArgs:
    spec: BrokerSpec
    """The broker's spec entry; `kind` picks the backend."""
    environment: str
    """Environment name, the prefix of every physical name."""
    aws_account: str
    """Account the AWS backends deploy into (ARNs are derived from it)."""
    aws_providers: dict[str, pulumi.ProviderResource]
    """Explicit AWS provider per region the broker may use."""
    protect: bool
    """Protect stateful children (queues, topics, keys) from deletion: true in production."""
    key_deletion_days: int = 30
    """KMS deletion window for the broker's keys."""
    production: Optional[bool] = None
    """Production tier (multi-AZ, premium tiers, private endpoints); defaults to `protect`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for Azure resources (Azure providers have no default tags)."""
    aws_networks: Mapping[str, AwsPlacement] = field(default_factory=dict)
    """Foundation network per AWS region, for VPC-attached brokers (Amazon MQ, MSK)."""
    azure_providers: Mapping[str, pulumi.ProviderResource] = field(default_factory=dict)
    """Explicit Azure provider per location."""
    azure_placement: Optional[AzurePlacement] = None
    """Resource group and private-endpoint subnet of the Azure location."""
    alerts: AlertRoutes = field(default_factory=AlertRoutes)
    """The alert topics and Azure action groups (outputs of the observability component) alarms route to."""
    cluster_providers: Mapping[str, pulumi.ProviderResource] = field(default_factory=dict)
    """Explicit Kubernetes provider per cluster name."""
    cluster_addons: Mapping[str, pulumi.Resource] = field(default_factory=dict)
    """The add-ons component per cluster; in-cluster custom resources depend on it."""
    secrets: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)
    """Secret config values by key, for SecretRefs in the spec (Amazon MQ admin password)."""
    schema_texts: Mapping[str, str] = field(default_factory=dict)
    """Event schema file (schemas/...) to its text, read by the program entry point."""
    alert_region: Optional[str] = None
    """AWS region whose alert topics in-cluster alarms go to; default the first AWS provider's region."""
    log_retention_days: int = 90
    """Retention of broker log groups (the environment's log policy)."""
    masked_identifiers: tuple[str, ...] = DEFAULT_MASKED_IDENTIFIERS
    """Data identifiers masked in broker log groups (practice 5.2)."""
    estate_names: EstateNames = field(default_factory=EstateNames)
    """The estate's affixes for globally unique names (Service Bus and Event Hubs namespaces)."""


class Broker(pulumi.ComponentResource):
    """A broker with its primary copy and, for sqs-sns when the spec asks, a warm standby copy in another region."""

    regions: dict[str, sqs_sns.RegionalBroker]
    queue_urls: pulumi.Output[dict]
    queue_arns: pulumi.Output[dict]
    topic_arns: pulumi.Output[dict]
    endpoints: pulumi.Output[dict]
    namespace_id: Optional[pulumi.Output[str]]
    """Resource id of the Azure namespace (Service Bus, Event Hubs); None for other kinds."""
    metric_namespace: Optional[str]
    """Azure Monitor metric namespace of that namespace (what alerts scoped to it name); None for other kinds."""
    queue_names: dict[str, str]
    """Spec queue name -> its physical SQS queue name (sqs-sns; the same in every region): CloudWatch's
    QueueName dimension. Empty for other kinds."""
    lag_metrics: pulumi.Output[dict]
    """Consumer path -> [{signal, metric, namespace, statistic, threshold, dimensions}]: what to scale on."""

    def __init__(self, name: str, args: BrokerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:messaging:Broker", name, None, opts)
        spec = args.spec
        result = kind_for(spec).build(self, context(name, args))
        self.regions = result.regions
        self.queue_urls = pulumi.Output.from_input({r: b.queue_urls for r, b in self.regions.items()})
        self.queue_arns = pulumi.Output.from_input({r: b.queue_arns for r, b in self.regions.items()})
        self.topic_arns = pulumi.Output.from_input({r: b.topic_arns for r, b in self.regions.items()})
        self.endpoints = pulumi.Output.from_input(result.endpoints)
        self.namespace_id = result.namespace_id
        self.metric_namespace = result.metric_namespace
        self.queue_names = result.queue_names
        self.lag_metrics = pulumi.Output.from_input(metrics_by_path(result.lag_metrics))
        self.register_outputs({"queue_urls": self.queue_urls, "queue_arns": self.queue_arns,
                               "topic_arns": self.topic_arns, "endpoints": self.endpoints,
                               "lag_metrics": self.lag_metrics})


def metrics_by_path(metrics: list[LagMetric]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for metric in metrics:
        out.setdefault(metric.path, []).append(metric.as_output())
    return out


def alert_region(args: BrokerArgs) -> str:
    if args.alert_region:
        return args.alert_region
    return next(iter(args.aws_providers), "")


def context(name: str, args: BrokerArgs) -> BuildContext:
    """The provider and placement of the broker's own place; builders fail clearly when one they need is missing."""
    spec = args.spec
    production = args.protect if args.production is None else args.production
    place = spec.placement
    aws_provider = args.aws_providers.get(place) if spec.cloud == "aws" else None
    azure_provider = args.azure_providers.get(place) if spec.cloud == "azure" else None
    if spec.cloud == "azure" and (azure_provider is None or args.azure_placement is None):
        raise ValueError(f"broker {spec.name}: no Azure provider and network for location {place}")
    cluster = spec.cluster if isinstance(spec, InClusterBroker) else None
    cluster_provider = args.cluster_providers.get(cluster) if cluster else None
    if cluster and cluster_provider is None:
        raise ValueError(f"broker {spec.name}: no provider for cluster {cluster}")
    if cluster and not alert_region(args):
        raise ValueError(f"broker {spec.name}: no AWS region to route in-cluster alarms to")
    password = args.secrets[spec.admin_password.secret] if isinstance(spec, AmazonMqBroker) else None
    return BuildContext(
        name=name, spec=spec, environment=args.environment, aws_account=args.aws_account, production=production,
        protect=args.protect, key_deletion_days=args.key_deletion_days, tags=dict(args.tags),
        aws_provider=aws_provider, aws_providers=dict(args.aws_providers),
        aws_placement=args.aws_networks.get(place) if spec.cloud == "aws" else None, azure_provider=azure_provider,
        azure_placement=args.azure_placement, alerts=args.alerts, alert_region=alert_region(args),
        cluster_provider=cluster_provider, cluster_addons=args.cluster_addons.get(cluster or ""),
        admin_password=password, schema_texts=dict(args.schema_texts), log_retention_days=args.log_retention_days,
        masked_identifiers=tuple(args.masked_identifiers), names=args.estate_names)
