"""Pure functions behind the cache components: names, the Valkey ACL of the node's user, IAM documents.

Kept free of Pulumi so the tests read them directly.
"""

from __future__ import annotations

import json
from typing import Iterable

from ..naming import physical_name

VALKEY_PORT = 6379
"""ElastiCache's port for Valkey (node-based primary and serverless endpoint)."""
SERVERLESS_READER_PORT = 6380
"""ElastiCache Serverless serves reads from replicas on the endpoint's port + 1.
https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/serverless-connecting.html (reader endpoint)"""
AZURE_REDIS_PORT = 10000
"""Azure Managed Redis databases listen on 10000 (TLS).
https://learn.microsoft.com/azure/redis/best-practices-connection"""
# Valkey 8 on ElastiCache: serverless takes the major version, node-based the engine version and its default
# parameter group (cluster mode on when there is more than one shard).
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
VALKEY_MAJOR = "8"
VALKEY_VERSION = "8.0"
ID_LIMIT = 40
"""Replication group ids and serverless cache names: 1-40 letters, digits and hyphens, starting with a letter,
no trailing or doubled hyphen, stored lower-case (CreateReplicationGroup, CreateServerlessCache)."""


def cache_id(environment: str, name: str) -> str:
    return physical_name(environment, name, limit=ID_LIMIT)


def user_id(environment: str, name: str) -> str:
    """IAM authentication needs the user's id and name to be the same, lower-case string.
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html (Limitations)"""
    return physical_name(environment, name, "app", limit=ID_LIMIT).lower()


def user_group_id(environment: str, name: str) -> str:
    """User group ids: a letter, then letters, digits and hyphens, stored lower-case (CreateUserGroup)."""
    return physical_name(environment, name, "users", limit=ID_LIMIT).lower()


def parameter_group(shards: int) -> str:
    return f"default.valkey{VALKEY_MAJOR}" + (".cluster.on" if shards > 1 else "")


def access_string(entities: Iterable[str]) -> str:
    """The workload's Valkey ACL: its entities' keys (`<entity>:<id>`) only, data commands only.

    `-@dangerous` after the grants removes KEYS, FLUSHALL, DEBUG and the like, so invalidation deletes the keys a
    change names instead of scanning; pub/sub channels stay closed (no `&` pattern)."""
    keys = " ".join(f"~{entity}:*" for entity in entities)
    return f"on {keys} -@all +@read +@write +@keyspace +@connection -@dangerous"


def key_prefixes(entities: Iterable[str]) -> str:
    return ",".join(f"{entity}:" for entity in entities)


def key_policy(account: str, region: str) -> str:
    """The cache's key: the account administers it; ElastiCache uses it only through the service in its region.
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html (customer managed keys)"""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "ElastiCacheViaService", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                    "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"elasticache.{region}.amazonaws.com"}}},
    ]}, sort_keys=True)


def connect_policy(cache_arn: str, user_arn: str) -> str:
    """IAM authentication: the node's role may connect to this cache as this user, nothing else.
    elasticache:Connect must name both the cache and the user (auth-iam.html)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ConnectAsCacheUser", "Effect": "Allow", "Action": "elasticache:Connect",
         "Resource": sorted([cache_arn, user_arn])},
    ]}, sort_keys=True)
