"""ApiManagement built alone: the instance with TLS 1.2+ only, its custom hosts and a diagnostics pipeline."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.gateway.azure_apim import KEY_VAULT_SECRETS_USER, ApiManagement, KeyVaultRef
from components.spec.gateway import ApiManagementSettings, ApiSpec

from .conftest import ACCOUNT, assert_children_named_after, build
from .test_gateway import INVENTORY

PARTNER = ApiSpec.model_validate({
    **INVENTORY.model_dump(mode="json", by_alias=True, exclude_none=True),
    "name": "partner-orders", "audience": "partner", "clouds": ["aws", "azure"],
    "domain": {"name": "orders.unit.example.com",
               "certificate_arn": f"arn:aws:acm:eu-central-1:{ACCOUNT}:certificate/6e5b1fa7-80e3-4c6f-8fc3-7ade5dbc9b66",
               "azure_certificate_name": "orders-tls",
               "mtls_truststore_uri": "s3://unit-truststore/partners.pem"},
})


SUBSCRIPTION = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
VAULT_ID = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/unit-rg/providers/Microsoft.KeyVault/vaults/unit-kv"


def apim(protect: bool = True):
    settings = ApiManagementSettings(publisher_name="Integration Platform", publisher_email="platform@example.com",
                                     sku="Premium", capacity=2)

    def program():
        return ApiManagement("apim", settings, "unit", "westeurope", "unit-rg", [PARTNER], {"owner": "platform"},
                             protect, pulumi.ResourceOptions(
                                 provider=azure_native.Provider("azure-westeurope", location="westeurope")),
                             key_vault=KeyVaultRef(VAULT_ID, "https://unit-kv.vault.azure.net/", SUBSCRIPTION))
    return build(program)


def test_the_instance_takes_its_sku_serves_the_custom_host_and_refuses_old_tls():
    built = apim()
    assert_children_named_after(built, "hybrid:gateway:ApiManagement", "apim")
    service = built.of_type("azure-native:apimanagement:ApiManagementService")[0]
    inputs = service["inputs"]
    assert inputs["sku"] == {"name": "Premium", "capacity": 2} and service["protect"] is True
    [identity] = built.of_type("azure-native:managedidentity:UserAssignedIdentity")
    assert inputs["identity"] == {"type": "UserAssigned", "userAssignedIdentities": {identity["id"]: {}}}
    [host] = inputs["hostnameConfigurations"]
    assert host["hostName"] == "orders.unit.example.com" and host["negotiateClientCertificate"] is True
    assert host["keyVaultId"] == "https://unit-kv.vault.azure.net/secrets/orders-tls", "the stack's vault, no version"
    assert host["identityClientId"] and host["identityClientId"] != "00000000-0000-0000-0000-000000000000"
    # The identity may read the vault's secrets before the service (whose creation fetches the certificate) exists.
    reader = built.named("apim-vault-reader")
    assert reader["inputs"]["scope"] == VAULT_ID and reader["inputs"]["roleDefinitionId"].endswith(KEY_VAULT_SECRETS_USER)
    assert identity["urn"] in reader["dependencies"] and reader["urn"] in service["dependencies"]
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


def test_a_version_with_a_private_backend_is_not_imported_and_an_api_with_only_those_is_refused():
    from components.gateway.azure_apim import served_versions

    assert [v.version for v in served_versions(PARTNER)] == []  # INVENTORY's only version is private
    public = PARTNER.model_copy(update={"versions": [
        PARTNER.versions[0].model_copy(update={"backend": PARTNER.versions[0].backend.model_copy(
            update={"private": False, "vpc_link_target_arn": None})})]})
    assert [v.version for v in served_versions(public)] == ["v1"]
    import copy

    import pytest

    from components.spec import SpecError, parse_environment

    from ..conftest import load_spec_data

    data = copy.deepcopy(load_spec_data("prod"))
    api = data["gateways"]["apis"][0]
    api["versions"][0]["backend"] = {"url": "https://orders-legacy.internal.example.com/api/v1", "private": True,
                                     "vpc_link_target_arn": api["versions"][1]["backend"]["vpc_link_target_arn"]}
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", {"kubeconfig", "vpnPresharedKeys", "oncallEndpoints"})
    assert any(i.path == "gateways.apis[0].clouds" and "private backend" in i.message for i in caught.value.issues)


def test_the_health_api_answers_without_credentials_and_fails_with_its_backend():
    """What Traffic Manager probes on API Management: no subscription key, no JWT (probes carry neither), the
    backend's own /health behind it, and anything but a 2xx from it answered as 503."""
    from components.gateway.azure_apim import ApimHost, build_apim_health_api

    paths = []

    def program():
        provider = azure_native.Provider("azure-westeurope", location="westeurope")
        parent = pulumi.ComponentResource("unit:test:Parent", "parent",
                                          opts=pulumi.ResourceOptions(providers={"azure-native": provider}))
        host = ApimHost(service_name=pulumi.Output.from_input("apim-unit-westeurope"), resource_group_name="unit-rg")
        paths.append(build_apim_health_api(parent, "api-orders", PARTNER, host, "https://orders.example.com/api/v1/"))
    built = build(program)
    assert paths == ["/health/partner-orders/"]
    [api] = built.of_type("azure-native:apimanagement:Api")
    assert api["inputs"]["path"] == "health/partner-orders" and api["inputs"]["subscriptionRequired"] is False
    assert api["inputs"]["serviceUrl"] == "https://orders.example.com/api/v1"
    assert not built.of_type("azure-native:apimanagement:ApiPolicy"), "no API-level JWT validation"
    [operation] = built.of_type("azure-native:apimanagement:ApiOperation")
    assert (operation["inputs"]["method"], operation["inputs"]["urlTemplate"]) == ("GET", "/")
    [policy] = built.of_type("azure-native:apimanagement:ApiOperationPolicy")
    assert policy["inputs"]["operationId"] == operation["inputs"]["operationId"] == "health"
    assert policy["inputs"]["apiId"] == api["inputs"]["apiId"] and operation["urn"] in policy["dependencies"]
    xml = policy["inputs"]["value"]
    assert '<rewrite-uri template="/health"' in xml
    assert "StatusCode &lt; 200 || context.Response.StatusCode &gt;= 300" in xml and 'code="503"' in xml
