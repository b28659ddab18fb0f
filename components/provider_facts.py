"""What the platform's providers and tags are called, without the provider SDKs.

The policy config (written by `hybrid validate`) needs these names too, and importing pulumi_aws and the
other provider SDKs for two strings would make every validate pay for them; components/providers.py
builds the providers with the same names.
"""

from __future__ import annotations

from .spec import EnvironmentSpec


def cluster_provider_name(cluster_name: str) -> str:
    """Logical name of a cluster's Kubernetes provider; policy config maps it to the cluster's region."""
    return f"k8s-{cluster_name}"


def platform_tags(spec: EnvironmentSpec) -> dict[str, str]:
    """Tags every taggable resource carries (practice 7.5, service catalog: who owns what, what it costs)."""
    return {**spec.tags, "environment": spec.name, "tier": spec.tier.value, "owner": spec.owner,
            "managed-by": "pulumi"}
