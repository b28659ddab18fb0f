"""SecretsReplication (practice 8.5): secrets that follow their consumers across regions, clouds and clusters.

Secret VALUES are never set here: the program creates each secret's container (encrypted, replicated,
locked to its readers) and the owning team or the rotation Lambda puts the value, so no plaintext ever
passes through the program, the plan or the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi_aws import iam, kms, secretsmanager, ssm
from pulumi_azure_native import appconfiguration, authorization, keyvault, managedidentity, network

from pulumi_kubernetes.core.v1 import Namespace

from ..workload_identity import service_account_subject, trust_policy
from ..naming import EstateNames, physical_name, region_code
from ..spec.foundation import Cluster
from ..spec.secrets import SecretsSpec
from .documents import eso_read_policy, secret_policy, secrets_key_policy
from .external_secrets import (AZURE_TOKEN_AUDIENCE, ESO_AWS_SERVICE_ACCOUNT, ESO_AZURE_SERVICE_ACCOUNT, ESO_NAMESPACE,
                               AzureStoreIdentity, build_cluster_sync, store_region)

# Built-in Azure role "Key Vault Secrets User": read secret values, nothing else (practice 5.4).
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
# Built-in "App Configuration Data Owner": read, write and delete key-values (what ARM needs in pass-through mode).
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration#app-configuration-data-owner
APP_CONFIGURATION_DATA_OWNER = "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b"


@dataclass(frozen=True)
class AzureVaultTarget:
    provider: pulumi.ProviderResource
    """The Azure provider of the environment's location."""
    location: str
    """Azure location of the vault and the configuration store."""
    resource_group_name: pulumi.Input[str]
    """Resource group that holds them."""
    subscription_id: str
    """Subscription (role definition ids are scoped to it)."""
    tenant_id: str
    """Azure AD tenant of the vault."""
    tags: dict[str, str]
    """Platform tags (Azure has no provider default tags)."""
    names: EstateNames = field(default_factory=EstateNames)
    """The estate's affixes: vault and store names are global across every Azure customer."""
    deployer: Optional[tuple[str, str]] = None
    """(object id, principal type) of the identity deployments run as: it writes the key-values through ARM."""
    endpoint_subnet_id: Optional[pulumi.Input[str]] = None
    """The environment VNet's private-endpoint subnet: a vault without public access gets its endpoint there."""


@dataclass(frozen=True)
class SecretsReplicationArgs:
    spec: SecretsSpec
    """The environment's secrets section."""
    environment: str
    """Environment name: the prefix of every physical name."""
    account: str
    """AWS account id (key policies name it)."""
    primary_region: str
    """Region of the primary secrets and the multi-region primary key."""
    secondary_region: Optional[str]
    """Region of the replicas, when the environment has one."""
    aws_providers: dict[str, pulumi.ProviderResource]
    """Explicit AWS provider per region."""
    protect: bool
    """Protect secrets, keys and the vault from deletion (production)."""
    production: bool
    """Production: Key Vault refuses public network access."""
    key_deletion_days: int = 30
    """KMS deletion window for the keys."""
    azure: Optional[AzureVaultTarget] = None
    """Where the Key Vault and App Configuration store go, when the environment uses Azure."""
    clusters: tuple[Cluster, ...] = ()
    """Every cluster of the environment (those a secret syncs to get an ESO store)."""
    cluster_providers: dict[str, pulumi.ProviderResource] = field(default_factory=dict)
    """Kubernetes provider per cluster."""
    cluster_addons: dict[str, pulumi.Resource] = field(default_factory=dict)
    """ClusterAddons per cluster: ESO objects wait for its CRDs."""
    reader_roles: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """Processing node name -> its IAM role ARN: readers the spec names by node resolve to these outputs."""
    namespaces: dict[tuple[str, str], pulumi.Resource] = field(default_factory=dict)
    """(cluster, namespace) -> Namespace another component creates; ExternalSecrets there wait for it."""
    prerequisite_namespaces: dict[str, frozenset[str]] = field(default_factory=dict)
    """Cluster -> namespaces its owners create before the stack (spec prerequisites); never created here."""


def vault_name(names: EstateNames, environment: str) -> str:
    """3-24 letters, digits and single hyphens, starting with a letter; global (<name>.vault.azure.net).
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault"""
    return names.unique(environment, "kv", limit=24)


