"""One explicit provider per AWS region, Azure location and Kubernetes cluster.

Region-pinned resources must never fall back to the ambient default provider (the stacks also
disable default providers), so every component receives the provider for its place from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws
import pulumi_azure_native
import pulumi_kubernetes

from .provider_facts import cluster_provider_name, platform_tags
from .spec import EnvironmentSpec

__all__ = ["ProviderSet", "build_providers", "cluster_provider_name", "platform_tags"]


@dataclass
class ProviderSet:
    aws: dict[str, pulumi_aws.Provider] = field(default_factory=dict)
    azure: dict[str, pulumi_azure_native.Provider] = field(default_factory=dict)
    clusters: dict[str, pulumi_kubernetes.Provider] = field(default_factory=dict)

    def for_aws(self, region: str) -> pulumi_aws.Provider:
        return self.aws[region]

    def for_azure(self, location: str) -> pulumi_azure_native.Provider:
        return self.azure[location]

    def for_cluster(self, name: str) -> pulumi_kubernetes.Provider:
        return self.clusters[name]


def build_providers(spec: EnvironmentSpec, secrets: dict[str, pulumi.Output[str]]) -> ProviderSet:
    """Create the providers; `secrets` maps secret config keys to their (secret) values."""
    providers = ProviderSet()
    tags = platform_tags(spec)
    account = spec.accounts.aws
    for region in spec.aws_region_names():
        providers.aws[region] = pulumi_aws.Provider(
            f"aws-{region}",
            region=region,
            # Deploy through the environment's role, and refuse to touch any other account by mistake.
            assume_roles=[pulumi_aws.ProviderAssumeRoleArgs(role_arn=account.deploy_role_arn,
                                                            session_name=f"hybrid-{spec.name}")],
            allowed_account_ids=[account.account_id],
            default_tags=pulumi_aws.ProviderDefaultTagsArgs(tags=tags),
        )
    if spec.regions.azure and spec.accounts.azure:
        location = spec.regions.azure.location
        providers.azure[location] = pulumi_azure_native.Provider(
            f"azure-{location}",
            location=location,
            subscription_id=spec.accounts.azure.subscription_id,
            tenant_id=spec.accounts.azure.tenant_id,
        )
    for cluster in spec.clusters:
        providers.clusters[cluster.name] = pulumi_kubernetes.Provider(
            cluster_provider_name(cluster.name),
            kubeconfig=secrets[cluster.kubeconfig.secret],
            context=cluster.kubeconfig.context,
            # Server-side apply keeps field ownership clean when operators also write to these objects.
            enable_server_side_apply=True,
        )
    return providers
