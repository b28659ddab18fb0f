"""Data ownership (practice 4.5): one bounded context is each entity's source of truth; only its identities
write the entity's stores and publish its changes, the contexts it names as consumers read and subscribe.

A bounded context is the `owner` string the spec already carries on brokers, nodes, APIs, secrets,
integrations, sagas and CDC sources. An entity names its change topic and the stores the stack creates that
hold it (a broker's queue or stream). From that map the spec refuses every writer the stack would grant
outside the owner (a node publishing the change topic, a saga step sending to a store, a CDC connector
publishing the entity's rows) and every reader outside the owner and its consumers; the components build
grants only from what passes, and the pack's `data-ownership-non-owner-write` rule judges the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from pydantic import Field, model_validator

from .base import Name, Problem, SpecModel
from .contexts import owning_contexts

if TYPE_CHECKING:
    from .data import EntitySpec
    from .environment import EnvironmentSpec


class StoreRef(SpecModel):
    """A store the stack creates that holds an entity's records: exactly one of a broker's queues or streams."""

    broker: Name = Field(description="messaging.brokers[].name")
    queue: Optional[Name] = Field(default=None, description="one of the broker's queues")
    stream: Optional[Name] = Field(default=None, description="one of the broker's streams (a Kafka topic, an event hub)")

    @model_validator(mode="after")
    def _one(self) -> "StoreRef":
        if (self.queue is None) == (self.stream is None):
            raise ValueError("expected exactly one of queue or stream")
        return self

    @property
    def kind(self) -> str:
        return "queue" if self.queue is not None else "stream"

    @property
    def item(self) -> str:
        return self.queue if self.queue is not None else str(self.stream)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.broker, self.kind, self.item)


@dataclass
class OwnershipMap:
    """Who owns what, derived once from the spec: the components and the policy config read it the same way."""

    entities: list["EntitySpec"] = field(default_factory=list)
    change_topics: dict[tuple[str, str], "EntitySpec"] = field(default_factory=dict)
    """(broker, topic or stream) -> the entity whose changes it carries."""
    stores: dict[tuple[str, str, str], "EntitySpec"] = field(default_factory=dict)
    """(broker, "queue" | "stream", name) -> the entity the store holds."""

    def may_publish(self, context: str, broker: str, topic: str) -> bool:
        """Whether `context` may publish to the topic: its owner's, or no entity's change topic."""
        entity = self.change_topics.get((broker, topic))
        return entity is None or entity.owner == context

    def may_write(self, context: str, broker: str, kind: str, name: str) -> bool:
        """Whether `context` may write the queue or stream: its owner's, or no entity's store."""
        entity = self.stores.get((broker, kind, name))
        return entity is None or entity.owner == context

    def readers(self, entity: "EntitySpec") -> set[str]:
        return {entity.owner, *entity.consumers}


def ownership_map(spec: "EnvironmentSpec") -> OwnershipMap:
    """The first claim wins where the spec is invalid (two claims are reported by check_ownership)."""
    out = OwnershipMap(entities=list(spec.data.entities))
    for entity in spec.data.entities:
        if entity.change_topic is not None:
            out.change_topics.setdefault((entity.change_topic.broker, entity.change_topic.topic), entity)
        for store in entity.stores:
            out.stores.setdefault(store.key, entity)
    return out


def check_ownership(spec: "EnvironmentSpec") -> Iterator[Problem]:
    yield from _check_declarations(spec)
    owned = ownership_map(spec)
    yield from _check_writers(spec, owned)
    yield from _check_readers(spec, owned)


def _check_declarations(spec: "EnvironmentSpec") -> Iterator[Problem]:
    known = owning_contexts(spec)
    listed = ", ".join(sorted(known))
    brokers = {b.name: b for b in spec.messaging.brokers}
    topics: dict[tuple[str, str], tuple[str, str]] = {}
    stores: dict[tuple[str, str, str], tuple[str, str]] = {}
    for i, entity in enumerate(spec.data.entities):
        base = f"data.entities[{i}]"
        if entity.owner not in known:
            yield f"{base}.owner", (f"unknown bounded context {entity.owner!r}; expected one of the spec's owners "
                                    f"({listed})")
        for j, consumer in enumerate(entity.consumers):
            if consumer not in known:
                yield f"{base}.consumers[{j}]", (f"unknown bounded context {consumer!r}; expected one of the spec's "
                                                 f"owners ({listed})")
        if entity.change_topic is not None:
            ref = entity.change_topic
            broker = brokers.get(ref.broker)
            if broker is None:
                yield f"{base}.change_topic.broker", _no_broker(ref.broker, brokers)
            else:
                names = {t.name for t in broker.topic_specs()} | {s.name for s in broker.stream_specs()}
                if ref.topic not in names:
                    yield f"{base}.change_topic.topic", (f"undefined topic {ref.topic!r} in broker {ref.broker!r}; "
                                                         f"expected one of its topics or streams "
                                                         f"({', '.join(sorted(names)) or 'none'})")
            claim = topics.setdefault((ref.broker, ref.topic), (entity.name, entity.owner))
            if claim[1] != entity.owner:
                yield f"{base}.change_topic", (f"{ref.broker}/{ref.topic} already carries entity {claim[0]!r} owned by "
                                               f"{claim[1]!r}; expected a change topic only one context publishes to")
        for j, store in enumerate(entity.stores):
            path = f"{base}.stores[{j}]"
            broker = brokers.get(store.broker)
            if broker is None:
                yield f"{path}.broker", _no_broker(store.broker, brokers)
                continue
            names = ({q.name for q in broker.queue_specs()} if store.kind == "queue"
                     else {s.name for s in broker.stream_specs()})
            if store.item not in names:
                yield f"{path}.{store.kind}", (f"undefined {store.kind} {store.item!r} in broker {store.broker!r}; "
                                               f"expected one of {', '.join(sorted(names)) or 'none'}")
            claim = stores.setdefault(store.key, (entity.name, entity.owner))
            if claim[1] != entity.owner:
                yield path, (f"{store.broker}/{store.item} already holds entity {claim[0]!r} owned by {claim[1]!r}; "
                             "expected one owning context per store")


def _no_broker(name: str, brokers: dict) -> str:
    return f"undefined broker {name!r}; expected one of messaging.brokers[].name ({', '.join(sorted(brokers)) or 'none'})"


def _check_writers(spec: "EnvironmentSpec", owned: OwnershipMap) -> Iterator[Problem]:
    """Everything the stack grants write access to an entity runs in its owner's context."""
    for i, node in enumerate(spec.processing.nodes):
        for j, ref in enumerate(node.publishes):
            entity = owned.change_topics.get((ref.broker, ref.topic))
            if entity is not None and entity.owner != node.owner:
                yield f"processing.nodes[{i}].publishes[{j}]", (
                    f"{ref.broker}/{ref.topic} is the change topic of entity {entity.name!r}, owned by "
                    f"{entity.owner!r}; node {node.name!r} runs in context {node.owner!r}, expected only the owner's "
                    "nodes to publish (consumers subscribe)")
    for i, saga in enumerate(spec.data.sagas):
        for j, step in enumerate(saga.steps):
            for what, ref in (("action", step.action), ("compensation", step.compensation)):
                entity = owned.stores.get((ref.broker, "queue", ref.queue)) if ref is not None else None
                if entity is not None and entity.owner != saga.owner:
                    yield f"data.sagas[{i}].steps[{j}].{what}", (
                        f"{ref.broker}/{ref.queue} holds entity {entity.name!r}, owned by {entity.owner!r}; saga "
                        f"{saga.name!r} runs in context {saga.owner!r}, expected only the owner to write it")
    for i, source in enumerate(spec.data.cdc.sources):
        for j, table in enumerate(source.tables):
            entity = next((e for e in spec.data.entities if e.name == table.entity), None)
            if entity is not None and entity.owner != source.owner:
                yield f"data.cdc.sources[{i}].tables[{j}].entity", (
                    f"entity {entity.name!r} is owned by {entity.owner!r}; CDC source {source.name!r} belongs to "
                    f"{source.owner!r}, expected only the owner's database to publish the entity's changes")


