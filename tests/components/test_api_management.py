"""ApiManagement built alone: the instance with TLS 1.2+ only, its custom hosts and a diagnostics pipeline."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.gateway.azure_apim import ApiManagement
from components.spec.gateway import ApiManagementSettings, ApiSpec

from .conftest import ACCOUNT, assert_children_named_after, build
from .test_gateway import INVENTORY

PARTNER = ApiSpec.model_validate({
    **INVENTORY.model_dump(mode="json", by_alias=True, exclude_none=True),
    "name": "partner-orders", "audience": "partner", "clouds": ["aws", "azure"],
    "domain": {"name": "orders.unit.example.com",
               "certificate_arn": f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/6e5b1fa7-80e3-4c6f-8fc3-7ade5dbc9b66",
               "azure_certificate_secret_id": "https://unit-kv.vault.azure.net/secrets/orders-tls",
               "mtls_truststore_uri": "s3://unit-truststore/partners.pem"},
})


def apim(protect: bool = True):
    settings = ApiManagementSettings(publisher_name="Integration Platform", publisher_email="platform@example.com",
                                     sku="Premium", capacity=2)

    def program():
        return ApiManagement("apim", settings, "unit", "westeurope", "unit-rg", [PARTNER], {"owner": "platform"},
                             protect, pulumi.ResourceOptions(
                                 provider=azure_native.Provider("azure-westeurope", location="westeurope")))
    return build(program)


def test_the_instance_takes_its_sku_serves_the_custom_host_and_refuses_old_tls():
    built = apim()
    assert_children_named_after(built, "hybrid:gateway:ApiManagement", "apim")
    service = built.of_type("azure-native:apimanagement:ApiManagementService")[0]
    inputs = service["inputs"]
    assert inputs["sku"] == {"name": "Premium", "capacity": 2} and service["protect"] is True
    assert inputs["identity"]["type"] == "SystemAssigned", "the managed identity reads the certificate from Key Vault"
    [host] = inputs["hostnameConfigurations"]
    assert host["hostName"] == "orders.unit.example.com" and host["negotiateClientCertificate"] is True
    assert host["keyVaultId"] == "https://unit-kv.vault.azure.net/secrets/orders-tls"
    custom = inputs["customProperties"]
    for protocol in ("Tls10", "Tls11", "Ssl30"):
        assert custom[f"Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.{protocol}"].lower() == "false"


def test_diagnostics_flow_through_a_logger_whose_key_stays_secret():
    built = apim()
    logger = built.of_type("azure-native:apimanagement:Logger")[0]
    assert logger["inputs"]["loggerType"] == "applicationInsights"
    assert logger["inputs"]["credentials"]["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"
    diagnostic = built.of_type("azure-native:apimanagement:Diagnostic")[0]["inputs"]
    assert diagnostic["loggerId"] == logger["id"] and diagnostic["httpCorrelationProtocol"] == "W3C"
