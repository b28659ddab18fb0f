"""ChangeDataCapture: one Debezium source, on the runtime its broker's kind decides (practices 4.2, 4.6).

An `msk` broker's sources run on MSK Connect in its VPC; a `strimzi-kafka` broker's sources run on a Strimzi
KafkaConnect cluster beside it, wherever that cluster is (an on-prem cluster reads its site's database over
the site network and needs no cloud path at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

import pulumi

from ..alerting import AlertRoutes
from ..spec.cdc import CdcSource, audit_prefix
from ..spec.observability import DEFAULT_MASKED_IDENTIFIERS
from . import msk_connect, strimzi_connect
from .audit_sink import AuditStore
from .msk_connect import ConnectorNetwork, LoginSecret, MskCluster
from .settings import heartbeat_topic
from .strimzi_connect import AuditIdentity, StrimziCluster


@dataclass(frozen=True)
class MskConnectTarget:
    """An MSK Connect connector in the broker's region and VPC."""

    provider: pulumi.ProviderResource
    """The AWS provider of the broker's region."""
    region: str
    cluster: MskCluster
    network: ConnectorNetwork
    login: LoginSecret
    replication: int = 3
    """Replication factor of the topics the stack creates for the connector (the broker's, capped at 3)."""


@dataclass(frozen=True)
class StrimziTarget:
    """A Strimzi Connect cluster in the broker's namespace."""

    provider: pulumi.ProviderResource
    """The Kubernetes provider of the broker's cluster."""
    kafka: StrimziCluster
    credentials_secret: str
    """The Kubernetes Secret External Secrets writes the login to (the sync entry's target)."""
    waits: Sequence[pulumi.Resource] = ()
    """The cluster's add-ons (Strimzi, Prometheus operator CRDs), the broker, the secrets sync."""
    oidc_provider_arn: Optional[str] = None
    """The cluster's IAM OIDC provider (clusters[].oidc_provider_arn): the audit sinks' role trusts it."""


@dataclass(frozen=True)
class ChangeDataCaptureArgs:
    source: CdcSource
    """The source's spec entry."""
    target: Union[MskConnectTarget, StrimziTarget]
    """Where the connector runs, with the broker's facts as Outputs."""
    environment: str
    """Environment name: the prefix of physical names."""
    account: str
    """AWS account (the MSK Connect role's trust condition names it)."""
    alerts: AlertRoutes
    """The alert topics the connector's alarms route to."""
    alert_region: str
    """AWS region of the topics in-cluster alerts name (MSK Connect alarms use the connector's own region)."""
    log_retention_days: int = 90
    """MSK Connect worker logs' retention."""
    masked_identifiers: tuple[str, ...] = DEFAULT_MASKED_IDENTIFIERS
    """Identifiers masked in worker logs (a change record quoted in an error may carry them)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Cost and ownership tags for AWS resources (beside the providers' default tags)."""
    protect: bool = False
    """Protect the connector's stateful topics (its schema history) from deletion: true in production."""
    critical_entities: frozenset[str] = frozenset()
    """data.entities[] marked critical: tables carrying them get an S3 sink into the audit store."""
    audit: Optional[AuditStore] = None
    """The audit bucket and key (required when a table carries a critical entity)."""


class ChangeDataCapture(pulumi.ComponentResource):
    runtime: str
    """msk-connect or strimzi."""
    connector_name: pulumi.Output[str]
    topic_prefix: str
    heartbeat_topic: str
    audit_sinks: dict[str, pulumi.Output[str]]
    """Critical entity -> its S3 sink connector's name (none for a source without critical entities)."""
    audit_prefixes: dict[str, str]
    """Critical entity -> its prefix in the audit bucket."""

    def __init__(self, name: str, args: ChangeDataCaptureArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:cdc:ChangeDataCapture", name, None, opts)
        source, target = args.source, args.target
        audit_topics = source.entity_topics(args.critical_entities)
        if audit_topics and args.audit is None:
            raise ValueError(f"CDC source {source.name}: tables carry critical entities but no audit store was given")
        if isinstance(target, MskConnectTarget):
            self.runtime = "msk-connect"
            connector, audited = msk_connect.build(
                self, name, args.environment, args.account, target.region, source, target.cluster, target.network,
                target.login, args.alerts, args.log_retention_days, tuple(args.masked_identifiers), dict(args.tags),
                pulumi.ResourceOptions(parent=self, provider=target.provider), target.replication, args.protect,
                [t for topics in audit_topics.values() for t in topics])
            self.connector_name = connector.name
            sinks = msk_connect.build_audit_sinks(
                name, args.environment, args.account, target.region, source, audit_topics,
                {t: topic.arn for t, topic in audited.items()}, target.cluster,
                target.network, args.audit, args.alerts, args.log_retention_days, tuple(args.masked_identifiers),
                dict(args.tags), pulumi.ResourceOptions(parent=self, provider=target.provider), connector
            ) if audit_topics and args.audit is not None else {}
            self.audit_sinks = {entity: c.name for entity, c in sinks.items()}
        else:
            self.runtime = "strimzi"
            if audit_topics and target.oidc_provider_arn is None:
                raise ValueError(f"CDC source {source.name}: its audit sinks need the cluster's OIDC provider")
            identity = (AuditIdentity(str(target.oidc_provider_arn), args.audit)
                        if audit_topics and args.audit is not None else None)
            _, strimzi_sinks = strimzi_connect.build(
                self, name, args.environment, source, target.kafka, target.credentials_secret, args.alerts,
                args.alert_region, pulumi.ResourceOptions(parent=self, provider=target.provider), target.waits,
                audit_topics, identity, dict(args.tags))
            self.connector_name = pulumi.Output.from_input(source.name)
            self.audit_sinks = {entity: pulumi.Output.from_input(strimzi_connect.sink_name(source, entity))
                                for entity in strimzi_sinks}
        self.audit_prefixes = {entity: audit_prefix(source, entity) for entity in sorted(audit_topics)}
        self.topic_prefix = source.prefix
        self.heartbeat_topic = heartbeat_topic(source)
        self.register_outputs({"runtime": self.runtime, "connector_name": self.connector_name,
                               "topic_prefix": self.topic_prefix, "heartbeat_topic": self.heartbeat_topic,
                               "audit_sinks": self.audit_sinks, "audit_prefixes": self.audit_prefixes})
