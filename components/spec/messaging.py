"""Spec models for what brokers carry (queues, topics, streams, schemas) and how they are sized and alarmed.

Practices 1.1 (async vs sync), 1.3 and 3.1 (brokers chosen by durability and ordering), 3.2 (schemas with
compatibility rules), 3.3 (DLQs), 3.4 (retries), 3.5 (partitioning), 3.6 (lag alarms), 1.6 (idempotency).
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from .base import Name, SpecModel

Compatibility = Literal["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
                        "FULL_TRANSITIVE", "NONE"]
SCHEMA_FORMATS = {".avsc": "AVRO", ".json": "JSON", ".proto": "PROTOBUF"}


class SchemaBinding(SpecModel):
    """Binds a queue, topic or stream to an event schema file in the repository (practice 3.2)."""

    file: str = Field(pattern=r"^schemas/[\w./-]+\.(avsc|json|proto)$",
                      description="schemas/<...>.avsc (Avro), .json (JSON Schema) or .proto (Protobuf)")
    compatibility: Compatibility = Field(default="BACKWARD", description="rule every new version must keep")

    @property
    def format(self) -> str:
        return SCHEMA_FORMATS["." + self.file.rsplit(".", 1)[-1]]


class IdempotencySpec(SpecModel):
    """Practice 1.6: consumers drop duplicates by a key remembered for a window."""

    key: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$",
                     description="message attribute / header holding the idempotency key")
    window_seconds: int = Field(default=86400, ge=60, le=604800, description="how long a key is remembered")


class QueueSpec(SpecModel):
    name: Name
    fifo: bool = Field(default=False,
        description="ordered delivery: an SQS FIFO queue, a Service Bus queue with sessions, a RabbitMQ queue "
                    "with a single active consumer")
    content_based_deduplication: bool = Field(default=True, description="FIFO only: dedupe on a body hash")
    visibility_timeout_seconds: int = Field(default=30, ge=0, le=43200,
                                            description="SQS visibility / Service Bus lock duration")
    retention_seconds: int = Field(default=345600, ge=60, le=1209600,
                                   description="how long an unconsumed message is kept")
    max_receive_count: int = Field(default=5, ge=1, le=1000, description="deliveries before the DLQ")
    dlq_retention_seconds: int = Field(default=1209600, ge=60, le=1209600,
                                       description="how long a dead-lettered message is kept")
    idempotency: Optional[IdempotencySpec] = Field(default=None,
                                                   description="duplicate suppression for the queue's consumers")
    event_schema: Optional[SchemaBinding] = Field(default=None, alias="schema",
                                                  description="event schema the queue's messages follow")


class TopicSpec(SpecModel):
    name: Name
    fifo: bool = Field(default=False, description="ordered topic (SNS FIFO); its subscribers must be FIFO queues")
    subscribers: list[str] = Field(
        default_factory=list, description="names of this broker's queues the topic fans out to")
    event_schema: Optional[SchemaBinding] = Field(default=None, alias="schema",
                                                  description="event schema the topic's messages follow")


class ConsumerGroupSpec(SpecModel):
    name: Name
    max_lag: Optional[int] = Field(default=None, ge=1, description="lag alarm threshold; default the broker's slo")
    idempotency: Optional[IdempotencySpec] = Field(default=None,
                                                   description="duplicate suppression for this group's consumers")


class StreamSpec(SpecModel):
    """A Kafka topic or an event hub: partitions carry ordering per key (practice 3.5)."""

    name: Name
    partitions: int = Field(default=3, ge=1, le=1024, description="partition count; ordering holds per partition key")
    replication_factor: Optional[int] = Field(default=None, ge=1, le=7, description="Kafka only; default 3")
    retention_hours: int = Field(default=168, ge=1, le=8760, description="how long records are kept")
    partition_key: Optional[str] = Field(default=None, description="field whose values keep their order")
    dead_letter: bool = Field(default=True, description="also create <name>-dlq for messages consumers give up on")
    consumer_groups: list[ConsumerGroupSpec] = Field(default_factory=list,
        description="consumer groups reading the stream, each with a lag alarm")
    event_schema: Optional[SchemaBinding] = Field(default=None, alias="schema",
                                                  description="event schema the stream's records follow")


class AmazonMqSize(SpecModel):
    instance_type: Optional[str] = Field(default=None, description="Amazon MQ host instance type; default by tier")


class MskSize(SpecModel):
    instance_type: Optional[str] = Field(default=None, description="MSK broker instance type; default by tier")
    nodes: Optional[int] = Field(default=None, ge=1, le=30,
                                 description="MSK brokers, a multiple of the three zones; default by tier")
    storage_gb: int = Field(default=100, ge=1, le=16384, description="storage per broker node, GiB")


class InClusterSize(SpecModel):
    nodes: Optional[int] = Field(default=None, ge=1, le=30, description="broker replicas; default 3")
    storage_gb: int = Field(default=100, ge=1, le=16384, description="storage per broker node, GiB")
    storage_class: Optional[str] = Field(default=None, description="StorageClass name; default the cluster's")
    cpu: str = Field(default="1", pattern=r"^\d+(m|\.\d+)?$", description="CPU per node, as a Kubernetes quantity")
    memory: str = Field(default="4Gi", pattern=r"^\d+(Mi|Gi)$", description="memory per node, as a Kubernetes quantity")


class BrokerSlo(SpecModel):
    """Practice 6.4: alarm thresholds from the business impact of a stuck consumer."""

    max_message_age_seconds: int = Field(default=600, ge=60,
                                         description="alarm when the oldest waiting message is older than this")
    max_dead_letters: int = Field(default=0, ge=0, description="alarm when a DLQ holds more than this")
    max_consumer_lag: int = Field(default=10000, ge=1, description="messages a consumer group may trail by")
    max_backlog: int = Field(default=10000, ge=1, description="messages waiting in a queue or broker")
