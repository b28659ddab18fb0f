"""No cache reachable from the internet (practice 5.5)."""

from __future__ import annotations

from typing import Iterable

from ..caches import CLUSTER, REDIS_ENTERPRISE, REPLICATION_GROUP, SERVERLESS
from ..framework import NotApplicable, Resource, Rule, RuleContext


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type in (SERVERLESS, REPLICATION_GROUP, CLUSTER):
        raise NotApplicable("ElastiCache has no public endpoint: it answers only inside its VPC's subnets "
                            "(its security group decides who, judged by no-open-ingress)")
    if resource.type == REDIS_ENTERPRISE:
        if resource.props.get("publicNetworkAccess") != "Disabled":
            yield "Azure Managed Redis is reachable from the internet: set publicNetworkAccess Disabled and use a private endpoint"
    else:
        raise NotApplicable("not a cache")


RULE = Rule(
    id="cache-not-public", concern="public-broker-exposure",
    description="No cache is reachable from the internet.",
    severity="critical",
    remediation="Azure Managed Redis: publicNetworkAccess Disabled with a private endpoint; ElastiCache stays in "
                "private subnets behind a security group admitting its clients' networks only.",
    check=check, types=frozenset({SERVERLESS, REPLICATION_GROUP, CLUSTER, REDIS_ENTERPRISE}))
