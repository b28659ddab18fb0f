"""Broker kinds: one spec model per kind, each with only its own fields and its own checks.

`BrokerSpec` is their union, discriminated on `kind`. What the rest of the spec asks of a broker in general
(its queues, its regions, the schemas it binds) is a method of `BrokerBase`; what only some kinds can do is a
mixin (`QueueBroker`, `StreamBroker`) or a class attribute (`consumable_by_nodes`, `no_standby`). Adding a
kind means one model here, listed in `BrokerSpec`; components/messaging/kinds.py maps it to its builder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Iterator, Literal, Optional, Union

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .base import Name, Problem, SecretRef, SpecModel, unresolved_secret
from .messaging import (AmazonMqSize, BrokerSlo, InClusterSize, MskSize, QueueSpec, SchemaBinding, StreamSpec,
                        TopicSpec)

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


class BrokerBase(SpecModel):
    """What every broker has: a name, an owner, alarm thresholds; its kind decides the rest."""

    name: Name
    kind: str = Field(description="the backend that runs the broker; decides its cloud and its fields")
    owner: str = Field(description="owning team, used in tags and the catalog")
    slo: BrokerSlo = Field(default_factory=BrokerSlo,
                           description="alarm thresholds for the broker's queues, streams and consumers")

    cloud: ClassVar[str]
    """aws, azure or kubernetes: where the kind runs."""
    dedup_store: ClassVar[bool] = False
    """Whether the kind's backend builds a deduplication store for consumers asking for idempotency."""
    consumable_by_nodes: ClassVar[bool] = False
    """Whether processing nodes can consume its queues and publish to its topics (SQS through IRSA)."""
    scopes_azure_integrations: ClassVar[bool] = False
    """Whether an integration in the Azure location can scope its metric alerts to it."""
    no_standby: ClassVar[Optional[str]] = None
    """Why the kind does not fail over with the AWS region (the drill reports it); None: it has a standby copy."""
    absent_fields: ClassVar[dict[str, str]] = {}
    """Hints for fields other kinds have and this one refuses."""

    # ---- what the rest of the spec reads of any broker ------------------------------------------------------

    def queue_specs(self) -> list[QueueSpec]:
        return []

    def topic_specs(self) -> list[TopicSpec]:
        return []

    def stream_specs(self) -> list[StreamSpec]:
        return []

    def copy_regions(self) -> tuple[str, ...]:
        """The cloud regions the broker has a copy in, its own first; empty for in-cluster brokers."""
        return ()

    @property
    def placement(self) -> str:
        """Its region or Azure location, or `cluster:<name>`."""
        raise NotImplementedError

    def secret_keys(self) -> set[str]:
        """Secret config keys the broker's spec references."""
        return set()

    def schema_bindings(self) -> Iterator[tuple[str, str, SchemaBinding]]:
        """(field path, queue/topic/stream name, binding) for everything the broker binds to a schema."""
        for field, items in (("queues", self.queue_specs()), ("topics", self.topic_specs()),
                             ("streams", self.stream_specs())):
            for j, item in enumerate(items):
                if item.event_schema is not None:
                    yield f"{field}[{j}].schema", item.name, item.event_schema

    # ---- checks ----------------------------------------------------------------------------------------------

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        """Cross-field problems under `base` (messaging.brokers[i]); mixins and kinds extend this."""
        for path, _, binding in self.schema_bindings():
            yield from self.schema_problems(f"{base}.{path}", binding)
            if ".." in Path(binding.file).parts:
                yield f"{base}.{path}.file", "expected a path inside schemas/ (no `..`)"
            elif root is not None and not (root / binding.file).is_file():
                yield f"{base}.{path}.file", f"schema file {binding.file} not found; expected a file under schemas/"
        if not self.dedup_store:
            for path in self.idempotency_paths(base):
                yield path, (f"kind {self.kind} has no deduplication store here; expected one of "
                             f"{', '.join(kinds_where(lambda m: m.dedup_store))}, or deduplicate in the consumer")

    def schema_problems(self, path: str, binding: SchemaBinding) -> Iterator[Problem]:
        """What the kind's registry refuses of a binding (none by default)."""
        return iter(())

    def idempotency_paths(self, base: str) -> list[str]:
        return []

    # ---- a field another kind has: name the kinds that have it ---------------------------------------------

    @model_validator(mode="wrap")
    @classmethod
    def _refuse_other_kinds_fields(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict) or cls is BrokerBase:
            return handler(data)
        foreign = [k for k in data if k not in cls.model_fields and k != "kind" and _broker_field(k)]
        if not foreign:
            return handler(data)
        errors = [InitErrorDetails(type=PydanticCustomError("broker_kind_field", "{hint}",
                                                            {"hint": cls._absent_hint(k)}),
                                   loc=(k,), input=data[k]) for k in foreign]
        try:
            handler({k: v for k, v in data.items() if k not in foreign})
        except ValidationError as exc:
            errors += [InitErrorDetails(type=PydanticCustomError(e["type"], "{message}", {"message": e["msg"]}),
                                        loc=tuple(e["loc"]), input=e.get("input")) for e in exc.errors()]
        raise ValidationError.from_exception_data(cls.__name__, errors)

    @classmethod
    def _absent_hint(cls, field: str) -> str:
        for klass in cls.__mro__:
            hint = vars(klass).get("absent_fields", {}).get(field)
            if hint is not None:
                return hint
        owners = kinds_where(lambda m: field in m.model_fields)
        return f"kind {kind_of(cls)} has no {field}; expected one of the kinds that have it ({', '.join(owners)}), or remove it"


