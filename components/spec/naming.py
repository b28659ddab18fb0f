"""Spec model for the estate's naming affixes: what keeps globally unique cloud names from colliding.

Some names are global across every customer of a cloud (Key Vault, API Management, App Configuration,
Service Bus and Event Hubs namespaces, Traffic Manager DNS labels, S3 buckets). Two adopters of this
blueprint who both call an environment `prod` would otherwise fight over `prod-orders-bus`. Every such
name carries the estate's prefix and/or suffix; when the spec sets neither, the suffix defaults to a short
hash of the estate's own account ids, which no other estate shares.
"""

from __future__ import annotations

import hashlib
from typing import Optional

from pydantic import Field, field_validator

from .base import SpecModel

# Azure refuses Service Bus and Event Hubs namespace names ending in these, so no affix may be one.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftservicebus
RESERVED_AFFIXES = frozenset({"sb", "mgmt"})


class NamingSpec(SpecModel):
    prefix: Optional[str] = Field(default=None, pattern=r"^[a-z][a-z0-9]{1,7}$",
                                  description="estate prefix of globally unique names (2-8 letters/digits, "
                                              "starting with a letter)")
    suffix: Optional[str] = Field(default=None, pattern=r"^[a-z0-9]{2,8}$",
                                  description="estate suffix of globally unique names (2-8 letters/digits); "
                                              "default, when neither is set: a hash of the account ids")

    @field_validator("prefix", "suffix")
    @classmethod
    def _not_reserved(cls, value: Optional[str]) -> Optional[str]:
        if value in RESERVED_AFFIXES:
            raise ValueError(f"{value!r} is reserved: Azure refuses namespace names ending in -sb or -mgmt")
        return value


def estate_hash(*account_ids: str) -> str:
    """Six hex digits derived from the accounts the estate deploys into: stable, and unique to the estate."""
    digest = hashlib.sha256("/".join(a for a in account_ids if a).encode()).hexdigest()
    return digest[:6]
