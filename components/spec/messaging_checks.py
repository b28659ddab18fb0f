"""Cross-field checks for brokers: placement, what each kind can express, schemas and secrets.

Each check yields (field path, message) pairs naming what was expected, so `hybrid validate` lists them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from .base import Problem, unresolved_secret
from .messaging import KIND_CLOUD, QUEUE_KINDS, STREAM_KINDS, BrokerSpec

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


# Kinds that keep order, and how: a FIFO queue elsewhere would silently lose its guarantee.
ORDERING = {"sqs-sns": "FIFO queues and topics", "service-bus": "sessions",
            "rabbitmq-operator": "single-active-consumer quorum queues (queues only)"}
AZURE_SCHEMA_MODES = frozenset({"NONE", "BACKWARD", "FORWARD"})
SERVICE_BUS_MAX_LOCK_SECONDS = 300
EVENT_HUBS_MAX_PARTITIONS = {"production": 100, "other": 32}
MSK_AZ_COUNT = 3


def _placement(i: int, broker: BrokerSpec, spec: "EnvironmentSpec") -> Iterator[Problem]:
    base = f"messaging.brokers[{i}]"
    aws_regions = set(spec.aws_region_names())
    azure = spec.regions.azure.location if spec.regions.azure else None
    clusters = {c.name for c in spec.clusters}
    cloud = KIND_CLOUD[broker.kind]
    if cloud == "aws":
        for field in ("region", "standby_region"):
            region = getattr(broker, field)
            if field == "region" and region is None:
                yield f"{base}.region", f"required for kind {broker.kind}; expected one of regions.aws: {', '.join(sorted(aws_regions))}"
            elif region is not None and region not in aws_regions:
                yield (f"{base}.{field}",
                       f"undefined AWS region {region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}")
    elif cloud == "azure":
        if broker.region != azure:
            yield f"{base}.region", f"expected regions.azure.location ({azure or 'not set'}) for kind {broker.kind}"
    else:
        if broker.cluster not in clusters:
            yield f"{base}.cluster", (f"kind {broker.kind} runs in a cluster; expected one of clusters[].name: "
                                      f"{', '.join(sorted(clusters)) or 'none defined'}")
        if broker.region is not None:
            yield f"{base}.region", "in-cluster brokers take their place from the cluster; remove region"
    if cloud != "kubernetes" and broker.cluster is not None:
        yield f"{base}.cluster", f"only kubernetes kinds run in a cluster; kind {broker.kind} does not"
    if broker.standby_region is not None and broker.kind != "sqs-sns":
        yield f"{base}.standby_region", "a standby copy is built for kind sqs-sns only; remove it"
    if broker.standby_region is not None and broker.standby_region == broker.region:
        yield f"{base}.standby_region", "expected a region other than the broker's own region"


def _shape(i: int, broker: BrokerSpec, production: bool) -> Iterator[Problem]:
    """What each kind can express: queues vs streams, ordering, partitions and replication."""
    base = f"messaging.brokers[{i}]"
    if broker.kind not in QUEUE_KINDS:
        for field in ("queues", "topics"):
            if getattr(broker, field):
                yield f"{base}.{field}", (f"kind {broker.kind} has no {field} here; expected streams (Kafka / Event Hubs)"
                                          if broker.kind in STREAM_KINDS else
                                          f"Amazon MQ queues are declared by applications over AMQP; remove {field}")
    if broker.kind not in STREAM_KINDS and broker.streams:
        yield f"{base}.streams", f"kind {broker.kind} has no streams; expected one of {', '.join(sorted(STREAM_KINDS))}"
    if broker.kind == "amazon-mq-rabbitmq" and broker.admin_password is None:
        yield f"{base}.admin_password", "Amazon MQ needs an admin user; expected {secret: <config key>}"
    if broker.kind != "amazon-mq-rabbitmq" and broker.admin_password is not None:
        yield f"{base}.admin_password", f"kind {broker.kind} uses identity-based access; remove admin_password"
    if broker.client_auth is not None:
        allowed = {"msk": {"iam", "scram"}, "strimzi-kafka": {"tls", "scram"}}.get(broker.kind, set())
        if broker.client_auth not in allowed:
            yield f"{base}.client_auth", (f"kind {broker.kind} supports {', '.join(sorted(allowed))}" if allowed
                                          else f"kind {broker.kind} takes no client_auth setting")
    for j, queue in enumerate(broker.queues):
        path = f"{base}.queues[{j}]"
        if queue.fifo and broker.kind not in ORDERING:
            yield f"{path}.fifo", f"kind {broker.kind} cannot keep order; expected one of {', '.join(sorted(ORDERING))}"
        if broker.kind == "service-bus" and queue.visibility_timeout_seconds > SERVICE_BUS_MAX_LOCK_SECONDS:
            yield (f"{path}.visibility_timeout_seconds",
                   f"Service Bus lock duration is at most {SERVICE_BUS_MAX_LOCK_SECONDS} seconds")
        if broker.kind == "service-bus" and queue.visibility_timeout_seconds < 5:
            yield f"{path}.visibility_timeout_seconds", "Service Bus lock duration is at least 5 seconds"
    for j, topic in enumerate(broker.topics):
        if topic.fifo and broker.kind == "rabbitmq-operator":
            yield (f"{base}.topics[{j}].fifo", "a RabbitMQ exchange does not order across its queues; "
                                               "expected fifo on the queues instead")
    nodes = broker.size.nodes
    if broker.kind == "msk" and nodes is not None and nodes % MSK_AZ_COUNT:
        yield f"{base}.size.nodes", f"MSK spreads brokers evenly over {MSK_AZ_COUNT} zones; expected a multiple of {MSK_AZ_COUNT}"
    for j, stream in enumerate(broker.streams):
        path = f"{base}.streams[{j}]"
        if broker.kind == "event-hubs":
            limit = EVENT_HUBS_MAX_PARTITIONS["production" if production else "other"]
            if stream.partitions > limit:
                yield f"{path}.partitions", f"Event Hubs allows at most {limit} partitions per hub in this tier"
            if stream.replication_factor is not None:
                yield f"{path}.replication_factor", "Event Hubs replicates internally; remove replication_factor"
        elif stream.replication_factor is not None:
            brokers = nodes or 3
            if stream.replication_factor > brokers:
                yield f"{path}.replication_factor", f"expected at most the broker count ({brokers})"
        groups = [g.name for g in stream.consumer_groups]
        for k, name in enumerate(groups):
            if name in groups[:k]:
                yield f"{path}.consumer_groups[{k}].name", f"duplicate name {name!r}: names must be unique here"


def _bindings(broker: BrokerSpec) -> Iterator[tuple[str, object]]:
    for field in ("queues", "topics", "streams"):
        for j, item in enumerate(getattr(broker, field)):
            if item.event_schema is not None:
                yield f"{field}[{j}].schema", item.event_schema


def _schemas(i: int, broker: BrokerSpec, root: Optional[Path]) -> Iterator[Problem]:
    base = f"messaging.brokers[{i}]"
    for path, binding in _bindings(broker):
        if broker.kind == "service-bus":
            yield f"{base}.{path}", "Azure's schema registry serves Event Hubs only; bind schemas on event-hubs streams"
        if broker.kind == "event-hubs":
            if binding.format != "AVRO":
                yield f"{base}.{path}.file", "Event Hubs schema groups accept Avro only; expected a .avsc file"
            if binding.compatibility not in AZURE_SCHEMA_MODES:
                yield (f"{base}.{path}.compatibility",
                       f"Event Hubs schema groups offer {', '.join(sorted(AZURE_SCHEMA_MODES))} only")
        if ".." in Path(binding.file).parts:
            yield f"{base}.{path}.file", "expected a path inside schemas/ (no `..`)"
        elif root is not None and not (root / binding.file).is_file():
            yield f"{base}.{path}.file", f"schema file {binding.file} not found; expected a file under schemas/"


# Kinds whose backend builds a deduplication store (DynamoDB with TTL; Service Bus duplicate detection).
IDEMPOTENCY_KINDS = frozenset({"sqs-sns", "msk", "service-bus"})


def _idempotency(i: int, broker: BrokerSpec) -> Iterator[Problem]:
    """Refuse an idempotency request no backend would honour, rather than accept and ignore it."""
    if broker.kind in IDEMPOTENCY_KINDS:
        return
    base = f"messaging.brokers[{i}]"
    asked = [f"{base}.queues[{j}].idempotency" for j, q in enumerate(broker.queues) if q.idempotency]
    asked += [f"{base}.streams[{j}].consumer_groups[{k}].idempotency"
              for j, s in enumerate(broker.streams) for k, g in enumerate(s.consumer_groups) if g.idempotency]
    for path in asked:
        yield path, (f"kind {broker.kind} has no deduplication store here; expected one of "
                     f"{', '.join(sorted(IDEMPOTENCY_KINDS))}, or deduplicate in the consumer")


def check_messaging(spec: "EnvironmentSpec", declared_secret_keys: set[str] | None = None,
                    root: Optional[Path] = None) -> Iterator[Problem]:
    """Every broker problem in one pass; `root` (the project directory) enables schema file checks."""
    for i, broker in enumerate(spec.messaging.brokers):
        yield from _placement(i, broker, spec)
        yield from _shape(i, broker, spec.production)
        yield from _schemas(i, broker, root)
        yield from _idempotency(i, broker)
        queues = {q.name: q for q in broker.queues}
        for j, topic in enumerate(broker.topics):
            for k, queue_name in enumerate(topic.subscribers):
                path = f"messaging.brokers[{i}].topics[{j}].subscribers[{k}]"
                queue = queues.get(queue_name)
                if queue is None:
                    yield path, (f"undefined queue {queue_name!r}; expected one of this broker's queues: "
                                 f"{', '.join(sorted(queues)) or 'none defined'}")
                elif queue.fifo != topic.fifo and broker.kind == "sqs-sns":
                    kind = "FIFO" if topic.fifo else "standard"
                    yield path, f"a {kind} topic can only deliver to a {kind} queue; {queue_name!r} is not"
        ref = broker.admin_password
        if ref is not None:
            yield from unresolved_secret(f"messaging.brokers[{i}].admin_password.secret", ref.secret,
                                         declared_secret_keys)
