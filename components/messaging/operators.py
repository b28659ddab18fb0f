"""Which cluster operators the in-cluster brokers need (the platform unions this with other capabilities')."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec

# Strimzi manages Kafka itself; RabbitMQ needs its operator plus cert-manager for the TLS certificate.
# Both publish lag through PrometheusRule objects, which the Prometheus operator serves.
KIND_OPERATORS: dict[str, frozenset[str]] = {
    "strimzi-kafka": frozenset({"strimzi", "prometheus-operator"}),
    "rabbitmq-operator": frozenset({"rabbitmq", "cert-manager", "prometheus-operator"}),
}


def operators_needed(spec: "EnvironmentSpec") -> dict[str, set[str]]:
    needs: dict[str, set[str]] = {}
    for broker in spec.messaging.brokers:
        if broker.cluster and broker.kind in KIND_OPERATORS:
            needs.setdefault(broker.cluster, set()).update(KIND_OPERATORS[broker.kind])
    return needs


def schema_files(spec: "EnvironmentSpec") -> list[str]:
    """Every schema file the spec binds, so the entry point can read them (components never read files)."""
    files = set()
    for broker in spec.messaging.brokers:
        for item in [*broker.queues, *broker.topics, *broker.streams]:
            if item.event_schema is not None:
                files.add(item.event_schema.file)
    return sorted(files)
