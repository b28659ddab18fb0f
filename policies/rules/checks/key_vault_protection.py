"""Key Vaults and managed HSMs keep soft delete on and purge protection on (practices 5.1, 8.6).

Soft delete is on when `enableSoftDelete` is unset (Azure no longer lets it be turned off for new vaults),
so only an explicit false is a violation; its retention must lie within 7 to 90 days (90 when unset). Purge protection is off on a vault unless `enablePurgeProtection`
is true; on a managed HSM the provider defaults it to true.
https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
"""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext, canonical_type
from ..values import flag, get

VAULT = "azure-native:keyvault:Vault"
MANAGED_HSM = "azure-native:keyvault:ManagedHsm"


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    properties = get(resource.props, "properties")
    if not flag(get(properties, "enableSoftDelete"), True):
        yield "soft delete is turned off: a deleted vault and its keys could not be recovered"
    if not flag(get(properties, "enablePurgeProtection"), canonical_type(resource.type) == MANAGED_HSM):
        yield "purge protection is off: a deleted vault could be purged before its retention period ends"
    retention = get(properties, "softDeleteRetentionInDays")
    if retention is not None and not 7 <= float(retention) <= 90:
        yield "soft delete retention is outside the 7 to 90 days Azure accepts"


RULE = Rule(
    id="key-vault-protection", concern="key-vault-protection",
    description="Key Vaults and managed HSMs have soft delete on and purge protection on.",
    severity="high",
    remediation="Set properties.enablePurgeProtection true and leave enableSoftDelete unset or true (the "
                "SecretsReplication component does).",
    check=check, types=frozenset({VAULT, MANAGED_HSM}))
