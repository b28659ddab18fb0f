"""Caches encrypt their data at rest with a customer-managed key (practice 5.1, caches of practice 4.4).

Shapes shared with the other cache rules: policies/rules/caches.py."""

from __future__ import annotations

from typing import Iterable

from ..caches import CLUSTER, REDIS_ENTERPRISE, REPLICATION_GROUP, SERVERLESS, customer_key
from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..values import flag

CMK_PATH = "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl"
IDENTITY_PATH = "encryption.customerManagedKeyEncryption.keyEncryptionKeyIdentity.userAssignedIdentityResourceId"


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type == SERVERLESS:
        # Serverless caches are always encrypted at rest; without a key they use an AWS-owned one.
        if not customer_key(props, "kmsKeyId"):
            yield "serverless cache encrypted with an AWS-owned key only: set kmsKeyId to a customer-managed key"
    elif resource.type == REPLICATION_GROUP:
        if not flag(props.get("atRestEncryptionEnabled"), False):
            yield "replication group not encrypted at rest: set atRestEncryptionEnabled (only possible at creation)"
        elif not customer_key(props, "kmsKeyId"):
            yield "replication group encrypted with the ElastiCache default key: set kmsKeyId to a customer-managed key"
    elif resource.type == REDIS_ENTERPRISE:
        if not customer_key(props, CMK_PATH):
            yield ("Azure Managed Redis encrypted with Microsoft-managed keys: set "
                   f"{CMK_PATH} with a user-assigned identity")
        elif not customer_key(props, IDENTITY_PATH):
            # The service reads the key only as a user-assigned identity (https://learn.microsoft.com/azure/redis/how-to-encryption).
            yield (f"Azure Managed Redis names a key but no identity to read it with: set {IDENTITY_PATH} to a "
                   "user-assigned identity the cluster carries")
    elif resource.type == CLUSTER:
        raise NotApplicable("a standalone cache cluster has no at-rest encryption setting; caches that need one "
                            "are replication groups or serverless caches")
    else:
        raise NotApplicable("not a cache")


RULE = Rule(
    id="cache-cmk-encryption", concern="cmk-encryption",
    description="ElastiCache caches and Azure Managed Redis clusters encrypt data at rest with a customer-managed key.",
    severity="high",
    remediation="ElastiCache: atRestEncryptionEnabled with kmsKeyId (replication groups), kmsKeyId (serverless); the "
                "Cache component creates the key. Azure Managed Redis: encryption.customerManagedKeyEncryption "
                "with a Key Vault key and a user-assigned identity; the Cache component creates both, with the "
                "cache's own vault.",
    check=check, types=frozenset({SERVERLESS, REPLICATION_GROUP, REDIS_ENTERPRISE, CLUSTER}))
