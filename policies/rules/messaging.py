"""Messaging rules: a dead-letter path on every queue (practice 3.3) and encryption at rest with customer-managed keys (5.1)."""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop

QUEUE_TYPES = {"aws:sqs/queue:Queue"}

# Types that hold messages at rest, with the property naming their key and the AWS-managed aliases
# that do not count as customer-managed.
ENCRYPTABLE = {
    "aws:sqs/queue:Queue": ("kmsMasterKeyId", "alias/aws/sqs"),
    "aws:sns/topic:Topic": ("kmsMasterKeyId", "alias/aws/sns"),
}
# Services that offer no customer-managed key: the rule says so instead of passing silently.
NO_CMK_OFFERED = {
    "aws:mq/broker:Broker": "Amazon MQ for RabbitMQ encrypts at rest with AWS-owned keys only",
}


def check_dead_letter(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in QUEUE_TYPES:
        raise NotApplicable("not a queue")
    redrive = json_prop(resource.props, "redrivePolicy")
    if isinstance(redrive, dict) and redrive.get("deadLetterTargetArn") and redrive.get("maxReceiveCount"):
        return
    if json_prop(resource.props, "redriveAllowPolicy"):
        return  # this queue is itself a dead-letter queue, fenced to its source queues
    yield "queue has no dead-letter queue: failed messages would retry forever or be lost"


def check_cmk(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type in NO_CMK_OFFERED:
        raise NotApplicable(NO_CMK_OFFERED[resource.type])
    if resource.type not in ENCRYPTABLE:
        raise NotApplicable("holds no messages at rest")
    prop, aws_managed = ENCRYPTABLE[resource.type]
    key = resource.props.get(prop)
    if not key:
        yield "not encrypted with a customer-managed KMS key"
    elif str(key) == aws_managed:
        yield "encrypted with the AWS-managed key, which cannot be scoped or audited per broker"


RULES = [
    Rule(id="dead-letter-queue-required",
         description="Every queue has a dead-letter queue with a bounded receive count (or is itself a fenced DLQ).",
         severity="high",
         remediation="Give the queue a redrivePolicy naming its DLQ and maxReceiveCount (the Broker component does "
                     "this from max_receive_count in the spec).",
         check=check_dead_letter, types=frozenset(QUEUE_TYPES)),
    Rule(id="broker-cmk-encryption",
         description="Queues and topics are encrypted at rest with a customer-managed KMS key where the service offers one.",
         severity="high",
         remediation="Set kmsMasterKeyId to the broker's customer-managed key (not alias/aws/*).",
         check=check_cmk, types=frozenset(ENCRYPTABLE) | frozenset(NO_CMK_OFFERED)),
]
