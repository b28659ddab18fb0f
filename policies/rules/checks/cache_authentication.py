"""Cache clients authenticate as identities, not with a shared or absent password (practice 5.4).

ElastiCache: an RBAC user group on every cache (without one a serverless cache or replication group lets any
client in its network in as the default user), and no password-less users; Azure Managed Redis: access keys
off, so Microsoft Entra ID (access policy assignments) is the only way in."""

from __future__ import annotations

from typing import Iterable

from ..caches import CLUSTER, REDIS_DATABASE, REPLICATION_GROUP, SERVERLESS, USER, engine, has_user_group
from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..values import dotted, flag


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type in (SERVERLESS, REPLICATION_GROUP):
        if not has_user_group(props):
            if resource.type == REPLICATION_GROUP and props.get("authToken"):
                yield ("replication group authenticates with one shared AUTH token: use an RBAC user group "
                       "(IAM or per-user passwords)")
            else:
                yield "cache has no RBAC user group: any client in its network connects as the default user"
    elif resource.type == USER:
        mode = str(dotted(resource.props, "authenticationMode.type") or "")
        if flag(props.get("noPasswordRequired"), False) or mode == "no-password-required":
            yield "cache user needs no password: authenticate it with IAM or passwords"
    elif resource.type == CLUSTER:
        if engine(props) == "memcached":
            raise NotApplicable("Memcached clusters have no user authentication (SASL needs Memcached 1.6.12 "
                                "in-transit encryption and is configured on the client side)")
        if props.get("replicationGroupId"):
            raise NotApplicable("a member of a replication group takes its authentication from the group")
        yield "a standalone Valkey/Redis OSS cluster cannot take an RBAC user group: use a replication group"
    elif resource.type == REDIS_DATABASE:
        if str(props.get("accessKeysAuthentication") or "Enabled") != "Disabled":
            yield "Azure Managed Redis database accepts access keys: set accessKeysAuthentication Disabled"
    else:
        raise NotApplicable("not a cache")


RULE = Rule(
    id="cache-authentication", concern="client-authentication",
    description="Caches authenticate each client identity: RBAC user groups on ElastiCache, Entra ID only on Azure "
                "Managed Redis.",
    severity="high",
    remediation="ElastiCache: userGroupIds / userGroupId naming a group of IAM-authenticated users (the Cache "
                "component builds one per cache). Azure Managed Redis: accessKeysAuthentication Disabled and an "
                "access policy assignment per client identity.",
    check=check, types=frozenset({SERVERLESS, REPLICATION_GROUP, USER, CLUSTER, REDIS_DATABASE}))
