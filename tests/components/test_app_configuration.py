"""App Configuration key-values with local auth off: ARM writes them as the deploying identity (pass-through),
which the stack grants App Configuration Data Owner before any key-value; with public access disabled, ARM
only delegates requests arriving over its private link."""

from __future__ import annotations

import copy

import pulumi_azure_native as azure_native
import pytest

from components.secrets.component import (APP_CONFIGURATION_DATA_OWNER, AzureVaultTarget, SecretsReplication,
                                          SecretsReplicationArgs)
from components.spec import SpecError, parse_environment
from components.spec.secrets import SecretsSpec

from .conftest import ACCOUNT, aws_provider, build
from ..conftest import load_spec_data

SUBSCRIPTION = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
DEPLOYER = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
SECRETS = SecretsSpec.model_validate({"parameters": [{"name": "page-size", "value": "500", "azure": True}]})


def store(production: bool):
    def program():
        azure = azure_native.Provider("azure-westeurope", location="westeurope", subscription_id=SUBSCRIPTION)
        return SecretsReplication("secrets", SecretsReplicationArgs(
            spec=SECRETS, environment="unit", account=ACCOUNT, primary_region="eu-central-1", secondary_region=None,
            aws_providers={"eu-central-1": aws_provider("eu-central-1")}, protect=False, production=production,
            azure=AzureVaultTarget(azure, "westeurope", "rg-unit", SUBSCRIPTION, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                   {}, deployer=(DEPLOYER, "ServicePrincipal"))))
    return build(program)


@pytest.mark.parametrize("production,public,delegation", [(True, "Disabled", "Enabled"), (False, "Enabled", "Disabled")])
def test_arm_writes_key_values_as_the_deployer_granted_data_owner_first(production, public, delegation):
    built = store(production)
    [config] = built.of_type("azure-native:appconfiguration:ConfigurationStore")
    assert config["inputs"]["disableLocalAuth"] is True and config["inputs"]["publicNetworkAccess"] == public
    assert config["inputs"]["dataPlaneProxy"] == {"authenticationMode": "Pass-through", "privateLinkDelegation": delegation}
    grant = built.named("secrets-config-deployer")
    assert grant["inputs"]["principalId"] == DEPLOYER and grant["inputs"]["principalType"] == "ServicePrincipal"
    assert grant["inputs"]["roleDefinitionId"].endswith(f"/roleDefinitions/{APP_CONFIGURATION_DATA_OWNER}")
    assert config["urn"] in grant["dependencies"]
    [value] = built.of_type("azure-native:appconfiguration:KeyValue")
    assert grant["urn"] in value["dependencies"], "the key-value is written before ARM may write it"


def test_a_spec_publishing_to_app_configuration_declares_the_deploying_identity():
    data = copy.deepcopy(load_spec_data("prod"))
    data.pop("prerequisites", None)
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", {"kubeconfig", "vpnPresharedKeys", "oncallEndpoints"})
    index = next(i for i, p in enumerate(data["secrets"]["parameters"]) if p.get("azure"))
    assert any(i.path == f"secrets.parameters[{index}].azure" and "prerequisites.azure_deployer" in i.message
               for i in caught.value.issues)