# ---- where a broker runs ---------------------------------------------------------------------------------------


class CloudBroker(BrokerBase):
    """A managed broker placed in one cloud region (its copies, where a kind has them, say so themselves)."""

    region: str

    def copy_regions(self) -> tuple[str, ...]:
        return (self.region,)

    @property
    def placement(self) -> str:
        return self.region


class AwsBroker(CloudBroker):
    """A broker in one of the environment's AWS regions."""

    cloud: ClassVar[str] = "aws"
    region: str = Field(description="AWS region: one of regions.aws")

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        aws_regions = set(env.aws_region_names())
        if self.region not in aws_regions:
            yield (f"{base}.region",
                   f"undefined AWS region {self.region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}")


class AzureBroker(CloudBroker):
    """A broker in the environment's Azure location."""

    cloud: ClassVar[str] = "azure"
    region: str = Field(description="Azure location: regions.azure.location")

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        azure = env.regions.azure.location if env.regions.azure else None
        if self.region != azure:
            yield f"{base}.region", f"expected regions.azure.location ({azure or 'not set'}) for kind {self.kind}"


class InClusterBroker(BrokerBase):
    """A broker run by an operator in one of the environment's clusters."""

    cloud: ClassVar[str] = "kubernetes"
    no_standby: ClassVar[Optional[str]] = "an in-cluster broker fails over with its cluster, not with the AWS region"
    absent_fields: ClassVar[dict[str, str]] = {
        "region": "in-cluster brokers take their place from the cluster; remove region"}
    cluster: Name = Field(description="the cluster the broker runs in: one of clusters[].name")
    size: InClusterSize = Field(default_factory=InClusterSize,
                                description="replicas, storage and guaranteed resources per broker pod")

    @property
    def placement(self) -> str:
        return f"cluster:{self.cluster}"

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        clusters = {c.name for c in env.clusters}
        if self.cluster not in clusters:
            yield f"{base}.cluster", (f"kind {self.kind} runs in a cluster; expected one of clusters[].name: "
                                      f"{', '.join(sorted(clusters)) or 'none defined'}")


# ---- what a broker carries -------------------------------------------------------------------------------------


