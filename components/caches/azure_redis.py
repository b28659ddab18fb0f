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

Encryption at rest with a customer-managed key (`encryption.customerManagedKeyEncryption`), per cache:
- A user-assigned identity of its own (the only kind the service accepts for Key Vault access), named on the cluster's
  `identity` and as `keyEncryptionKeyIdentity` (`identityType: userAssignedIdentity`).
- A small dedicated Key Vault in the cache's region (required), with soft delete and purge protection (required), RBAC
  authorization, and its firewall closed to every network (default action Deny) except trusted Microsoft services,
  which the service needs when a vault has firewall rules. Its own vault, not the environment's: that one is built
  after the processing nodes, which need the cache's endpoint first.
- An RSA key (only RSA is accepted) with the wrapKey/unwrapKey operations and a rotation policy.
- The identity holds Key Vault Crypto Service Encryption User (Get, Wrap Key, Unwrap Key: the least the service
  needs) on that key, granted before the cluster is created.
  https://learn.microsoft.com/azure/redis/how-to-encryption
- `keyEncryptionKeyUrl` is versioned only (the API's own description), so the cluster names the key's
  `keyUriWithVersion`; after the vault rotates the key, the next `pulumi up` (with refresh) moves the cluster to the
  new version, and the previous one stays enabled so the cache keeps working until then.
- The key is created through ARM in an RBAC vault as the deploying identity, which needs a data-plane role there:
  the stack grants the declared `prerequisites.azure_deployer` Key Vault Crypto Officer on the vault before the key.
  https://learn.microsoft.com/azure/key-vault/general/rbac-guide
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping

import pulumi

from ..naming import EstateNames, physical_name
from ..spec.caches import CacheSpec
from . import documents

TOKEN_AUDIENCE = "api://AzureADTokenExchange"
# Built-in roles (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security):
# "Key Vault Crypto Service Encryption User": read a key's metadata, wrap and unwrap with it, nothing else.
KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
# "Key Vault Crypto Officer": manage keys (what ARM needs from the caller to create one in an RBAC vault).
KEY_VAULT_CRYPTO_OFFICER = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603"
# RSA is the only key type the service accepts; 3072 bits keeps the key strong past 2030 (NIST SP 800-57).
KEY_TYPE, KEY_SIZE = "RSA", 3072
# A new key version every year. No expiry: the cluster names one version (the API takes versioned URLs only) until
# the next `pulumi up`, and an expired version it still names would cut the cache off from its disks.
# https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation
ROTATE_AFTER = "P1Y"


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
    subscription_id: str
    """Subscription (role definition ids are scoped to it)."""
    tenant_id: str
    """Entra ID tenant of the cache's key vault."""
    deployer: tuple[str, str]
    """(object id, principal type) of the identity deployments run as: it creates the key through ARM."""


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


def key_vault_name(names: EstateNames, environment: str, name: str) -> str:
    """The cache's own vault: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter
    or digit, global (<name>.vault.azure.net). A name too long for that keeps a digest of the cache's name, so two
    caches (or environments) whose names share a long prefix never share a vault name.
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault"""
    affixes = len(names.unique("x", limit=1000)) - 1  # what the estate prefix and suffix take
    body = f"{environment}-{name}-kv"
    if len(body) + affixes <= 24:
        return names.unique(body, limit=24)
    digest = hashlib.sha256(f"{environment}/{name}".encode()).hexdigest()[:4]
    return names.unique(physical_name(environment, name, limit=24 - affixes - len(digest) - 1), digest, limit=24)


def assignment_name(name: str) -> str:
    """Access policy assignment names are alphanumeric only."""
    return re.sub(r"[^A-Za-z0-9]", "", name)[:60]


def build(parent: pulumi.Resource, name: str, spec: CacheSpec, environment: str, target: AzureCacheTarget,
          tags: Mapping[str, str], protect: bool) -> BuiltAzureCache:
    from pulumi_azure_native import managedidentity, network, redisenterprise

    opts = pulumi.ResourceOptions(parent=parent, provider=target.provider)
    stateful = pulumi.ResourceOptions(parent=parent, provider=target.provider, protect=protect)
    key, key_identity, key_grant = _customer_key(name, spec, environment, target, tags, protect, opts)
    cluster = redisenterprise.RedisEnterprise(
        f"{name}-cluster", cluster_name=cluster_name(target.names, environment, spec.name),
        resource_group_name=target.resource_group_name, location=target.location,
        sku=redisenterprise.SkuArgs(name=spec.size.azure_sku), minimum_tls_version="1.2",
        public_network_access="Disabled", high_availability="Enabled",
        identity=redisenterprise.ManagedServiceIdentityArgs(type="UserAssigned",
                                                            user_assigned_identities=[key_identity.id]),
        encryption=redisenterprise.ClusterPropertiesEncryptionArgs(
            customer_managed_key_encryption=redisenterprise.ClusterPropertiesCustomerManagedKeyEncryptionArgs(
                key_encryption_key_url=key.key_uri_with_version,
                key_encryption_key_identity=redisenterprise.ClusterPropertiesKeyEncryptionKeyIdentityArgs(
                    identity_type="userAssignedIdentity", user_assigned_identity_resource_id=key_identity.id))),
        tags=dict(tags),
        # The service reads the key as the identity when the cluster is created: the grant must exist first.
        opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=[key_grant])))
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


