"""External Secrets Operator objects: a ClusterSecretStore per cloud and an ExternalSecret per consuming workload.

The operator reads the value from the cloud store inside the cluster; the Pulumi program only declares
where to read from, so no secret value passes through the program or its state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import pulumi
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.core.v1 import ServiceAccount

from ..spec.foundation import Cluster
from ..spec.secrets import SecretSpec, WorkloadSync

ESO_NAMESPACE = "external-secrets"
# The identity the AWS store authenticates as: a service account of our own, annotated with the cluster's ESO
# role. The operator requests a token for it (audience sts.amazonaws.com) and assumes the role with web
# identity, so no static key exists on any cluster; off EKS this needs the cluster's issuer registered in IAM
# (clusters[].oidc_provider_arn). https://external-secrets.io/latest/provider/aws-secrets-manager/
ESO_AWS_SERVICE_ACCOUNT = "external-secrets-aws"
# The Azure store's identity: a service account annotated with the managed identity's client id, whose token the
# operator exchanges through the identity's federated credential (no pod webhook involved).
# https://external-secrets.io/latest/provider/azure-key-vault/#workload-identity
ESO_AZURE_SERVICE_ACCOUNT = "external-secrets-azure"
AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange"
AWS_STORE = "aws-secrets-manager"
AZURE_STORE = "azure-key-vault"


def store_region(cluster: Cluster, primary: str, replica_regions: set[str]) -> str:
    """Read from the cluster's own region when a replica lives there (survives loss of the primary)."""
    if cluster.cloud == "aws" and cluster.region in replica_regions | {primary}:
        return cluster.region  # type: ignore[return-value]
    return primary


def aws_store_spec(cluster: Cluster, region: str) -> dict:
    auth = {"jwt": {"serviceAccountRef": {"name": ESO_AWS_SERVICE_ACCOUNT, "namespace": ESO_NAMESPACE}}}
    return {"provider": {"aws": {"service": "SecretsManager", "region": region, "auth": auth}}}


def azure_store_spec(vault_uri: pulumi.Input[str], tenant_id: str) -> dict:
    return {"provider": {"azurekv": {"vaultUrl": vault_uri, "tenantId": tenant_id, "authType": "WorkloadIdentity",
                                     "serviceAccountRef": {"name": ESO_AZURE_SERVICE_ACCOUNT, "namespace": ESO_NAMESPACE}}}}


@dataclass(frozen=True)
class AzureStoreIdentity:
    """The vault the Azure store reads and the managed identity it reads it as."""

    vault_uri: pulumi.Input[str]
    tenant_id: str
    client_id: pulumi.Input[str]
    """The user-assigned managed identity's client id (the service account's annotation)."""
    ready: tuple[pulumi.Resource, ...]
    """Its federated credential and vault role assignment: the store waits for both."""


def external_secret_spec(secret: SecretSpec, sync: WorkloadSync, remote_name: str, refresh: str) -> dict:
    return {"refreshInterval": refresh,
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": AWS_STORE},
            "target": {"name": sync.target_secret or secret.name, "creationPolicy": "Owner"},
            "dataFrom": [{"extract": {"key": remote_name}}]}


def build_cluster_sync(name: str, cluster: Cluster, secrets: list[tuple[SecretSpec, str]], refresh: str, region: str,
                       azure_vault: Optional[AzureStoreIdentity], opts: pulumi.ResourceOptions, *,
                       namespaces: Mapping[str, pulumi.Resource], role_arn: Optional[pulumi.Input[str]]) -> None:
    """`secrets` pairs each spec with its Secrets Manager name; `opts` carries parent, provider, depends_on;
    `namespaces` are the target namespaces' resources (absent: declared prerequisites); `role_arn` is the
    cluster's ESO role."""
    if role_arn is None:
        raise ValueError(f"cluster {cluster.name}: secrets sync here but it has no oidc_provider_arn for the "
                         "External Secrets role to trust")
    account = ServiceAccount(f"{name}-eso-aws-identity", metadata={
        "name": ESO_AWS_SERVICE_ACCOUNT, "namespace": ESO_NAMESPACE,
        "annotations": {"eks.amazonaws.com/role-arn": role_arn}}, opts=opts)
    store = CustomResource(f"{name}-store-aws", api_version="external-secrets.io/v1beta1", kind="ClusterSecretStore",
                           metadata={"name": AWS_STORE}, spec=aws_store_spec(cluster, region),
                           opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[account])))
    if azure_vault and cluster.cloud == "azure":
        azure_account = ServiceAccount(f"{name}-eso-azure-identity", metadata={
            "name": ESO_AZURE_SERVICE_ACCOUNT, "namespace": ESO_NAMESPACE,
            "annotations": {"azure.workload.identity/client-id": azure_vault.client_id,
                            "azure.workload.identity/tenant-id": azure_vault.tenant_id}}, opts=opts)
        CustomResource(f"{name}-store-azure", api_version="external-secrets.io/v1beta1", kind="ClusterSecretStore",
                       metadata={"name": AZURE_STORE}, spec=azure_store_spec(azure_vault.vault_uri, azure_vault.tenant_id),
                       opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
                           depends_on=[azure_account, *azure_vault.ready])))
    after_store = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[store]))
    for secret, remote in secrets:
        for sync in secret.sync:
            if sync.cluster != cluster.name:
                continue
            waits = [namespaces[sync.namespace]] if sync.namespace in namespaces else []
            CustomResource(f"{name}-{sync.namespace}-{sync.workload}-{secret.name}",
                           api_version="external-secrets.io/v1beta1", kind="ExternalSecret",
                           metadata={"name": f"{sync.workload}-{secret.name}", "namespace": sync.namespace,
                                     "labels": {"app.kubernetes.io/name": sync.workload}},
                           spec=external_secret_spec(secret, sync, remote, refresh),
                           opts=pulumi.ResourceOptions.merge(after_store, pulumi.ResourceOptions(depends_on=waits)))


def operators_needed(spec) -> dict[str, set[str]]:
    """Clusters a secret syncs to need the External Secrets Operator (`spec` is the EnvironmentSpec)."""
    return {cluster: {"external-secrets"} for cluster in spec.secrets.consuming_clusters()}