class QueueBroker(BrokerBase):
    """Queues with dead-letter queues, and topics fanning out to them. Every queue kind keeps a fifo queue's
    order (SQS FIFO queues, Service Bus sessions, a RabbitMQ single active consumer)."""

    queues: list[QueueSpec] = Field(default_factory=list, description="queues, each with its dead-letter queue")
    topics: list[TopicSpec] = Field(default_factory=list, description="topics fanning out to this broker's queues")

    def queue_specs(self) -> list[QueueSpec]:
        return list(self.queues)

    def topic_specs(self) -> list[TopicSpec]:
        return list(self.topics)

    @model_validator(mode="after")
    def _not_empty(self) -> "QueueBroker":
        if not self.queues and not self.topics:
            raise ValueError("a broker needs at least one queue or topic")
        return self

    def idempotency_paths(self, base: str) -> list[str]:
        return [f"{base}.queues[{j}].idempotency" for j, q in enumerate(self.queues) if q.idempotency]

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        queues = {q.name: q for q in self.queues}
        for j, topic in enumerate(self.topics):
            for k, queue_name in enumerate(topic.subscribers):
                path = f"{base}.topics[{j}].subscribers[{k}]"
                queue = queues.get(queue_name)
                if queue is None:
                    yield path, (f"undefined queue {queue_name!r}; expected one of this broker's queues: "
                                 f"{', '.join(sorted(queues)) or 'none defined'}")
                else:
                    yield from self.subscription_problems(path, topic, queue)

    def subscription_problems(self, path: str, topic: TopicSpec, queue: QueueSpec) -> Iterator[Problem]:
        """What the kind refuses of a topic delivering to a queue (none by default)."""
        return iter(())


class StreamBroker(BrokerBase):
    """Partitioned streams (Kafka topics, event hubs) read by consumer groups."""

    absent_fields: ClassVar[dict[str, str]] = {
        field: f"a stream broker has no {field} here; expected streams (Kafka / Event Hubs)"
        for field in ("queues", "topics")}
    streams: list[StreamSpec] = Field(default_factory=list,
                                      description="partitioned streams, each with its consumer groups")

    def stream_specs(self) -> list[StreamSpec]:
        return list(self.streams)

    @model_validator(mode="after")
    def _not_empty(self) -> "StreamBroker":
        if not self.streams:
            raise ValueError(f"a {self.kind} broker needs at least one stream")
        return self

    def idempotency_paths(self, base: str) -> list[str]:
        return [f"{base}.streams[{j}].consumer_groups[{k}].idempotency"
                for j, s in enumerate(self.streams) for k, g in enumerate(s.consumer_groups) if g.idempotency]

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        for j, stream in enumerate(self.streams):
            path = f"{base}.streams[{j}]"
            yield from self.stream_problems(path, stream, env)
            groups = [g.name for g in stream.consumer_groups]
            for k, name in enumerate(groups):
                if name in groups[:k]:
                    yield f"{path}.consumer_groups[{k}].name", f"duplicate name {name!r}: names must be unique here"

    def stream_problems(self, path: str, stream: StreamSpec, env: "EnvironmentSpec") -> Iterator[Problem]:
        return iter(())


class KafkaBroker(StreamBroker):
    """Kafka: replication per topic is bounded by the broker count."""

    default_brokers: ClassVar[int] = 3

    def broker_nodes(self) -> Optional[int]:
        raise NotImplementedError

    def stream_problems(self, path: str, stream: StreamSpec, env: "EnvironmentSpec") -> Iterator[Problem]:
        if stream.replication_factor is not None:
            brokers = self.broker_nodes() or self.default_brokers
            if stream.replication_factor > brokers:
                yield f"{path}.replication_factor", f"expected at most the broker count ({brokers})"


# ---- the kinds ------------------------------------------------------------------------------------------------


