"""No shared-key (SAS) auth on Azure messaging namespaces in production (practice 5.4)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging_transport import AZURE_NAMESPACES


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if ctx.tier != "production":
        raise NotApplicable("shared access keys are refused in production tiers only")
    if resource.props.get("disableLocalAuth") is not True:
        yield "shared access signature (local) auth is enabled: set disableLocalAuth to true and use Entra ID"


RULE = Rule(
    id="azure-local-auth-disabled", concern="client-authentication",
    description="Service Bus and Event Hubs namespaces refuse shared access keys in production (Entra ID only).",
    severity="high",
    remediation="Set disableLocalAuth true and grant applications Azure RBAC data roles instead of SAS keys.",
    check=check, types=frozenset(AZURE_NAMESPACES),
    levels={"development": "advisory", "staging": "advisory", "production": "mandatory"})