def config_store_name(names: EstateNames, environment: str) -> str:
    """5-50 letters, digits and hyphens; global (<name>.azconfig.io).
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftappconfiguration"""
    return names.unique(environment, "config", limit=50)


def secret_name(environment: str, name: str) -> str:
    """Secrets Manager name: a path per environment, so IAM can scope by prefix."""
    return f"{environment}/{name}"


class SecretsReplication(pulumi.ComponentResource):
    secret_arns: pulumi.Output[dict]
    replica_regions: dict[str, list[str]]
    promote_on_failover: list[str]
    key_vault_uri: Optional[pulumi.Output[str]]
    key_arn: Optional[pulumi.Output[str]]
    """The secrets' multi-region primary key (None without secrets): readers outside the readers list (granted by
    their own identity policy, as CDC connectors are) decrypt with it via Secrets Manager."""

    def __init__(self, name: str, args: SecretsReplicationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:secrets:SecretsReplication", name, None, opts)
        spec, env = args.spec, args.environment
        primary = pulumi.ResourceOptions(parent=self, provider=args.aws_providers[args.primary_region])
        primary_stateful = pulumi.ResourceOptions.merge(primary, pulumi.ResourceOptions(protect=args.protect))
        # The identities that read each secret: its readers (nodes by their role outputs, declared externals
        # by ARN) and the External Secrets role of every cluster it syncs to.
        self._eso_roles = self._eso_identities(name, args)
        readers_of = {s.name: self._readers(s, args) + [self._eso_roles[c].arn for c in sorted({x.cluster for x in s.sync})
                                                        if c in self._eso_roles]
                      for s in spec.secrets}
        readers = pulumi.Output.all(*[r for s in spec.secrets for r in readers_of[s.name]]).apply(
            lambda arns: sorted(set(arns)))
        replicated = [s for s in spec.secrets if s.replicate and args.secondary_region]
        self.replica_regions = {s.name: ([args.secondary_region] if s in replicated else []) for s in spec.secrets}
        self.promote_on_failover = [s.name for s in replicated if s.promote_on_failover]
        arns: dict[str, pulumi.Output[str]] = {}
        self.key_arn = None
        if spec.secrets:
            key = kms.Key(f"{name}-key", description=f"{env} secrets (multi-region primary)", multi_region=True,
                          enable_key_rotation=True, deletion_window_in_days=args.key_deletion_days,
                          policy=readers.apply(lambda arns: secrets_key_policy(args.account, arns)),
                          opts=primary_stateful)
            kms.Alias(f"{name}-key-alias", name=f"alias/{env}-secrets", target_key_id=key.key_id, opts=primary)
            self.key_arn = key.arn
            replica_key = None
            if replicated:
                secondary = args.aws_providers[args.secondary_region]  # type: ignore[index]
                prefix = f"{name}-{region_code(args.secondary_region)}"  # type: ignore[arg-type]
                # A replica of the multi-region key: same key material, so replicas decrypt in the secondary
                # region even when the primary region is gone.
                replica_key = kms.ReplicaKey(f"{prefix}-key", primary_key_arn=key.arn,
                                             description=f"{env} secrets (replica)",
                                             deletion_window_in_days=args.key_deletion_days,
                                             policy=readers.apply(lambda arns: secrets_key_policy(args.account, arns)),
                                             opts=pulumi.ResourceOptions(parent=self, provider=secondary,
                                                                         protect=args.protect))
                kms.Alias(f"{prefix}-key-alias", name=f"alias/{env}-secrets", target_key_id=replica_key.key_id,
                          opts=pulumi.ResourceOptions(parent=self, provider=secondary))
            for secret in spec.secrets:
                replicas = ([secretsmanager.SecretReplicaArgs(region=args.secondary_region, kms_key_id=replica_key.arn)]
                            if replica_key is not None and secret in replicated else [])
                resource = secretsmanager.Secret(
                    f"{name}-{secret.name}", name=secret_name(env, secret.name), description=secret.description,
                    kms_key_id=key.arn, replicas=replicas, recovery_window_in_days=30 if args.production else 7,
                    tags={"owner": secret.owner, "promote-on-failover": str(secret.promote_on_failover).lower()},
                    opts=primary_stateful)
                secretsmanager.SecretPolicy(f"{name}-{secret.name}-policy", secret_arn=resource.arn,
                                            policy=pulumi.Output.all(*readers_of[secret.name]).apply(
                                                lambda arns: secret_policy(sorted(set(arns)))),
                                            block_public_policy=True,
                                            opts=primary)
                if secret.rotation:
                    secretsmanager.SecretRotation(
                        f"{name}-{secret.name}-rotation", secret_id=resource.id,
                        rotation_lambda_arn=secret.rotation.lambda_arn,
                        rotation_rules=secretsmanager.SecretRotationRotationRulesArgs(
                            automatically_after_days=secret.rotation.days), opts=primary)
                arns[secret.name] = resource.arn
            keys = [key.arn] + ([replica_key.arn] if replica_key is not None else [])
            for cluster, role in self._eso_roles.items():
                self._eso_grant(name, cluster, role, args, arns, keys)
        self.secret_arns = pulumi.Output.from_input(arns)
        self._parameters(name, args)
        self.key_vault_uri = self._azure(name, args) if args.azure else None
        self._sync(name, args)
        self.register_outputs({"secret_arns": self.secret_arns, "replica_regions": self.replica_regions,
                               "promote_on_failover": self.promote_on_failover, "key_vault_uri": self.key_vault_uri})

    @staticmethod
    def _readers(secret, args: SecretsReplicationArgs) -> list[pulumi.Input[str]]:
        readers: list[pulumi.Input[str]] = []
        for reader in secret.readers:
            # The spec check admits node names (their roles are ours) and declared external role ARNs only.
            readers.append(args.reader_roles[reader] if reader in args.reader_roles else reader)
        return readers

    def _eso_identities(self, name: str, args: SecretsReplicationArgs) -> dict[str, iam.Role]:
        """One IAM role per consuming cluster for the External Secrets operator, trusting only its own service
        account on that cluster's OIDC issuer (IRSA on EKS; on other clusters the issuer registered in IAM)."""
        roles = {}
        consuming = args.spec.consuming_clusters()
        primary = pulumi.ResourceOptions(parent=self, provider=args.aws_providers[args.primary_region])
        for cluster in args.clusters:
            if cluster.name not in consuming or not cluster.oidc_provider_arn:
                continue
            roles[cluster.name] = iam.Role(
                f"{name}-{cluster.name}-eso-role", name=physical_name(args.environment, "eso", cluster.name, limit=64),
                description=f"External Secrets operator on {cluster.name}: reads the secrets synced there",
                assume_role_policy=trust_policy(cluster.oidc_provider_arn,
                                                service_account_subject(ESO_NAMESPACE, ESO_AWS_SERVICE_ACCOUNT)),
                max_session_duration=3600, opts=primary)
        return roles

    def _eso_grant(self, name: str, cluster: str, role: iam.Role, args: SecretsReplicationArgs,
                   arns: dict[str, pulumi.Output[str]], key_arns: list[pulumi.Output[str]]) -> None:
        synced = [arns[s.name] for s in args.spec.secrets if any(x.cluster == cluster for x in s.sync)]
        iam.RolePolicy(f"{name}-{cluster}-eso-access", role=role.name, name="read-synced-secrets",
                       policy=pulumi.Output.all(synced, key_arns).apply(lambda a: eso_read_policy(
                           a[0], a[1], self._replica_read(cluster, args))),
                       opts=pulumi.ResourceOptions(parent=self, provider=args.aws_providers[args.primary_region]))

    @staticmethod
    def _replica_read(cluster: str, args: SecretsReplicationArgs) -> tuple[str, ...]:
        """The replica region a cluster's store reads from, when it is not the primary (same rule as _sync)."""
        spec = next(c for c in args.clusters if c.name == cluster)
        replicas = {args.secondary_region} if args.secondary_region else set()
        region = store_region(spec, args.primary_region, replicas)
        return (region,) if region != args.primary_region else ()

    def _parameters(self, name: str, args: SecretsReplicationArgs) -> None:
        """Non-secret configuration: SSM parameters in every region that replicates them."""
        for parameter in args.spec.parameters:
            regions = [args.primary_region] + ([args.secondary_region] if parameter.replicate and args.secondary_region else [])
            for region in regions:
                ssm.Parameter(f"{name}-{region_code(region)}-{parameter.name}",
                              name=f"/{args.environment}/{parameter.name}", type="String",
                              # not secret by definition: keep it readable in previews and reviews
                              insecure_value=parameter.value,
                              description=parameter.description or None, tier="Standard",
                              opts=pulumi.ResourceOptions(parent=self, provider=args.aws_providers[region]))

    def _azure(self, name: str, args: SecretsReplicationArgs) -> pulumi.Output[str] | None:
        azure = args.azure
        assert azure is not None
        opts = pulumi.ResourceOptions(parent=self, provider=azure.provider)
        vault_spec = args.spec.key_vault
        public = "Disabled" if args.production else "Enabled"
        vault_uri = None
        if vault_spec:
            vault = keyvault.Vault(
                f"{name}-vault", vault_name=vault_name(azure.names, args.environment),
                resource_group_name=azure.resource_group_name, location=azure.location, tags=azure.tags,
                properties=keyvault.VaultPropertiesArgs(
                    tenant_id=azure.tenant_id, sku=keyvault.SkuArgs(family="A", name="standard"),
                    enable_rbac_authorization=True, enable_soft_delete=True,
                    soft_delete_retention_in_days=vault_spec.soft_delete_retention_days, enable_purge_protection=True,
                    public_network_access=public,
                    network_acls=keyvault.NetworkRuleSetArgs(bypass="AzureServices",
                                                             default_action="Deny" if args.production else "Allow")),
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=args.protect)))
            role = (f"/subscriptions/{azure.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/"
                    f"{KEY_VAULT_SECRETS_USER}")
            for reader in vault_spec.readers:
                authorization.RoleAssignment(f"{name}-vault-reader-{reader[:8]}", principal_id=reader,
                                             principal_type="ServicePrincipal", role_definition_id=role,
                                             scope=vault.id, opts=opts)
            self.key_vault_id = vault.id
            self._vault = vault
            vault_uri = vault.properties.apply(lambda p: p.vault_uri if p else None)
            if public == "Disabled" and azure.endpoint_subnet_id is not None:
                # The only network path to a private vault: an endpoint in the environment's VNet. Clusters reach
                # it through that VNet (peered with theirs) and the privatelink.vaultcore.azure.net zone linked to
                # their VNet, both outside the stack (docs/secrets.md).
                # https://learn.microsoft.com/azure/key-vault/general/private-link-service
                network.PrivateEndpoint(
                    f"{name}-vault-endpoint", private_endpoint_name=physical_name(args.environment, "kv", "pe", limit=64),
                    resource_group_name=azure.resource_group_name, location=azure.location,
                    subnet=network.SubnetArgs(id=azure.endpoint_subnet_id),
                    private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
                        name="vault", private_link_service_id=vault.id, group_ids=["vault"])],
                    tags=azure.tags, opts=opts)
        azure_parameters = [p for p in args.spec.parameters if p.azure]
        if azure_parameters:
            store_name = config_store_name(azure.names, args.environment)
            if azure.deployer is None:  # the spec check asks for prerequisites.azure_deployer first
                raise ValueError("App Configuration key-values need the deploying identity (azure_deployer)")
            # Local auth is off, so ARM cannot use access keys to write key-values: in pass-through mode it
            # writes them as the caller, who needs a data-plane role. With public access disabled, ARM only
            # delegates requests that reach it over an ARM private link (Resource Management Private Link),
            # so production deploys run from a runner inside that network (docs/deployment.md).
            # https://learn.microsoft.com/azure/azure-app-configuration/quickstart-deployment-overview
            store = appconfiguration.ConfigurationStore(
                f"{name}-config-store", config_store_name=store_name, resource_group_name=azure.resource_group_name,
                location=azure.location, sku=appconfiguration.SkuArgs(name="standard"), disable_local_auth=True,
                enable_purge_protection=args.production, public_network_access=public,
                data_plane_proxy=appconfiguration.DataPlaneProxyPropertiesArgs(
                    authentication_mode="Pass-through",
                    private_link_delegation="Enabled" if public == "Disabled" else "Disabled"),
                tags=azure.tags, opts=opts)
            object_id, principal_type = azure.deployer
            writer = authorization.RoleAssignment(
                f"{name}-config-deployer", principal_id=object_id, principal_type=principal_type,
                role_definition_id=(f"/subscriptions/{azure.subscription_id}/providers/Microsoft.Authorization/"
                                    f"roleDefinitions/{APP_CONFIGURATION_DATA_OWNER}"),
                scope=store.id, opts=opts)
            for parameter in azure_parameters:
                appconfiguration.KeyValue(f"{name}-config-{parameter.name}", config_store_name=store.name,
                                          resource_group_name=azure.resource_group_name,
                                          key_value_name=parameter.name, value=parameter.value,
                                          opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
                                              depends_on=[writer])))
        return vault_uri

    def _sync(self, name: str, args: SecretsReplicationArgs) -> None:
        consuming = args.spec.consuming_clusters()
        remote = [(s, secret_name(args.environment, s.name)) for s in args.spec.secrets]
        replica_regions = {args.secondary_region} if args.secondary_region else set()
        for cluster in args.clusters:
            if cluster.name not in consuming:
                continue
            addons = args.cluster_addons.get(cluster.name)
            opts = pulumi.ResourceOptions(parent=self, provider=args.cluster_providers[cluster.name],
                                          depends_on=[addons] if addons else [])
            # Secrets not replicated still live in the primary only; those clusters read from there.
            region = store_region(cluster, args.primary_region, replica_regions)
            if any(not s.replicate for s, _ in remote if any(x.cluster == cluster.name for x in s.sync)):
                region = args.primary_region
            vault = (self._azure_store_identity(name, cluster, args)
                     if getattr(self, "key_vault_uri", None) is not None and args.azure and cluster.cloud == "azure"
                     else None)
            namespaces = self._namespaces(name, cluster.name, args)
            role = self._eso_roles.get(cluster.name)
            build_cluster_sync(f"{name}-{cluster.name}", cluster, remote, args.spec.refresh_interval, region, vault, opts,
                               namespaces=namespaces, role_arn=role.arn if role is not None else None)

    def _azure_store_identity(self, name: str, cluster: Cluster, args: SecretsReplicationArgs) -> AzureStoreIdentity:
        """A user-assigned managed identity for the cluster's Azure store: trusted for the store's service account
        through a federated credential on the cluster's OIDC issuer, and a Key Vault Secrets User on the vault.
        https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster"""
        azure = args.azure
        assert azure is not None
        if not cluster.oidc_issuer_url:  # the spec check reports this first
            raise ValueError(f"cluster {cluster.name}: the Azure store needs clusters[].oidc_issuer_url")
        opts = pulumi.ResourceOptions(parent=self, provider=azure.provider)
        identity = managedidentity.UserAssignedIdentity(
            f"{name}-{cluster.name}-eso-identity", resource_name_=physical_name(args.environment, "eso", cluster.name,
                                                                                 limit=128),
            resource_group_name=azure.resource_group_name, location=azure.location, tags=azure.tags, opts=opts)
        federated = managedidentity.FederatedIdentityCredential(
            f"{name}-{cluster.name}-eso-federation", resource_name_=identity.name,
            federated_identity_credential_resource_name=physical_name(cluster.name, "external-secrets", limit=120),
            resource_group_name=azure.resource_group_name, issuer=cluster.oidc_issuer_url,
            subject=service_account_subject(ESO_NAMESPACE, ESO_AZURE_SERVICE_ACCOUNT), audiences=[AZURE_TOKEN_AUDIENCE],
            opts=opts)
        reader = authorization.RoleAssignment(
            f"{name}-{cluster.name}-eso-vault-reader", principal_id=identity.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=(f"/subscriptions/{azure.subscription_id}/providers/Microsoft.Authorization/"
                                f"roleDefinitions/{KEY_VAULT_SECRETS_USER}"),
            scope=self._vault.id, opts=opts)
        return AzureStoreIdentity(vault_uri=self.key_vault_uri, tenant_id=azure.tenant_id,  # type: ignore[arg-type]
                                  client_id=identity.client_id, ready=(federated, reader))

    def _namespaces(self, name: str, cluster: str, args: SecretsReplicationArgs) -> dict[str, pulumi.Resource]:
        """The namespaces ExternalSecrets land in: another component's, or created here, unless the cluster's
        owners create it (declared under prerequisites.clusters[].namespaces)."""
        found: dict[str, pulumi.Resource] = {}
        wanted = sorted({x.namespace for s in args.spec.secrets for x in s.sync if x.cluster == cluster})
        for ns in wanted:
            if (cluster, ns) in args.namespaces:
                found[ns] = args.namespaces[(cluster, ns)]
            elif ns not in args.prerequisite_namespaces.get(cluster, frozenset()):
                found[ns] = Namespace(f"{name}-{cluster}-{ns}-namespace", metadata={
                    "name": ns, "labels": {"app.kubernetes.io/part-of": "hybrid-integration"}},
                    opts=pulumi.ResourceOptions(parent=self, provider=args.cluster_providers[cluster]))
        return found
