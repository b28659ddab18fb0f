"""What every broker backend receives and returns, so the Broker can dispatch on `kind` alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

import pulumi

from ..alerting import AlertRoutes
from ..naming import EstateNames
from ..spec.brokers import BrokerSpec
from ..spec.observability import DEFAULT_MASKED_IDENTIFIERS


@dataclass(frozen=True)
class AwsPlacement:
    """The foundation network a VPC-attached broker (Amazon MQ, MSK) lives in."""

    vpc_id: pulumi.Input[str]
    """VPC of the broker's region."""
    subnet_ids: pulumi.Input[list]
    """Private subnets, one per availability zone."""
    cidr: str
    """VPC CIDR: clients inside it may connect, nothing else."""


@dataclass(frozen=True)
class AwsPlace:
    """One AWS region as a broker sees it: its provider and, where the platform built one, its network."""

    provider: pulumi.ProviderResource
    network: Optional[AwsPlacement] = None


@dataclass(frozen=True)
class AzurePlace:
    """The Azure location: its provider, the resource group namespaces live in, the private-endpoint subnet."""

    provider: pulumi.ProviderResource
    resource_group_name: pulumi.Input[str]
    endpoint_subnet_id: pulumi.Input[str]


@dataclass(frozen=True)
class ClusterPlace:
    """A cluster: its Kubernetes provider and the add-ons component its custom resources depend on."""

    provider: pulumi.ProviderResource
    addons: Optional[pulumi.Resource] = None


@dataclass(frozen=True)
class Placements:
    """Every place a broker may run in; a builder asks for its own and fails clearly when it is missing."""

    aws: Mapping[str, AwsPlace] = field(default_factory=dict)
    azure: Mapping[str, AzurePlace] = field(default_factory=dict)
    clusters: Mapping[str, ClusterPlace] = field(default_factory=dict)

    def aws_in(self, region: str, broker: str, network: bool = False) -> AwsPlace:
        place = self.aws.get(region)
        if place is None or (network and place.network is None):
            raise ValueError(f"broker {broker}: no AWS provider{' and network' if network else ''} for region {region}")
        return place

    def azure_in(self, location: str, broker: str) -> AzurePlace:
        if location not in self.azure:
            raise ValueError(f"broker {broker}: no Azure provider and network for location {location}")
        return self.azure[location]

    def cluster(self, name: str, broker: str) -> ClusterPlace:
        if name not in self.clusters:
            raise ValueError(f"broker {broker}: no provider for cluster {name}")
        return self.clusters[name]


@dataclass(frozen=True)
class Estate:
    """What names and tags every resource: the environment, the AWS account, the estate's affixes."""

    environment: str
    """Environment name, the prefix of every physical name."""
    aws_account: str = ""
    """Account the AWS backends deploy into (ARNs are derived from it)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for Azure resources (Azure providers have no default tags)."""
    names: EstateNames = field(default_factory=EstateNames)
    """The estate's affixes for globally unique names (Service Bus and Event Hubs namespaces)."""


@dataclass(frozen=True)
class Protection:
    """How hard the broker is to lose: protected stateful children, production tiers, key deletion windows."""

    protect: bool
    """Protect stateful children (queues, topics, keys) from deletion: true in production."""
    production: bool
    """Production tier: multi-AZ, premium tiers, private endpoints."""
    key_deletion_days: int = 30
    """KMS deletion window for the broker's keys."""

    def opts(self, parent: pulumi.Resource, provider: Optional[pulumi.ProviderResource], stateful: bool = False,
             **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=provider, protect=self.protect if stateful else None,
                                      **extra)


@dataclass(frozen=True)
class Alerting:
    """Where the broker's alarms go: the alert topics and action groups (observability's outputs)."""

    routes: AlertRoutes = field(default_factory=AlertRoutes)
    region: str = ""
    """AWS region whose alert topics in-cluster alarms go to."""


