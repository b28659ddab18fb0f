"""The one table of broker kinds: each kind's spec model, its builder and the cluster operators it needs.

The spec model carries what the spec knows of a kind (its cloud, its fields, what it can do: see
components/spec/brokers.py); this table adds what building it takes. Not to be confused with the schema
registries in registry.py. Adding a kind: a model in spec/brokers.py, a builder module here, one row below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pulumi

from ..spec.brokers import (BROKER_MODELS, AmazonMqBroker, BrokerBase, EventHubsBroker, MskBroker,
                            RabbitMqOperatorBroker, ServiceBusBroker, SqsSnsBroker, StrimziKafkaBroker, kind_of)
from . import amazon_mq, event_hubs, msk, rabbitmq_operator, service_bus, sqs_sns, strimzi
from .backend import BackendResult, BrokerArgs

Builder = Callable[[pulumi.Resource, str, BrokerArgs], BackendResult]
"""(parent component, logical name prefix, the broker's args) -> what the Broker exposes."""


@dataclass(frozen=True)
class BrokerKind:
    spec: type[BrokerBase]
    """The kind's spec model: its fields, checks and capabilities (queues or streams, consumable by nodes...)."""
    build: Builder
    """Creates the kind's resources as children of the Broker component."""
    operators: frozenset[str] = frozenset()
    """Cluster operators an in-cluster kind needs on its cluster (the platform installs their union)."""

    @property
    def name(self) -> str:
        return kind_of(self.spec)

    @property
    def cloud(self) -> str:
        return self.spec.cloud


# Strimzi manages Kafka itself; RabbitMQ needs its operator plus cert-manager for the TLS certificate.
# Both publish lag through PrometheusRule objects, which the Prometheus operator serves.
KINDS: dict[str, BrokerKind] = {k.name: k for k in (
    BrokerKind(SqsSnsBroker, sqs_sns.build),
    BrokerKind(AmazonMqBroker, amazon_mq.build),
    BrokerKind(MskBroker, msk.build),
    BrokerKind(ServiceBusBroker, service_bus.build),
    BrokerKind(EventHubsBroker, event_hubs.build),
    BrokerKind(StrimziKafkaBroker, strimzi.build, frozenset({"strimzi", "prometheus-operator"})),
    BrokerKind(RabbitMqOperatorBroker, rabbitmq_operator.build,
               frozenset({"rabbitmq", "cert-manager", "prometheus-operator"})),
)}
assert {kind_of(m) for m in BROKER_MODELS} == set(KINDS), "every spec kind needs its row here, and only those"


def kind_for(spec: BrokerBase) -> BrokerKind:
    return KINDS[spec.kind]
