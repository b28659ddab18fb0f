"""Messaging shapes shared by the messaging rules (checks/dead_letter_queue_required, broker_cmk_encryption)."""

from __future__ import annotations

QUEUE_TYPES = {"aws:sqs/queue:Queue"}
SERVICE_BUS_PATHS = {"azure-native:servicebus:Queue", "azure-native:servicebus:Subscription"}
RABBITMQ_QUEUE = "kubernetes:rabbitmq.com/v1beta1:Queue"
DEAD_LETTER_SUFFIX = "-dlq"
"""The blueprint names every dead-letter queue `<source>-dlq` (components/messaging); the rules read the same."""


def is_dead_letter_name(name: object) -> bool:
    """A dead-letter queue by its name (a FIFO queue's `.fifo` suffix comes after the DLQ suffix)."""
    return str(name or "").removesuffix(".fifo").endswith(DEAD_LETTER_SUFFIX)

# Types that hold messages at rest, with the property naming their key and the AWS-managed aliases
# that do not count as customer-managed.
ENCRYPTABLE = {
    "aws:sqs/queue:Queue": ("kmsMasterKeyId", "alias/aws/sqs"),
    "aws:sns/topic:Topic": ("kmsMasterKeyId", "alias/aws/sns"),
    "aws:msk/cluster:Cluster": ("encryptionInfo.encryptionAtRestKmsKeyArn", "alias/aws/kafka"),
    "aws:dynamodb/table:Table": ("serverSideEncryption.kmsKeyArn", "alias/aws/dynamodb"),
}
# Types whose replicas in other regions each name their own key: (list input, key property, region property).
# A global table replica without kmsKeyArn falls back to the AWS-managed alias/aws/dynamodb of its region
# (https://www.pulumi.com/registry/packages/aws/api-docs/dynamodb/table/, replicas[].kmsKeyArn).
REPLICA_KEYS = {
    "aws:dynamodb/table:Table": ("replicas", "kmsKeyArn", "regionName"),
}
AZURE_NAMESPACES = {"azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace"}
# Services that offer no customer-managed key: the rule says so instead of passing silently.
NO_CMK_OFFERED = {
    "aws:mq/broker:Broker": "Amazon MQ for RabbitMQ encrypts at rest with AWS-owned keys only",
}