class SqsSnsBroker(AwsBroker, QueueBroker):
    """SQS queues and SNS topics, optionally with a warm standby copy in another region."""

    kind: Literal["sqs-sns"] = Field(description="SQS queues with DLQs and SNS topics")
    dedup_store: ClassVar[bool] = True
    consumable_by_nodes: ClassVar[bool] = True
    standby_region: Optional[str] = Field(default=None, description="region of a warm standby copy")

    def copy_regions(self) -> tuple[str, ...]:
        return (self.region,) + ((self.standby_region,) if self.standby_region else ())

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        aws_regions = set(env.aws_region_names())
        if self.standby_region is not None and self.standby_region not in aws_regions:
            yield (f"{base}.standby_region", f"undefined AWS region {self.standby_region!r}; expected one of "
                                             f"regions.aws: {', '.join(sorted(aws_regions))}")
        if self.standby_region is not None and self.standby_region == self.region:
            yield f"{base}.standby_region", "expected a region other than the broker's own region"

    def subscription_problems(self, path: str, topic: TopicSpec, queue: QueueSpec) -> Iterator[Problem]:
        if queue.fifo != topic.fifo:
            kind = "FIFO" if topic.fifo else "standard"
            yield path, f"a {kind} topic can only deliver to a {kind} queue; {queue.name!r} is not"


class AmazonMqBroker(AwsBroker):
    """Amazon MQ for RabbitMQ: applications declare their queues over AMQP, so the spec sizes it and alarms it."""

    kind: Literal["amazon-mq-rabbitmq"] = Field(description="Amazon MQ for RabbitMQ")
    no_standby: ClassVar[Optional[str]] = "the Amazon MQ broker has no cross-region replica"
    absent_fields: ClassVar[dict[str, str]] = {
        field: f"Amazon MQ queues are declared by applications over AMQP; remove {field}"
        for field in ("queues", "topics")}
    admin_password: SecretRef = Field(description="the admin user's password, a secret config key")
    size: AmazonMqSize = Field(default_factory=AmazonMqSize, description="host instance type")

    def secret_keys(self) -> set[str]:
        return {self.admin_password.secret}

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        yield from unresolved_secret(f"{base}.admin_password.secret", self.admin_password.secret, declared_secret_keys)


MSK_AZ_COUNT = 3


class MskBroker(AwsBroker, KafkaBroker):
    """Amazon MSK: Kafka across three zones, IAM or SASL/SCRAM clients."""

    kind: Literal["msk"] = Field(description="Amazon MSK (Kafka)")
    dedup_store: ClassVar[bool] = True
    no_standby: ClassVar[Optional[str]] = (
        "MSK has no standby cluster in the secondary region (no MirrorMaker 2 / replicator is built)")
    client_auth: Literal["iam", "scram"] = Field(default="iam", description="Kafka client authentication")
    size: MskSize = Field(default_factory=MskSize, description="instance type, broker count and storage")

    def broker_nodes(self) -> Optional[int]:
        return self.size.nodes

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        if self.size.nodes is not None and self.size.nodes % MSK_AZ_COUNT:
            yield (f"{base}.size.nodes",
                   f"MSK spreads brokers evenly over {MSK_AZ_COUNT} zones; expected a multiple of {MSK_AZ_COUNT}")


SERVICE_BUS_LOCK_SECONDS = (5, 300)


class ServiceBusBroker(AzureBroker, QueueBroker):
    """Azure Service Bus: queues and topics with subscriptions; sessions keep order."""

    kind: Literal["service-bus"] = Field(description="Azure Service Bus")
    dedup_store: ClassVar[bool] = True
    scopes_azure_integrations: ClassVar[bool] = True
    no_standby: ClassVar[Optional[str]] = "the Service Bus namespace has no geo-disaster-recovery pairing"

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        low, high = SERVICE_BUS_LOCK_SECONDS
        for j, queue in enumerate(self.queues):
            path = f"{base}.queues[{j}].visibility_timeout_seconds"
            if queue.visibility_timeout_seconds > high:
                yield path, f"Service Bus lock duration is at most {high} seconds"
            if queue.visibility_timeout_seconds < low:
                yield path, f"Service Bus lock duration is at least {low} seconds"

    def schema_problems(self, path: str, binding: SchemaBinding) -> Iterator[Problem]:
        yield path, "Azure's schema registry serves Event Hubs only; bind schemas on event-hubs streams"


