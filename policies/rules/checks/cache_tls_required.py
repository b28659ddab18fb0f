"""Caches accept TLS connections only (practice 5.1): plaintext Valkey/Redis exposes every key and value.

Azure Managed Redis's minimum TLS version is judged by azure-tls-minimum; this rule judges that plaintext is off."""

from __future__ import annotations

from typing import Iterable

from ..caches import CLUSTER, REDIS_DATABASE, REPLICATION_GROUP, SERVERLESS, engine, transit_encrypted
from ..framework import NotApplicable, Resource, Rule, RuleContext


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type == SERVERLESS:
        raise NotApplicable("ElastiCache Serverless always encrypts in transit (TLS only)")
    if resource.type == REPLICATION_GROUP:
        if not transit_encrypted(props):
            yield "replication group accepts plaintext: set transitEncryptionEnabled true"
        elif str(props.get("transitEncryptionMode") or "required") != "required":
            yield "replication group still accepts plaintext (transitEncryptionMode preferred): set it to required"
    elif resource.type == CLUSTER:
        if engine(props) != "memcached" and props.get("replicationGroupId"):
            raise NotApplicable("a member of a replication group takes its transit encryption from the group")
        if not transit_encrypted(props):
            yield "cache cluster accepts plaintext: set transitEncryptionEnabled true"
    elif resource.type == REDIS_DATABASE:
        if str(props.get("clientProtocol") or "Encrypted") != "Encrypted":
            yield "Azure Managed Redis database accepts plaintext: set clientProtocol Encrypted"
    else:
        raise NotApplicable("not a cache")


RULE = Rule(
    id="cache-tls-required", concern="tls-minimum",
    description="ElastiCache caches and Azure Managed Redis databases accept TLS connections only.",
    severity="high",
    remediation="ElastiCache: transitEncryptionEnabled true with transitEncryptionMode required (serverless is "
                "always TLS). Azure Managed Redis: clientProtocol Encrypted (and minimumTlsVersion 1.2).",
    check=check, types=frozenset({SERVERLESS, REPLICATION_GROUP, CLUSTER, REDIS_DATABASE}))
