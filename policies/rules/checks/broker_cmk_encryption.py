"""Queues, topics and brokers encrypted at rest with customer-managed keys (practice 5.1)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging import AZURE_NAMESPACES, ENCRYPTABLE, NO_CMK_OFFERED
from ..values import dotted


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type in NO_CMK_OFFERED:
        raise NotApplicable(NO_CMK_OFFERED[resource.type])
    if resource.type in AZURE_NAMESPACES:
        tier = str(dotted(resource.props, "sku.name", default=""))
        if tier not in ("Premium", "Dedicated"):
            raise NotApplicable("customer-managed keys need the Premium tier; Standard namespaces use Microsoft-managed keys")
        if dotted(resource.props, "encryption.keySource") != "Microsoft.KeyVault":
            yield "Premium namespace not encrypted with a customer-managed Key Vault key"
        return
    if resource.type not in ENCRYPTABLE:
        raise NotApplicable("holds no messages at rest")
    prop, aws_managed = ENCRYPTABLE[resource.type]
    key = dotted(resource.props, prop)
    if not key:
        yield "not encrypted with a customer-managed KMS key"
    elif str(key) == aws_managed:
        yield "encrypted with the AWS-managed key, which cannot be scoped or audited per broker"


RULE = Rule(
    id="broker-cmk-encryption", concern="cmk-encryption",
    description="Queues and topics are encrypted at rest with a customer-managed KMS key where the service offers one.",
    severity="high",
    remediation="Set the resource's key to the broker's customer-managed KMS key (not alias/aws/*); on Azure "
                "Premium namespaces, encryption.keySource Microsoft.KeyVault with a Key Vault key.",
    check=check, types=frozenset(ENCRYPTABLE) | frozenset(NO_CMK_OFFERED) | frozenset(AZURE_NAMESPACES))
