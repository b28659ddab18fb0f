"""Queues, topics and brokers encrypted at rest with customer-managed keys (practice 5.1)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging import AZURE_NAMESPACES, ENCRYPTABLE, NO_CMK_OFFERED, REPLICA_KEYS
from ..values import dotted, maps


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
    if resource.type in REPLICA_KEYS:
        replicas, key_prop, region_prop = REPLICA_KEYS[resource.type]
        for i, replica in enumerate(maps(resource.props.get(replicas))):
            replica_key = replica.get(key_prop)
            where = replica.get(region_prop) or f"replica {i}"
            if not replica_key or str(replica_key) == aws_managed:
                yield f"replica in {where} is not encrypted with a customer-managed KMS key of its region"


RULE = Rule(
    id="broker-cmk-encryption", concern="cmk-encryption",
    description="Queues and topics are encrypted at rest with a customer-managed KMS key where the service offers one.",
    severity="high",
    remediation="Set the resource's key (and each global-table replica's kmsKeyArn, a key of the replica's region) "
                "to a customer-managed KMS key (not alias/aws/*); on Azure "
                "Premium namespaces, encryption.keySource Microsoft.KeyVault with a Key Vault key.",
    check=check, types=frozenset(ENCRYPTABLE) | frozenset(NO_CMK_OFFERED) | frozenset(AZURE_NAMESPACES))
