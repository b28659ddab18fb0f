"""External Secrets on AKS reads Key Vault with workload identity: a user-assigned managed identity, a federated
credential on the cluster's OIDC issuer for the store's own service account, and Key Vault Secrets User on the
stack's vault, all before the store; a private vault gets its endpoint in the environment's VNet."""

from __future__ import annotations

import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s

from components.secrets.component import KEY_VAULT_SECRETS_USER, AzureVaultTarget, SecretsReplication, SecretsReplicationArgs
from components.secrets.external_secrets import AZURE_STORE, ESO_AZURE_SERVICE_ACCOUNT
from components.spec.foundation import Cluster
from components.spec.secrets import SecretsSpec

from .conftest import ACCOUNT, aws_provider, build

SUBSCRIPTION = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
ISSUER = "https://westeurope.oic.prod-aks.azure.com/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/5b6c7d8e-aaaa-bbbb-cccc-111122223333/"
AKS = Cluster.model_validate({
    "name": "aks-weu", "cloud": "azure", "region": "westeurope", "kubernetes_version": "1.31",
    "kubeconfig": {"secret": "kubeconfig"}, "oidc_issuer_url": ISSUER,
    "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/westeurope.oic.prod-aks.azure.com/abc"})
SECRETS = SecretsSpec.model_validate({
    "key_vault": {"soft_delete_retention_days": 30},
    "secrets": [{"name": "partner-token", "description": "token", "owner": "orders",
                 "sync": [{"cluster": "aks-weu", "namespace": "orders", "workload": "intake"}]}]})


def secrets():
    def program():
        azure = azure_native.Provider("azure-westeurope", location="westeurope", subscription_id=SUBSCRIPTION)
        return SecretsReplication("secrets", SecretsReplicationArgs(
            spec=SECRETS, environment="unit", account=ACCOUNT, primary_region="eu-central-1", secondary_region=None,
            aws_providers={"eu-central-1": aws_provider("eu-central-1")}, protect=False, production=True,
            azure=AzureVaultTarget(azure, "westeurope", "rg-unit", SUBSCRIPTION, TENANT, {},
                                   endpoint_subnet_id="/subscriptions/x/resourceGroups/rg-unit/providers/Microsoft.Network/"
                                                      "virtualNetworks/vnet/subnets/private-endpoints"),
            clusters=(AKS,), cluster_providers={"aks-weu": k8s.Provider("k8s-aks-weu", kubeconfig="{}")}))
    return build(program)


def test_the_store_authenticates_as_a_managed_identity_federated_with_the_cluster_issuer():
    built = secrets()
    [identity] = built.of_type("azure-native:managedidentity:UserAssignedIdentity")
    [federation] = built.of_type("azure-native:managedidentity:FederatedIdentityCredential")
    assert federation["inputs"]["issuer"] == ISSUER
    assert federation["inputs"]["subject"] == f"system:serviceaccount:external-secrets:{ESO_AZURE_SERVICE_ACCOUNT}"
    assert federation["inputs"]["audiences"] == ["api://AzureADTokenExchange"]
    assert federation["inputs"]["resourceName"] == identity["inputs"]["resourceName"]
    [vault] = built.of_type("azure-native:keyvault:Vault")
    reader = built.named("secrets-aks-weu-eso-vault-reader")
    assert reader["inputs"]["roleDefinitionId"].endswith(KEY_VAULT_SECRETS_USER)
    assert reader["inputs"]["scope"] == vault["id"] and identity["urn"] in reader["dependencies"]
    account = built.named("secrets-aks-weu-eso-azure-identity")["inputs"]["metadata"]
    assert account["name"] == ESO_AZURE_SERVICE_ACCOUNT and account["annotations"]["azure.workload.identity/tenant-id"] == TENANT
    assert account["annotations"]["azure.workload.identity/client-id"]
    store = built.named("secrets-aks-weu-store-azure")
    assert store["inputs"]["metadata"]["name"] == AZURE_STORE
    provider = store["inputs"]["spec"]["provider"]["azurekv"]
    assert provider["vaultUrl"] == f"https://{vault['inputs']['vaultName']}.vault.azure.net/"
    assert provider["serviceAccountRef"]["name"] == ESO_AZURE_SERVICE_ACCOUNT
    assert {federation["urn"], reader["urn"]} <= set(store["dependencies"])


def test_a_private_vault_gets_an_endpoint_in_the_environment_vnet():
    built = secrets()
    endpoint = built.named("secrets-vault-endpoint")["inputs"]
    [vault] = built.of_type("azure-native:keyvault:Vault")
    assert endpoint["privateLinkServiceConnections"] == [
        {"name": "vault", "privateLinkServiceId": vault["id"], "groupIds": ["vault"]}]
    assert endpoint["subnet"]["id"].endswith("/subnets/private-endpoints")


def test_a_spec_syncing_to_aks_with_a_key_vault_names_the_cluster_issuer():
    import copy

    import pytest

    from components.spec import SpecError, parse_environment

    from ..conftest import load_spec_data

    data = copy.deepcopy(load_spec_data("prod"))
    data["secrets"]["secrets"][0]["sync"].append({"cluster": "aks-weu", "namespace": "billing", "workload": "order-billing"})
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", {"kubeconfig", "vpnPresharedKeys", "oncallEndpoints"})
    index = next(i for i, c in enumerate(data["clusters"]) if c["name"] == "aks-weu")
    assert any(i.path == f"clusters[{index}].oidc_issuer_url" for i in caught.value.issues)
