"""How the platform builder wires secrets, audit and observability (kept here so platform.py stays a list)."""

from __future__ import annotations

from typing import Optional

import pulumi

from ..audit import AuditTrail, AuditTrailArgs
from ..compute.wiring import BuiltNodes
from ..audit.component import AzureAudit
from ..providers import ProviderSet, platform_tags
from ..secrets import SecretsReplication, SecretsReplicationArgs
from ..secrets.component import AzureVaultTarget
from ..spec import EnvironmentSpec
from .component import AzureTarget, Observability, ObservabilityArgs


def _azure_provider(spec: EnvironmentSpec, providers: ProviderSet,
                    azure_resource_group: Optional[pulumi.Input[str]]) -> Optional[pulumi.ProviderResource]:
    if spec.regions.azure and spec.accounts.azure and providers.azure and azure_resource_group is not None:
        return providers.for_azure(spec.regions.azure.location)
    return None


def _broker_namespaces(spec: EnvironmentSpec, brokers: dict) -> dict[tuple[str, str], pulumi.Resource]:
    """In-cluster brokers' namespaces: secrets synced there (a CDC source's login for its Connect cluster) wait
    for the broker, which creates the namespace, instead of creating it a second time."""
    facts = {name: broker.kafka for name, broker in brokers.items() if broker.kafka is not None}
    return {(kafka.kubernetes_cluster, kafka.namespace): brokers[name] for name, kafka in facts.items()
            if kafka.kubernetes_cluster and kafka.namespace}


def build_alert_routes(spec: EnvironmentSpec, providers: ProviderSet, secrets: dict[str, pulumi.Output[str]],
                       azure_resource_group: Optional[pulumi.Input[str]],
                       cluster_addons: dict[str, pulumi.Resource]) -> Observability:
    """The Observability component's first step: the alert topics and action groups every alarm names.

    Built before any capability with alarms; `build_secrets_audit_observability` finishes it."""
    azure_provider = _azure_provider(spec, providers, azure_resource_group)
    location = spec.regions.azure.location if spec.regions.azure else ""
    return Observability("observability", ObservabilityArgs(
        spec=spec.observability, environment=spec.name, account=spec.accounts.aws.account_id,
        primary_region=spec.regions.aws.primary.region, aws_providers=dict(providers.aws),
        secrets=secrets, protect=spec.production,
        key_deletion_days=30 if spec.production else 7,
        azure=AzureTarget(azure_provider, azure_resource_group, platform_tags(spec), location,
                          spec.accounts.azure.subscription_id)
        if azure_provider and spec.accounts.azure else None,
        cluster_providers=dict(providers.clusters), cluster_addons=cluster_addons))


def build_secrets_audit_observability(spec: EnvironmentSpec, providers: ProviderSet,
                                      secrets: dict[str, pulumi.Output[str]],
                                      azure_resource_group: Optional[pulumi.Input[str]],
                                      cluster_addons: dict[str, pulumi.Resource], observability: Observability,
                                      brokers: Optional[dict[str, pulumi.Resource]] = None,
                                      nodes: Optional[BuiltNodes] = None,
                                      azure_endpoint_subnet: Optional[pulumi.Input[str]] = None
                                      ) -> tuple[dict[str, object], SecretsReplication, AuditTrail]:
    """Create the secrets and audit components and finish observability; returns their stack outputs, the
    secrets component (its Key Vault holds API Management's certificates) and the audit trail (CDC sinks write
    critical changes into its bucket)."""
    account = spec.accounts.aws.account_id
    primary = spec.regions.aws.primary.region
    secondary = spec.regions.aws.secondary.region if spec.regions.aws.secondary else None
    key_days = 30 if spec.production else 7
    tags = platform_tags(spec)
    azure_provider = _azure_provider(spec, providers, azure_resource_group)
    location = spec.regions.azure.location if spec.regions.azure else ""

    vault = SecretsReplication("secrets", SecretsReplicationArgs(
        spec=spec.secrets, environment=spec.name, account=account, primary_region=primary,
        secondary_region=secondary, aws_providers=dict(providers.aws), protect=spec.production,
        production=spec.production, key_deletion_days=key_days,
        azure=AzureVaultTarget(azure_provider, location, azure_resource_group, spec.accounts.azure.subscription_id,
                               spec.accounts.azure.tenant_id, tags, spec.estate_names(),
                               deployer=(spec.prerequisites.azure_deployer.object_id,
                                         spec.prerequisites.azure_deployer.principal_type)
                               if spec.prerequisites.azure_deployer else None,
                               endpoint_subnet_id=azure_endpoint_subnet)
        if azure_provider and spec.accounts.azure else None,
        clusters=tuple(spec.clusters), cluster_providers=dict(providers.clusters), cluster_addons=cluster_addons,
        reader_roles=dict(nodes.role_arns if nodes else {}),
        namespaces={**_broker_namespaces(spec, brokers or {}), **dict(nodes.namespaces if nodes else {})},
        prerequisite_namespaces={c.name: spec.prerequisites.namespaces(c.name) for c in spec.clusters}))
    audit = AuditTrail("audit", AuditTrailArgs(
        environment=spec.name, account=account, home_region=primary, provider=providers.for_aws(primary),
        retention_days=spec.observability.audit_retention_days, production=spec.production,
        key_deletion_days=key_days,
        azure=AzureAudit(azure_provider, location, azure_resource_group, getattr(vault, "key_vault_id", None), tags)
        if azure_provider else None))
    observability.monitor(dict(nodes.namespaces if nodes else {}))
    return {"secret_arns": vault.secret_arns, "secret_replica_regions": vault.replica_regions,
            "secrets_promoted_on_failover": vault.promote_on_failover, "audit_trail_arn": audit.trail_arn,
            "alert_topic_arns": observability.alert_topic_arns, "escalation": observability.escalation,
            "composite_alarm_arns": observability.composite_alarm_arns,
            "metric_alert_ids": observability.metric_alert_ids}, vault, audit
