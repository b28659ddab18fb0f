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
class AzurePlacement:
    resource_group_name: pulumi.Input[str]
    """Resource group the namespace lives in (the location's network group)."""
    endpoint_subnet_id: pulumi.Input[str]
    """Subnet for private endpoints."""


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
class BuildContext:
    """Everything a backend may use; each backend reads only what its cloud needs."""

    name: str
    spec: BrokerSpec
    environment: str
    aws_account: str
    production: bool
    protect: bool
    key_deletion_days: int
    tags: Mapping[str, str]
    aws_provider: Optional[pulumi.ProviderResource] = None
    aws_providers: Mapping[str, pulumi.ProviderResource] = field(default_factory=dict)
    """Every AWS region's provider (a standby copy lives in another region)."""
    aws_placement: Optional[AwsPlacement] = None
    azure_provider: Optional[pulumi.ProviderResource] = None
    azure_placement: Optional[AzurePlacement] = None
    alerts: AlertRoutes = field(default_factory=AlertRoutes)
    alert_region: str = ""
    """AWS region whose alert topics in-cluster alarms go to."""
    cluster_provider: Optional[pulumi.ProviderResource] = None
    cluster_addons: Optional[pulumi.Resource] = None
    admin_password: Optional[pulumi.Output[str]] = None
    schema_texts: Mapping[str, str] = field(default_factory=dict)
    log_retention_days: int = 90
    masked_identifiers: tuple[str, ...] = DEFAULT_MASKED_IDENTIFIERS
    names: EstateNames = field(default_factory=EstateNames)

    def opts(self, parent: pulumi.Resource, provider: Optional[pulumi.ProviderResource], stateful: bool = False,
             **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=provider, protect=self.protect if stateful else None,
                                      **extra)


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
