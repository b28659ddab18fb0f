"""Reads what is deployed in Azure into resource states the pack's rules judge, with the ARM management SDK.

Scope: the subscription the spec names (accounts.azure), and in it the resources tagged
`environment: <env>` (ARM's own tag filter). Each covered resource is read whole with its type's API version
(the version pulumi-azure-native's default token uses), and its ARM `properties` are flattened into the
inputs the azure-native token takes, as the provider does: a network security group's `securityRules`
keep each rule's own `properties`, which the rule reads in either form.

Only GET requests leave the client (readonly.py adds a pipeline policy that refuses anything else). Proven
on recorded ARM responses only (tests/data/audit/azure): no Azure stand-in runs here.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .aws import ENVIRONMENT_TAG
from .readonly import ReadOnly
from .states import Collected

# ARM type -> (azure-native token, the input naming the resource, the API version azure-native's default token
# uses; pulumi_azure_native 3.x docstrings: "Uses Azure REST API version ...").
COVERED: dict[str, tuple[str, str, str]] = {
    "microsoft.network/networksecuritygroups": ("azure-native:network:NetworkSecurityGroup",
                                                "networkSecurityGroupName", "2024-05-01"),
    "microsoft.apimanagement/service": ("azure-native:apimanagement:ApiManagementService", "serviceName",
                                        "2024-05-01"),
    "microsoft.eventhub/namespaces": ("azure-native:eventhub:Namespace", "namespaceName", "2024-01-01"),
    "microsoft.servicebus/namespaces": ("azure-native:servicebus:Namespace", "namespaceName", "2024-01-01"),
}
READ_TYPES = tuple(token for token, _, _ in COVERED.values())
_TOP_LEVEL = ("location", "sku", "tags", "identity", "kind", "zones")


class AzureAuditError(ValueError):
    """Azure cannot be read (no SDK, no credentials, no access): bad input, exit 2."""


def arm_client(spec: Any, guard: ReadOnly, credential: Any = None, **client_options: Any) -> Any:
    """The ARM resources client for the spec's subscription, guarded read-only. `credential` defaults to
    azure-identity's DefaultAzureCredential (environment, workload identity / OIDC, managed identity, CLI)."""
    try:
        from azure.mgmt.resource.resources import ResourceManagementClient
    except ImportError as error:
        raise AzureAuditError(f"the Azure management SDK is not installed ({error.name}); install the project "
                              "(pip install -e .) to get azure-mgmt-resource and azure-identity") from None
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return ResourceManagementClient(credential, spec.accounts.azure.subscription_id,
                                    per_call_policies=[guard.azure_policy()], **client_options)


def resource_group_of(resource_id: str) -> Optional[str]:
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else None


def inputs_of(arm: dict[str, Any], name_input: str) -> dict[str, Any]:
    """azure-native inputs from an ARM resource: its `properties` flattened beside the top-level fields."""
    properties = dict(arm.get("properties") or {})
    for readonly in ("provisioningState", "resourceGuid", "createdAt", "updatedAt", "status", "metricId",
                     "serviceBusEndpoint"):
        properties.pop(readonly, None)
    inputs = {**properties, name_input: arm.get("name"), "resourceGroupName": resource_group_of(str(arm.get("id", "")))}
    for key in _TOP_LEVEL:
        if arm.get(key) is not None:
            inputs[key] = arm[key]
    return inputs


def read_azure(client: Any, spec: Any, out: Collected, progress: Callable[[str], None] = lambda _: None) -> str:
    """Read every covered resource of the environment's subscription into `out`; returns the subscription."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

    subscription = spec.accounts.azure.subscription_id
    progress(f"azure {subscription}")
    try:
        listed = list(client.resources.list(filter=f"tagName eq '{ENVIRONMENT_TAG}' and tagValue eq '{spec.name}'"))
        for summary in sorted(listed, key=lambda r: str(r.id).lower()):
            covered = COVERED.get(str(summary.type).lower())
            if covered is None:
                continue
            token, name_input, version = covered
            arm = dict(client.resources.get_by_id(summary.id, api_version=version).as_dict())
            if (arm.get("tags") or {}).get(ENVIRONMENT_TAG) != spec.name:
                continue
            location = str(arm.get("location") or "").replace(" ", "").lower() or None
            out.add(token, str(arm.get("name")), inputs_of(arm, name_input), location, str(arm.get("id")))
    except ClientAuthenticationError as error:
        raise AzureAuditError(f"cannot sign in to Azure: {error.message}; expected a credential "
                              "DefaultAzureCredential finds (AZURE_CLIENT_ID with OIDC, a managed identity, az login)") from None
    except HttpResponseError as error:
        raise AzureAuditError(f"Azure refused the read of subscription {subscription} ({error.status_code}): "
                              f"{error.reason}; expected the Reader role on it") from None
    return subscription
