"""Stateful resources are protected in production (no accidental `pulumi destroy` of data or keys)."""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext

# Resources whose loss loses data, messages, keys or names others depend on.
STATEFUL = {
    "aws:kms/key:Key", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
    "aws:secretsmanager/secret:Secret", "aws:dynamodb/table:Table", "aws:route53/zone:Zone",
    "aws:mq/broker:Broker", "aws:msk/cluster:Cluster", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
    "aws:ec2/vpnConnection:VpnConnection",
    "azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace", "azure-native:keyvault:Vault",
}


def check_protected(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in STATEFUL:
        raise NotApplicable("not a stateful resource")
    if ctx.tier != "production":
        raise NotApplicable("protection is required in production tiers only")
    if not resource.protect:
        yield "stateful resource is not protected: a destroy or replacement would lose its data"


RULES = [
    Rule(id="protect-stateful-resources",
         description="Stateful resources (brokers, queues, topics, keys, secrets, DNS zones, VPN connections) are "
                     "protected in production.",
         severity="high",
         remediation="Create the resource with ResourceOptions(protect=True) (components do this when the tier is "
                     "production).",
         check=check_protected, types=frozenset(STATEFUL)),
]
