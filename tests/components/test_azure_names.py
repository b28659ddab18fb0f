"""Plans carry what the real engine would: an Azure child names its parent by the parent's physical name
(the `name` output azure-native reports is the resource's own name input), ids have ARM's shape, and a
vault's computed vaultUri is there for the stores that read it."""

from __future__ import annotations

import inspect
import re

import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import keyvault

from scripts.planner.ids import AZURE_EXTENSIONS, AZURE_PATHS

from .conftest import build
from ..conftest import SHIPPED, by_type

SUBSCRIPTION = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"


def snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def input_names(type_: str) -> set[str]:
    """The resource's inputs, from its constructor (its Args class is `<Resource>InitArgs` where a nested
    input type already took the name `<Resource>Args`)."""
    _, module, resource = type_.split(":")
    resource_class = getattr(getattr(azure_native, module), resource)
    return set(inspect.signature(resource_class._internal_init).parameters)


def test_every_planned_azure_type_has_its_arm_path_and_each_level_is_an_input_of_its_sdk_args(plans):
    planned = {r["type"] for env in SHIPPED for r in plans[env].resources
               if r["type"].startswith("azure-native:") and r["custom"]}
    known = set(AZURE_PATHS) | set(AZURE_EXTENSIONS) | {"azure-native:resources:ResourceGroup",
                                                         "azure-native:monitor:SubscriptionDiagnosticSetting"}
    assert not planned - known, "add these types to scripts/planner/ids.py AZURE_PATHS"
    for type_, (_, levels) in AZURE_PATHS.items():
        parameters = input_names(type_)
        missing = [key for _, key in levels if snake(key) not in parameters]
        assert not missing, f"{type_}: {missing} are not inputs of its Args"


def test_api_management_children_name_the_service_by_its_physical_name(plans):
    [service] = by_type(plans["prod"], "azure-native:apimanagement:ApiManagementService")
    physical = service["inputs"]["serviceName"]
    children = [r for r in plans["prod"].resources
                if r["type"].startswith("azure-native:apimanagement:") and r is not service]
    assert children and {c["inputs"]["serviceName"] for c in children} == {physical}
    for policy in by_type(plans["prod"], "azure-native:apimanagement:ApiPolicy"):
        assert policy["inputs"]["apiId"] in {a["inputs"]["apiId"] for a in by_type(plans["prod"], "azure-native:apimanagement:Api")}
        assert policy["id"].endswith(f"/service/{physical}/apis/{policy['inputs']['apiId']}/policies/policy")
    operations = {o["inputs"]["operationId"] for o in by_type(plans["prod"], "azure-native:apimanagement:ApiOperation")}
    for policy in by_type(plans["prod"], "azure-native:apimanagement:ApiOperationPolicy"):
        assert policy["inputs"]["operationId"] in operations, "an operation policy names the operation's own id"
        assert policy["id"].endswith(f"/apis/{policy['inputs']['apiId']}/operations/"
                                     f"{policy['inputs']['operationId']}/policies/policy")


def test_a_vault_reports_its_data_plane_uri():
    seen: dict[str, str] = {}

    def program():
        provider = azure_native.Provider("azure", location="westeurope", subscription_id=SUBSCRIPTION)
        vault = keyvault.Vault("vault", vault_name="unit-kv-abc123", resource_group_name="rg-unit", location="westeurope",
                               properties=keyvault.VaultPropertiesArgs(
                                   tenant_id="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                   sku=keyvault.SkuArgs(family="A", name="standard"), enable_rbac_authorization=True),
                               opts=pulumi.ResourceOptions(provider=provider))
        vault.properties.apply(lambda p: seen.setdefault("uri", p.vault_uri))
        return vault
    built = build(program)
    assert seen["uri"] == "https://unit-kv-abc123.vault.azure.net/"
    assert built.named("vault")["id"] == (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-unit/providers/"
                                          "Microsoft.KeyVault/vaults/unit-kv-abc123")
