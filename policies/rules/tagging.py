"""Ownership tags (practice 7.5, service catalog): every taggable resource says whose it is and what it costs."""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop

# Types the blueprint creates that accept tags. A test fails when a planned type is in neither set.
TAGGABLE = {
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:kms/key:Key", "aws:sqs/queue:Queue", "aws:sns/topic:Topic",
    "azure-native:resources:ResourceGroup", "azure-native:network:VirtualNetwork",
}
UNTAGGABLE = {
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:kms/alias:Alias", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription", "azure-native:network:Subnet",
}


def effective_tags(resource: Resource) -> dict:
    """The resource's tags over its AWS provider's default tags, as AWS applies them."""
    tags: dict = {}
    default = json_prop(resource.provider_props, "defaultTags") if resource.provider_props else None
    if isinstance(default, dict):
        tags.update(default.get("tags") or {})
    own = resource.props.get("tags")
    if isinstance(own, dict) or hasattr(own, "keys"):
        tags.update({k: own[k] for k in own.keys()})
    return tags


def check_tags(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in TAGGABLE:
        raise NotApplicable("resource type takes no tags")
    required = list(ctx.config.get("requiredTags") or [])
    missing = [key for key in required if key not in effective_tags(resource)]
    if missing:
        yield f"missing required tags: {', '.join(missing)}"


RULES = [
    Rule(id="required-tags",
         description="Taggable resources carry the required ownership and cost tags (own or provider default tags).",
         severity="medium",
         remediation="Add the tags to the environment spec's tags (they flow to every provider's default tags) "
                     "or to the resource.",
         check=check_tags, types=frozenset(TAGGABLE),
         config_properties={"requiredTags": {"type": "array", "items": {"type": "string"}}}),
]
