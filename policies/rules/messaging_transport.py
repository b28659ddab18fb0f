"""Broker shapes shared by the transport, exposure and authentication rules (practices 5.1, 5.4, 5.5)."""

from __future__ import annotations

from typing import Any

from .documents import statements
from .values import as_list, get as _get, maps

MQ = "aws:mq/broker:Broker"
MSK = "aws:msk/cluster:Cluster"
AZURE_NAMESPACES = {"azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace"}
STRIMZI_KAFKA = "kubernetes:kafka.strimzi.io/v1beta2:Kafka"
RABBITMQ_CLUSTER = "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster"
AWS_RESOURCE_POLICIES = {"aws:sqs/queuePolicy:QueuePolicy": "policy", "aws:sns/topicPolicy:TopicPolicy": "policy"}
TLS_OK = {"1.2", "1.3"}
INTERNAL_LISTENERS = {"internal", "cluster-ip"}


def get(props: Any, dotted: str) -> Any:
    return _get(props, *dotted.split("."))


def listeners(props: Any) -> list:
    return maps(get(props, "spec.kafka.listeners"))


def denies_plain_transport(document: Any) -> bool:
    for statement in statements(document):
        secure = [str(v).lower() for v in as_list(_get(statement, "Condition", "Bool", "aws:SecureTransport"))]
        if str(statement.get("Effect")) == "Deny" and "false" in secure:
            return True
    return False