@dataclass(frozen=True)
class Logging:
    """The environment's log policy for broker log groups."""

    retention_days: int = 90
    masked_identifiers: tuple[str, ...] = DEFAULT_MASKED_IDENTIFIERS
    """Data identifiers masked in broker log groups (practice 5.2)."""


@dataclass(frozen=True)
class DedupTable:
    """A queue's idempotency table: consumers record processed keys in it (practice 1.6)."""

    name: pulumi.Input[str]
    arn: pulumi.Input[str]


@dataclass(frozen=True)
class LagMetric:
    """One consumer path's lag or backlog signal: what alarms on it, and what processing nodes scale on."""

    path: str
    """Consumer path: queue:<name>, subscription:<topic>/<name>, group:<stream>/<group> or broker:<name>."""
    signal: str
    """oldest-message-age, dead-letters, consumer-lag, backlog or throughput-gap."""
    metric: str
    namespace: str
    statistic: str
    threshold: float
    dimensions: Mapping[str, str] = field(default_factory=dict)
    severity: str = "critical"

    def as_output(self) -> dict[str, Any]:
        return {"signal": self.signal, "metric": self.metric, "namespace": self.namespace,
                "statistic": self.statistic, "threshold": self.threshold, "dimensions": dict(self.dimensions)}


@dataclass(frozen=True)
class BrokerArgs:
    """What the platform hands a Broker, one typed concern each; a builder receives the concerns whole."""

    spec: BrokerSpec
    """The broker's spec entry; `kind` picks the backend."""
    estate: Estate
    protection: Protection
    places: Placements = field(default_factory=Placements)
    alerting: Alerting = field(default_factory=Alerting)
    logging: Logging = field(default_factory=Logging)
    secrets: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)
    """This broker's own secret config values by key (only what its spec references: Amazon MQ's admin password)."""
    schema_texts: Mapping[str, str] = field(default_factory=dict)
    """Event schema file (schemas/...) to its text, read by the program entry point."""
    publishers: Mapping[str, str] = field(default_factory=dict)
    """Topic name -> the one bounded context that may publish to it: the owner of the entity whose change topic
    it is (data.entities[].change_topic, practice 4.5). Topics not listed carry no entity."""


@dataclass(frozen=True)
class KafkaFacts:
    """What a Kafka client or connector (change data capture) needs of a Kafka broker, as outputs where they are."""

    bootstrap: pulumi.Input[str]
    """Bootstrap servers for the broker's one client listener."""
    client_auth: str
    """iam or scram (MSK), tls or scram (Strimzi)."""
    cluster_name: pulumi.Input[str]
    """MSK's cluster name, or the Strimzi Kafka resource's name."""
    cluster_arn: Optional[pulumi.Output[str]] = None
    """MSK only: the cluster's ARN (IAM policies for kafka-cluster:* actions name it)."""
    namespace: Optional[str] = None
    """Strimzi only: the Kubernetes namespace the Kafka resource lives in."""
    kubernetes_cluster: Optional[str] = None
    """Strimzi only: the spec's cluster the broker runs in."""


@dataclass
class BackendResult:
    regions: dict[str, Any] = field(default_factory=dict)
    """Region -> its copy (sqs_sns.RegionalBroker) for kinds built per region; empty for the others."""
    queue_names: dict[str, str] = field(default_factory=dict)
    """Spec queue name -> physical queue name, for kinds whose alarms and scalers name queues (sqs-sns)."""
    endpoints: dict[str, Any] = field(default_factory=dict)
    """Connection endpoints (never credentials)."""
    lag_metrics: list[LagMetric] = field(default_factory=list)
    namespace_id: Optional[pulumi.Output[str]] = None
    """The Azure namespace's resource id (Service Bus, Event Hubs): alerts on it are scoped to this output."""
    metric_namespace: Optional[str] = None
    """Azure Monitor's metric namespace of that namespace resource (what its metric alerts name)."""
    kafka: Optional[KafkaFacts] = None
    """Kafka kinds (MSK, Strimzi): what clients and connectors of the broker need."""
