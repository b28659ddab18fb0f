"""Cache shapes shared by the cache rules (practice 4.4 with 5.1, 5.4, 5.5): ElastiCache and Azure Managed Redis."""

from __future__ import annotations

from typing import Any

from .values import as_list, dotted, flag

SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CLUSTER = "aws:elasticache/cluster:Cluster"
"""A standalone cache cluster: Memcached, or a single Redis OSS / Valkey node outside any replication group."""
USER = "aws:elasticache/user:User"
REDIS_ENTERPRISE = "azure-native:redisenterprise:RedisEnterprise"
REDIS_DATABASE = "azure-native:redisenterprise:Database"
ELASTICACHE = frozenset({SERVERLESS, REPLICATION_GROUP, CLUSTER})
AZURE_REDIS = frozenset({REDIS_ENTERPRISE, REDIS_DATABASE})


def engine(props: Any) -> str:
    return str(props.get("engine") or "").lower()


def has_user_group(props: Any) -> bool:
    return bool(props.get("userGroupId")) or bool([g for g in as_list(props.get("userGroupIds")) if g])


def customer_key(props: Any, path: str) -> bool:
    return bool(dotted(props, path))


def transit_encrypted(props: Any) -> bool:
    return flag(props.get("transitEncryptionEnabled"), False)
