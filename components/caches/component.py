"""Cache: one cache of entity copies on the engine its spec names (practice 4.4).

The cache answers only its owner node, over TLS, as an identity (IAM on AWS, Microsoft Entra on Azure), never
with a shared password. The invalidation path itself is the broker's (the change topic's subscription to the
invalidation queue) and the node's (it consumes that queue); the cache adds what the node needs to apply it:
where the cache is, the TTL every entry gets, and the grant to connect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Union

import pulumi

from ..spec.caches import CacheSpec
from . import azure_redis, documents, elasticache
from .azure_redis import AzureCacheTarget
from .elasticache import AwsCacheTarget


@dataclass(frozen=True)
class CacheArgs:
    spec: CacheSpec
    """The cache's spec entry."""
    environment: str
    """Environment name: the prefix of physical names."""
    target: Union[AwsCacheTarget, AzureCacheTarget]
    """Where the cache runs (its cloud follows the engine) and who may reach it."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Ownership and cost tags (beside the providers' default tags)."""
    protect: bool = False
    """Protect the cache and its key from deletion: true in production."""
    key_deletion_days: int = 7
    """KMS key deletion window (AWS)."""


class Cache(pulumi.ComponentResource):
    engine: str
    endpoint: pulumi.Output[str]
    """Host name the node connects to (TLS)."""
    port: int
    ports: tuple[int, ...]
    """Every port the node may need (ElastiCache Serverless reads replicas on port + 1)."""
    arn: pulumi.Output[str]
    """The cache's ARN (AWS) or database resource id (Azure)."""
    user: pulumi.Output[str]
    """Who the node connects as: the IAM-authenticated user (AWS) or the Entra identity's object id (Azure)."""
    connect_policy: Optional[pulumi.Output[str]]
    """AWS: the IAM policy that lets the node's role connect as that user; None on Azure."""
    azure_client_id: Optional[pulumi.Output[str]]
    """Azure: the client id of the identity the node signs in as; None on AWS."""
    key_arn: Optional[pulumi.Output[str]]
    ttl_seconds: int
    key_prefixes: str

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:data:Cache", name, None, opts)
        spec = args.spec
        self.engine = spec.engine
        self.ttl_seconds = spec.ttl_seconds
        self.key_prefixes = documents.key_prefixes(spec.entities)
        tags = {**args.tags, "component": "cache", "cache": spec.name, "owner": spec.owner}
        if isinstance(args.target, AwsCacheTarget):
            built = elasticache.build(self, name, spec, args.environment, args.target, tags, args.protect,
                                      args.key_deletion_days)
            self.connect_policy = pulumi.Output.all(built.arn, built.user_arn).apply(
                lambda a: documents.connect_policy(a[0], a[1]))
            self.azure_client_id = None
            self.key_arn = built.key_arn
        else:
            built = azure_redis.build(self, name, spec, args.environment, args.target, tags, args.protect)
            self.connect_policy = None
            self.azure_client_id = built.client_id
            self.key_arn = None
        self.endpoint, self.port, self.ports = built.endpoint, built.port, built.ports
        self.arn, self.user = built.arn, built.user
        self.register_outputs({"engine": self.engine, "endpoint": self.endpoint, "port": self.port, "arn": self.arn,
                               "user": self.user, "ttl_seconds": self.ttl_seconds, "key_prefixes": self.key_prefixes})