def _customer_key(name: str, spec: CacheSpec, environment: str, target: AzureCacheTarget, tags: Mapping[str, str],
                  protect: bool, opts: pulumi.ResourceOptions):
    """The cache's key encryption key: its identity, its vault, the key, and the identity's grant on the key."""
    from pulumi_azure_native import authorization, keyvault, managedidentity

    stateful = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect))
    roles = f"/subscriptions/{target.subscription_id}/providers/Microsoft.Authorization/roleDefinitions"
    identity = managedidentity.UserAssignedIdentity(
        f"{name}-key-identity", resource_name_=physical_name(environment, spec.name, "cmk", limit=128),
        resource_group_name=target.resource_group_name, location=target.location, tags=dict(tags), opts=opts)
    vault = keyvault.Vault(
        f"{name}-vault", vault_name=key_vault_name(target.names, environment, spec.name),
        resource_group_name=target.resource_group_name, location=target.location, tags=dict(tags),
        properties=keyvault.VaultPropertiesArgs(
            tenant_id=target.tenant_id, sku=keyvault.SkuArgs(family="A", name="standard"),
            enable_rbac_authorization=True, enable_soft_delete=True, enable_purge_protection=True,
            soft_delete_retention_in_days=90 if protect else 7,
            # No network reaches the vault; trusted Microsoft services (the cache among them) pass the firewall, and
            # ARM creates the key on the control plane. https://learn.microsoft.com/azure/key-vault/general/network-security
            public_network_access="Enabled",
            network_acls=keyvault.NetworkRuleSetArgs(bypass="AzureServices", default_action="Deny")),
        opts=stateful)
    object_id, principal_type = target.deployer
    officer = authorization.RoleAssignment(
        f"{name}-vault-deployer", principal_id=object_id, principal_type=principal_type,
        role_definition_id=f"{roles}/{KEY_VAULT_CRYPTO_OFFICER}", scope=vault.id, opts=opts)
    key = keyvault.Key(
        f"{name}-key", key_name=physical_name(spec.name, "kek", limit=127), vault_name=vault.name,
        resource_group_name=target.resource_group_name, tags=dict(tags),
        properties=keyvault.KeyPropertiesArgs(
            kty=KEY_TYPE, key_size=KEY_SIZE, key_ops=["wrapKey", "unwrapKey"],
            rotation_policy=keyvault.RotationPolicyArgs(lifetime_actions=[keyvault.LifetimeActionArgs(
                action=keyvault.ActionArgs(type="rotate"),
                trigger=keyvault.TriggerArgs(time_after_create=ROTATE_AFTER))])),
        opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=[officer])))
    grant = authorization.RoleAssignment(
        f"{name}-key-user", principal_id=identity.principal_id, principal_type="ServicePrincipal",
        role_definition_id=f"{roles}/{KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER}", scope=key.id, opts=opts)
    return key, identity, grant
