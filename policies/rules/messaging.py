"""Messaging rules: a dead-letter path on every queue (practice 3.3) and encryption at rest with customer-managed keys (5.1).

Transport, exposure and authentication rules live in messaging_transport; lag alarms in messaging_alarms.
"""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop

QUEUE_TYPES = {"aws:sqs/queue:Queue"}
SERVICE_BUS_PATHS = {"azure-native:servicebus:Queue", "azure-native:servicebus:Subscription"}
RABBITMQ_QUEUE = "kubernetes:rabbitmq.com/v1beta1:Queue"

# Types that hold messages at rest, with the property naming their key and the AWS-managed aliases
# that do not count as customer-managed.
ENCRYPTABLE = {
    "aws:sqs/queue:Queue": ("kmsMasterKeyId", "alias/aws/sqs"),
    "aws:sns/topic:Topic": ("kmsMasterKeyId", "alias/aws/sns"),
    "aws:msk/cluster:Cluster": ("encryptionInfo.encryptionAtRestKmsKeyArn", "alias/aws/kafka"),
    "aws:dynamodb/table:Table": ("serverSideEncryption.kmsKeyArn", "alias/aws/dynamodb"),
}
AZURE_NAMESPACES = {"azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace"}
# Services that offer no customer-managed key: the rule says so instead of passing silently.
NO_CMK_OFFERED = {
    "aws:mq/broker:Broker": "Amazon MQ for RabbitMQ encrypts at rest with AWS-owned keys only",
}


def _path(props, dotted: str):
    value = props
    for part in dotted.split("."):
        value = value.get(part) if hasattr(value, "get") else None
    return value


def check_dead_letter(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type in SERVICE_BUS_PATHS:
        if resource.props.get("forwardTo"):
            if not resource.props.get("maxDeliveryCount"):
                yield "forwarding subscription has no maxDeliveryCount: a message that cannot be forwarded retries forever"
            return  # the destination queue's own dead-letter settings apply after forwarding
        if not resource.props.get("maxDeliveryCount") or resource.props.get("deadLetteringOnMessageExpiration") is not True:
            yield "no dead-letter path: set maxDeliveryCount and deadLetteringOnMessageExpiration"
        return
    if resource.type == RABBITMQ_QUEUE:
        spec = resource.props.get("spec") or {}
        args = spec.get("arguments") or {}
        if args.get("x-dead-letter-exchange") and args.get("x-delivery-limit"):
            return
        if str(spec.get("name", "")).endswith("-dlq"):
            return  # a dead-letter queue is the end of the path
        yield "queue has no dead-letter exchange and delivery limit: poison messages would redeliver forever"
        return
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
    if resource.type in AZURE_NAMESPACES:
        tier = str(_path(resource.props, "sku.name") or "")
        if tier not in ("Premium", "Dedicated"):
            raise NotApplicable("customer-managed keys need the Premium tier; Standard namespaces use Microsoft-managed keys")
        if _path(resource.props, "encryption.keySource") != "Microsoft.KeyVault":
            yield "Premium namespace not encrypted with a customer-managed Key Vault key"
        return
    if resource.type not in ENCRYPTABLE:
        raise NotApplicable("holds no messages at rest")
    prop, aws_managed = ENCRYPTABLE[resource.type]
    key = _path(resource.props, prop)
    if not key:
        yield "not encrypted with a customer-managed KMS key"
    elif str(key) == aws_managed:
        yield "encrypted with the AWS-managed key, which cannot be scoped or audited per broker"


RULES = [
    Rule(id="dead-letter-queue-required",
         description="Every queue and subscription (SQS, Service Bus, RabbitMQ) has a dead-letter path with a bounded "
                     "delivery count (or is itself a dead-letter queue).",
         severity="high",
         remediation="Give the queue a redrivePolicy naming its DLQ and maxReceiveCount (the Broker component does "
                     "this from max_receive_count in the spec).",
         check=check_dead_letter, types=frozenset(QUEUE_TYPES | SERVICE_BUS_PATHS | {RABBITMQ_QUEUE})),
    Rule(id="broker-cmk-encryption",
         description="Queues and topics are encrypted at rest with a customer-managed KMS key where the service offers one.",
         severity="high",
         remediation="Set the resource's key to the broker's customer-managed KMS key (not alias/aws/*); on Azure "
                     "Premium namespaces, encryption.keySource Microsoft.KeyVault with a Key Vault key.",
         check=check_cmk, types=frozenset(ENCRYPTABLE) | frozenset(NO_CMK_OFFERED) | frozenset(AZURE_NAMESPACES)),
]