AZURE_SCHEMA_MODES = frozenset({"NONE", "BACKWARD", "FORWARD"})
EVENT_HUBS_MAX_PARTITIONS = {"production": 100, "other": 32}


class EventHubsBroker(AzureBroker, StreamBroker):
    """Azure Event Hubs: hubs with partitions, consumer groups and Avro schema groups."""

    kind: Literal["event-hubs"] = Field(description="Azure Event Hubs")
    no_standby: ClassVar[Optional[str]] = "the Event Hubs namespace has no geo-disaster-recovery pairing"

    def stream_problems(self, path: str, stream: StreamSpec, env: "EnvironmentSpec") -> Iterator[Problem]:
        limit = EVENT_HUBS_MAX_PARTITIONS["production" if env.production else "other"]
        if stream.partitions > limit:
            yield f"{path}.partitions", f"Event Hubs allows at most {limit} partitions per hub in this tier"
        if stream.replication_factor is not None:
            yield f"{path}.replication_factor", "Event Hubs replicates internally; remove replication_factor"

    def schema_problems(self, path: str, binding: SchemaBinding) -> Iterator[Problem]:
        if binding.format != "AVRO":
            yield f"{path}.file", "Event Hubs schema groups accept Avro only; expected a .avsc file"
        if binding.compatibility not in AZURE_SCHEMA_MODES:
            yield (f"{path}.compatibility",
                   f"Event Hubs schema groups offer {', '.join(sorted(AZURE_SCHEMA_MODES))} only")


class StrimziKafkaBroker(InClusterBroker, KafkaBroker):
    """Kafka in a cluster through the Strimzi operator."""

    kind: Literal["strimzi-kafka"] = Field(description="Kafka through the Strimzi operator")
    client_auth: Literal["tls", "scram"] = Field(default="tls", description="Kafka client authentication")

    def broker_nodes(self) -> Optional[int]:
        return self.size.nodes


class RabbitMqOperatorBroker(InClusterBroker, QueueBroker):
    """RabbitMQ in a cluster through the RabbitMQ cluster and messaging topology operators."""

    kind: Literal["rabbitmq-operator"] = Field(description="RabbitMQ through its cluster operator")

    def problems(self, base: str, env: "EnvironmentSpec", root: Optional[Path],
                 declared_secret_keys: Optional[set[str]]) -> Iterator[Problem]:
        yield from super().problems(base, env, root, declared_secret_keys)
        for j, topic in enumerate(self.topics):
            if topic.fifo:
                yield (f"{base}.topics[{j}].fifo", "a RabbitMQ exchange does not order across its queues; "
                                                   "expected fifo on the queues instead")


BROKER_MODELS: tuple[type[BrokerBase], ...] = (SqsSnsBroker, AmazonMqBroker, MskBroker, ServiceBusBroker,
                                               EventHubsBroker, StrimziKafkaBroker, RabbitMqOperatorBroker)
BrokerSpec = Annotated[Union[SqsSnsBroker, AmazonMqBroker, MskBroker, ServiceBusBroker, EventHubsBroker,
                             StrimziKafkaBroker, RabbitMqOperatorBroker], Field(discriminator="kind")]
"""One broker entry: `kind` picks the model, and with it the backend and the cloud."""


def kind_of(model: type[BrokerBase]) -> str:
    return model.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]


def kinds_where(test: Any) -> list[str]:
    """The kinds whose model passes `test`, sorted: what an error names as expected."""
    return sorted(kind_of(m) for m in BROKER_MODELS if test(m))


def _broker_field(name: str) -> bool:
    return any(name in m.model_fields for m in BROKER_MODELS)


class Messaging(SpecModel):
    brokers: list[BrokerSpec] = Field(default_factory=list,
        description="message brokers, one backend each (SQS/SNS, Amazon MQ, MSK, Service Bus, Event Hubs or in-cluster)")

    def secret_keys(self) -> set[str]:
        return {key for broker in self.brokers for key in broker.secret_keys()}
