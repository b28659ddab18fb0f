"""Spec models for brokers: the asynchronous backbone.

Practices 1.1 (async vs sync), 1.3 and 3.1 (brokers chosen by durability and ordering), 3.2 (schemas with
compatibility rules), 3.3 (DLQs), 3.4 (retries), 3.5 (partitioning), 3.6 (lag alarms), 1.6 (idempotency).
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from .base import Name, SecretRef, SpecModel

BrokerKind = Literal["sqs-sns", "amazon-mq-rabbitmq", "msk", "service-bus", "event-hubs", "strimzi-kafka",
                     "rabbitmq-operator"]
KIND_CLOUD: dict[str, str] = {
    "sqs-sns": "aws", "amazon-mq-rabbitmq": "aws", "msk": "aws",
    "service-bus": "azure", "event-hubs": "azure",
    "strimzi-kafka": "kubernetes", "rabbitmq-operator": "kubernetes",
}
QUEUE_KINDS = frozenset({"sqs-sns", "service-bus", "rabbitmq-operator"})
STREAM_KINDS = frozenset({"msk", "event-hubs", "strimzi-kafka"})
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


class BrokerSize(SpecModel):
    instance_type: Optional[str] = Field(default=None, description="Amazon MQ / MSK instance type")
    nodes: Optional[int] = Field(default=None, ge=1, le=30, description="MSK brokers, in-cluster replicas")
    storage_gb: int = Field(default=100, ge=1, le=16384,
                            description="storage per broker node, GiB (MSK, in-cluster brokers)")
    storage_class: Optional[str] = Field(default=None, description="in-cluster brokers: StorageClass name")
    cpu: str = Field(default="1", pattern=r"^\d+(m|\.\d+)?$",
                     description="in-cluster brokers: CPU per node, as a Kubernetes quantity")
    memory: str = Field(default="4Gi", pattern=r"^\d+(Mi|Gi)$",
                        description="in-cluster brokers: memory per node, as a Kubernetes quantity")


class BrokerSlo(SpecModel):
    """Practice 6.4: alarm thresholds from the business impact of a stuck consumer."""

    max_message_age_seconds: int = Field(default=600, ge=60,
                                         description="alarm when the oldest waiting message is older than this")
    max_dead_letters: int = Field(default=0, ge=0, description="alarm when a DLQ holds more than this")
    max_consumer_lag: int = Field(default=10000, ge=1, description="messages a consumer group may trail by")
    max_backlog: int = Field(default=10000, ge=1, description="messages waiting in a queue or broker")


class BrokerSpec(SpecModel):
    """One cloud-agnostic broker entry; `kind` picks the backend."""

    name: Name
    kind: BrokerKind = Field(description="the backend that runs the broker; decides its cloud")
    cloud: Literal["aws", "azure", "kubernetes"] = Field(default=None, validate_default=False,  # type: ignore[assignment]
                                                         description="derived from kind", examples=["aws"])
    region: Optional[str] = Field(default=None, description="AWS region or Azure location (cloud kinds)")
    cluster: Optional[Name] = Field(default=None, description="cluster name (kubernetes kinds)")
    standby_region: Optional[str] = Field(default=None, description="sqs-sns: region of a warm standby copy")
    owner: str = Field(description="owning team, used in tags and the catalog")
    client_auth: Optional[Literal["iam", "scram", "tls"]] = Field(
        default=None, description="Kafka client authentication; default iam on MSK, tls on Strimzi")
    admin_password: Optional[SecretRef] = Field(default=None, description="amazon-mq-rabbitmq: admin password")
    size: BrokerSize = Field(default_factory=BrokerSize,
                             description="instance type, node count and storage (kinds that have them)")
    slo: BrokerSlo = Field(default_factory=BrokerSlo,
                           description="alarm thresholds for the broker's queues, streams and consumers")
    queues: list[QueueSpec] = Field(default_factory=list,
                                    description="queues (queue kinds: sqs-sns, service-bus, rabbitmq-operator)")
    topics: list[TopicSpec] = Field(default_factory=list,
                                    description="topics fanning out to this broker's queues (queue kinds)")
    streams: list[StreamSpec] = Field(default_factory=list,
        description="partitioned streams: Kafka topics or event hubs (stream kinds: msk, event-hubs, strimzi-kafka)")

    @model_validator(mode="before")
    @classmethod
    def _cloud_from_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("cloud") is None and data.get("kind") in KIND_CLOUD:
            data = {**data, "cloud": KIND_CLOUD[data["kind"]]}
        return data

    @model_validator(mode="after")
    def _not_empty(self) -> "BrokerSpec":
        if KIND_CLOUD[self.kind] != self.cloud:
            raise ValueError(f"kind {self.kind} runs on {KIND_CLOUD[self.kind]}, not {self.cloud}")
        if self.kind in QUEUE_KINDS and not self.queues and not self.topics:
            raise ValueError("a broker needs at least one queue or topic")
        if self.kind in STREAM_KINDS and not self.streams:
            raise ValueError(f"a {self.kind} broker needs at least one stream")
        return self

    @property
    def placement(self) -> str:
        return self.region if self.region else f"cluster:{self.cluster}"


class Messaging(SpecModel):
    brokers: list[BrokerSpec] = Field(default_factory=list,
        description="message brokers, one backend each (SQS/SNS, Amazon MQ, MSK, Service Bus, Event Hubs or in-cluster)")

    def secret_keys(self) -> set[str]:
        return {b.admin_password.secret for b in self.brokers if b.admin_password}
