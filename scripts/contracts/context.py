"""What the checks know beyond the document: the environment's own accounts and its declared prerequisites."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from components.spec import EnvironmentSpec
from components.spec.prerequisites import declared_identifiers

KUBERNETES_PROVIDER_PREFIX = "k8s-"
"""Cluster providers are named k8s-<cluster> (components/providers.py); a prerequisite names the cluster."""


@dataclass(frozen=True)
class Context:
    aws_accounts: frozenset[str] = frozenset()
    azure_subscriptions: frozenset[str] = frozenset()
    declared: frozenset[str] = frozenset()
    """ARNs, ids and DNS names declared to exist before the stack."""
    cluster_namespaces: dict[str, frozenset[str]] = field(default_factory=dict)
    """Cluster name -> namespaces its owners create before the stack."""

    @property
    def declared_lower(self) -> frozenset[str]:
        """Declared identifiers compared case-insensitively (ARM ids are case-insensitive)."""
        return _lowered(self.declared)

    def ours(self, account_or_subscription: str) -> bool:
        """Whether an ARN's account or an ARM id's subscription is the environment's own."""
        return account_or_subscription in self.aws_accounts or account_or_subscription.lower() in self.azure_subscriptions

    def declared_namespaces(self, provider_urn: str) -> frozenset[str]:
        cluster = provider_urn.split("::")[-1].removeprefix(KUBERNETES_PROVIDER_PREFIX)
        return self.cluster_namespaces.get(cluster, frozenset())


@lru_cache(maxsize=8)
def _lowered(values: frozenset[str]) -> frozenset[str]:
    return frozenset(v.lower() for v in values)


def context_of(spec: EnvironmentSpec | None) -> Context:
    """No spec (a document judged on its own): nothing is ours, so only in-document references are judged."""
    if spec is None:
        return Context()
    azure = spec.accounts.azure
    return Context(
        aws_accounts=frozenset({spec.accounts.aws.account_id}),
        azure_subscriptions=frozenset({azure.subscription_id.lower()} if azure else set()),
        declared=declared_identifiers(spec),
        cluster_namespaces={c.name: spec.prerequisites.namespaces(c.name) for c in spec.clusters})
