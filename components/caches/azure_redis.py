"""Azure Managed Redis (`azure-native:redisenterprise`, API 2025-07-01): a cluster and its one database, TLS
only, no access keys, Microsoft Entra authentication for the owner node, reachable only through a private endpoint.

Constraints followed (Microsoft Learn):
- Azure Cache for Redis is being retired; Azure Managed Redis is the redisenterprise resource provider with the
  Balanced / MemoryOptimized / ComputeOptimized / FlashOptimized SKUs.
  https://learn.microsoft.com/azure/redis/overview
- `clientProtocol: Encrypted` is TLS only; `minimumTlsVersion` 1.2; `accessKeysAuthentication: Disabled` leaves
  Entra ID as the only way in, granted per identity by an access policy assignment (only the `default` policy
  exists today). https://learn.microsoft.com/azure/redis/entra-for-authentication
- `publicNetworkAccess: Disabled`: clients reach it through a private endpoint (sub-resource `redisEnterprise`,
  zone privatelink.redis.azure.net). https://learn.microsoft.com/azure/redis/private-link
- The node is not an Azure workload: a user-assigned identity trusts its service account through its cluster's
  OIDC issuer (workload identity federation), and that identity is the one the access policy names.
  https://learn.microsoft.com/entra/workload-id/workload-identity-federation

Not built: encryption at rest with a customer-managed key. The API takes a Key Vault key URL and a
user-assigned identity (`encryption.customerManagedKeyEncryption`), but the environment's Key Vault is built
after the processing nodes, which need the cache's endpoint first; until a cache key path exists the data is
encrypted with Microsoft-managed keys and the `cache-cmk-encryption` rule reports it (docs/caches.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

import pulumi

from ..naming import EstateNames, physical_name
from ..spec.caches import CacheSpec
from . import documents

TOKEN_AUDIENCE = "api://AzureADTokenExchange"


@dataclass(frozen=True)
class AzureCacheTarget:
    provider: pulumi.ProviderResource
    location: str
    resource_group_name: pulumi.Input[str]
    endpoint_subnet_id: pulumi.Input[str]
    """The VNet's private-endpoint subnet: the cache's only address."""
    names: EstateNames
    """The estate's affixes: the cluster name becomes a public DNS label (<name>.<region>.redis.azure.net)."""
    issuer: str
    """The owner node's cluster service-account issuer (https://...)."""
    subject: str
    """The owner node's service account (system:serviceaccount:<namespace>:<name>)."""


@dataclass
class BuiltAzureCache:
    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    port: int
    ports: tuple[int, ...]
    user: pulumi.Output[str]
    client_id: pulumi.Output[str]


def cluster_name(names: EstateNames, environment: str, name: str) -> str:
    """1-60 letters, digits and single hyphens, no leading or trailing hyphen (the SDK's clusterName rule)."""
    return names.unique(environment, name, limit=60)


def assignment_name(name: str) -> str:
    """Access policy assignment names are alphanumeric only."""
    return re.sub(r"[^A-Za-z0-9]", "", name)[:60]


def build(parent: pulumi.Resource, name: str, spec: CacheSpec, environment: str, target: AzureCacheTarget,
          tags: Mapping[str, str], protect: bool) -> BuiltAzureCache:
    from pulumi_azure_native import managedidentity, network, redisenterprise

    opts = pulumi.ResourceOptions(parent=parent, provider=target.provider)
    stateful = pulumi.ResourceOptions(parent=parent, provider=target.provider, protect=protect)
    cluster = redisenterprise.RedisEnterprise(
        f"{name}-cluster", cluster_name=cluster_name(target.names, environment, spec.name),
        resource_group_name=target.resource_group_name, location=target.location,
        sku=redisenterprise.SkuArgs(name=spec.size.azure_sku), minimum_tls_version="1.2",
        public_network_access="Disabled", high_availability="Enabled", tags=dict(tags), opts=stateful)
    database = redisenterprise.Database(
        f"{name}-database", cluster_name=cluster.name, resource_group_name=target.resource_group_name,
        database_name="default", client_protocol="Encrypted", access_keys_authentication="Disabled",
        clustering_policy="EnterpriseCluster", eviction_policy="VolatileLRU", port=documents.AZURE_REDIS_PORT,
        opts=stateful)
    network.PrivateEndpoint(
        f"{name}-endpoint", private_endpoint_name=physical_name(environment, spec.name, "redis-pe", limit=64),
        resource_group_name=target.resource_group_name, location=target.location,
        subnet=network.SubnetArgs(id=target.endpoint_subnet_id),
        private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
            name=f"{spec.name}-cluster", private_link_service_id=cluster.id, group_ids=["redisEnterprise"])],
        tags=dict(tags), opts=opts)
    identity = managedidentity.UserAssignedIdentity(
        f"{name}-client", resource_name_=physical_name(environment, spec.name, "client", limit=128),
        resource_group_name=target.resource_group_name, location=target.location, tags=dict(tags), opts=opts)
    managedidentity.FederatedIdentityCredential(
        f"{name}-client-federation", resource_name_=identity.name, resource_group_name=target.resource_group_name,
        federated_identity_credential_resource_name=spec.invalidation.node, issuer=target.issuer,
        subject=target.subject, audiences=[TOKEN_AUDIENCE], opts=opts)
    redisenterprise.AccessPolicyAssignment(
        f"{name}-client-access", access_policy_assignment_name=assignment_name(spec.invalidation.node),
        access_policy_name="default", cluster_name=cluster.name, database_name=database.name,
        resource_group_name=target.resource_group_name,
        user=redisenterprise.AccessPolicyAssignmentPropertiesUserArgs(object_id=identity.principal_id), opts=opts)
    endpoint = cluster.host_name
    return BuiltAzureCache(arn=database.id, endpoint=endpoint, port=documents.AZURE_REDIS_PORT,
                           ports=(documents.AZURE_REDIS_PORT,), user=identity.principal_id,
                           client_id=identity.client_id)