def _check_readers(spec: "EnvironmentSpec", owned: OwnershipMap) -> Iterator[Problem]:
    """A node reading an entity's store, or a queue subscribed to its change topic, is the owner or a consumer."""
    subscribed: dict[tuple[str, str], "EntitySpec"] = {}
    brokers = {b.name: b for b in spec.messaging.brokers}
    for (broker_name, topic), entity in owned.change_topics.items():
        broker = brokers.get(broker_name)
        for spec_topic in broker.topic_specs() if broker is not None else []:
            if spec_topic.name == topic:
                for queue in spec_topic.subscribers:
                    subscribed.setdefault((broker_name, queue), entity)
    for i, node in enumerate(spec.processing.nodes):
        for j, ref in enumerate(node.consumes):
            entity = owned.stores.get((ref.broker, "queue", ref.queue)) or subscribed.get((ref.broker, ref.queue))
            if entity is not None and node.owner not in owned.readers(entity):
                yield f"processing.nodes[{i}].consumes[{j}]", (
                    f"{ref.broker}/{ref.queue} carries entity {entity.name!r} (owner {entity.owner!r}); node "
                    f"{node.name!r} runs in context {node.owner!r}, expected the owner or one of "
                    f"data.entities[].consumers ({', '.join(entity.consumers) or 'none'})")
