"""ElastiCache for Valkey: a serverless cache or a node-based replication group, private, TLS only, encrypted at
rest with the cache's own customer-managed key, and IAM authentication through an RBAC user group.

Constraints followed (each checked against the ElastiCache documentation):
- IAM authentication needs Valkey (7.2+) or Redis OSS 7+, TLS in transit, and a user whose id and user name are
  the same lower-case string; the client's role needs `elasticache:Connect` on the cache and the user.
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
- A `valkey` user group may only hold users that authenticate (password or IAM): no password-less default user.
  On serverless caches RBAC is the only access control.
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html
- Serverless caches always encrypt in transit and at rest; node-based groups only when created so (the
  settings cannot be switched on later without replacing them).
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
- Multi-AZ needs automatic failover, which needs at least one replica per shard (the spec requires one).
  https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pulumi
from pulumi_aws import ec2, elasticache, kms

from ..spec.caches import CacheSpec
from . import documents


@dataclass(frozen=True)
class AwsCacheTarget:
    """Where an ElastiCache cache lives and who may reach it."""

    provider: pulumi.ProviderResource
    """The AWS provider of the cache's region."""
    region: str
    account: str
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list]
    """The region's private subnets (one per zone): the cache gets no public address at all."""
    vpc_cidr: str
    client_cidrs: tuple[str, ...]
    """The owner node's network (its cluster's VPC, or its site over the hybrid link): the only ingress."""


@dataclass
class BuiltAwsCache:
    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    port: int
    ports: tuple[int, ...]
    user: pulumi.Output[str]
    user_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]


def build(parent: pulumi.Resource, name: str, spec: CacheSpec, environment: str, target: AwsCacheTarget,
          tags: Mapping[str, str], protect: bool, key_deletion_days: int) -> BuiltAwsCache:
    opts = pulumi.ResourceOptions(parent=parent, provider=target.provider)
    stateful = pulumi.ResourceOptions(parent=parent, provider=target.provider, protect=protect)
    ident = documents.cache_id(environment, spec.name)
    serverless = spec.size.mode == "serverless"
    ports = (documents.VALKEY_PORT, documents.SERVERLESS_READER_PORT) if serverless else (documents.VALKEY_PORT,)

    key = kms.Key(f"{name}-key", description=f"{environment} cache {spec.name} data at rest",
                  enable_key_rotation=True, deletion_window_in_days=key_deletion_days,
                  policy=documents.key_policy(target.account, target.region), tags=dict(tags), opts=stateful)
    kms.Alias(f"{name}-key-alias", name=f"alias/{environment}-cache-{spec.name}", target_key_id=key.key_id, opts=opts)
    group = ec2.SecurityGroup(
        f"{name}-sg", vpc_id=target.vpc_id, description=f"Valkey clients of cache {spec.name}: its owner node only",
        ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=port, to_port=port, cidr_blocks=list(target.client_cidrs),
                                              description=f"Valkey over TLS from {spec.invalidation.node}")
                 for port in ports],
        egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=0, to_port=65535, cidr_blocks=[target.vpc_cidr],
                                            description="nothing leaves the VPC (no allow-all default egress)")],
        tags=dict(tags), opts=opts)

    uid = documents.user_id(environment, spec.name)
    user = elasticache.User(f"{name}-user", user_id=uid, user_name=uid, engine="valkey",
                            access_string=documents.access_string(spec.entities),
                            authentication_mode=elasticache.UserAuthenticationModeArgs(type="iam"),
                            tags=dict(tags), opts=opts)
    users = elasticache.UserGroup(f"{name}-users", user_group_id=documents.user_group_id(environment, spec.name),
                                  engine="valkey", user_ids=[user.user_id], tags=dict(tags), opts=opts)
    if serverless:
        cache = elasticache.ServerlessCache(
            f"{name}-cache", name=ident, engine="valkey", major_engine_version=documents.VALKEY_MAJOR,
            description=f"{environment} cache of {', '.join(spec.entities)} (owner {spec.owner})",
            kms_key_id=key.arn, security_group_ids=[group.id], subnet_ids=target.subnet_ids,
            user_group_id=users.user_group_id,
            cache_usage_limits=elasticache.ServerlessCacheCacheUsageLimitsArgs(
                data_storage=elasticache.ServerlessCacheCacheUsageLimitsDataStorageArgs(
                    maximum=spec.size.max_storage_gb, unit="GB"),
                ecpu_per_seconds=[elasticache.ServerlessCacheCacheUsageLimitsEcpuPerSecondArgs(
                    maximum=spec.size.max_ecpu_per_second)]),
            snapshot_retention_limit=7 if protect else 1, tags=dict(tags), opts=stateful)
        endpoint = cache.endpoints.apply(lambda e: e[0].address if e else None)
    else:
        subnets = elasticache.SubnetGroup(f"{name}-subnets", name=ident, subnet_ids=target.subnet_ids,
                                          description=f"private subnets of cache {spec.name}", tags=dict(tags), opts=opts)
        clustered = spec.size.shards > 1
        cache = elasticache.ReplicationGroup(
            f"{name}-cache", replication_group_id=ident, description=f"{environment} cache of {', '.join(spec.entities)}",
            engine="valkey", engine_version=documents.VALKEY_VERSION,
            parameter_group_name=documents.parameter_group(spec.size.shards),
            cluster_mode="enabled" if clustered else "disabled", node_type=spec.size.node_type,
            num_node_groups=spec.size.shards, replicas_per_node_group=spec.size.replicas,
            automatic_failover_enabled=True, multi_az_enabled=True, port=documents.VALKEY_PORT,
            transit_encryption_enabled=True, transit_encryption_mode="required",
            at_rest_encryption_enabled=True, kms_key_id=key.arn, user_group_ids=[users.user_group_id],
            subnet_group_name=subnets.name, security_group_ids=[group.id],
            snapshot_retention_limit=7 if protect else 1, auto_minor_version_upgrade=True,
            tags=dict(tags), opts=stateful)
        endpoint = cache.configuration_endpoint_address if clustered else cache.primary_endpoint_address
    return BuiltAwsCache(arn=cache.arn, endpoint=endpoint, port=documents.VALKEY_PORT, ports=ports,
                         user=user.user_name, user_arn=user.arn, key_arn=key.arn)
