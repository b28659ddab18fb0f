"""Bounded contexts (practice 1.2), derived from the `owner` strings the spec already carries.

There is no second registry of contexts: a context is a team string that owns something (a broker, node, secret,
API, saga, CDC source or entity, or the environment itself) or consumes an entity. A context owns its brokers,
APIs, nodes and their identities; reaching into another context's broker or API is an integration, and must be
declared as one in `observability.integrations`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Literal

from .base import Problem
from .integration_design import node_calls

if TYPE_CHECKING:
    from .environment import EnvironmentSpec
    from .observability import Integration


def owning_contexts(spec: "EnvironmentSpec") -> set[str]:
    """Every context that owns something the spec provisions (the environment, a broker, node, secret, API, saga or
    CDC source): what an entity's owner and consumers must name (data ownership, components/spec/ownership.py)."""
    owners = {spec.owner}
    owners |= {b.owner for b in spec.messaging.brokers} | {n.owner for n in spec.processing.nodes}
    owners |= {s.owner for s in spec.secrets.secrets} | {a.owner for a in spec.gateways.apis}
    owners |= {s.owner for s in spec.data.sagas} | {s.owner for s in spec.data.cdc.sources}
    return owners


def known_contexts(spec: "EnvironmentSpec") -> set[str]:
    """Every context the spec names as an owner (or an entity's consumer)."""
    owners = owning_contexts(spec)
    for entity in spec.data.entities:
        owners |= {entity.owner, *entity.consumers}
    return owners


@dataclass(frozen=True)
class Access:
    """One context reaching a broker or an API: what `path` declares, by whom, of what, owned by whom."""

    path: str
    context: str
    verb: Literal["consumes", "publishes", "sends", "calls"]
    kind: Literal["broker", "api"]
    target: str
    target_owner: str

    @property
    def cross_context(self) -> bool:
        return self.context != self.target_owner


def accesses(spec: "EnvironmentSpec") -> Iterator[Access]:
    """Every access to a broker or API the spec declares, by the context making it (undefined targets skipped:
    their own checks report them)."""
    brokers = {b.name: b.owner for b in spec.messaging.brokers}
    apis = {a.name: a.owner for a in spec.gateways.apis}
    for i, node in enumerate(spec.processing.nodes):
        for field, verb, refs in (("consumes", "consumes", node.consumes), ("publishes", "publishes", node.publishes)):
            for j, ref in enumerate(refs):
                if ref.broker in brokers:
                    yield Access(f"processing.nodes[{i}].{field}[{j}]", node.owner, verb, "broker", ref.broker,
                                 brokers[ref.broker])
    for i, saga in enumerate(spec.data.sagas):
        for j, step in enumerate(saga.steps):
            for field, ref in (("action", step.action), ("compensation", step.compensation)):
                if ref is not None and ref.broker in brokers:
                    yield Access(f"data.sagas[{i}].steps[{j}].{field}", saga.owner, "sends", "broker", ref.broker,
                                 brokers[ref.broker])
    for path, context, call in node_calls(spec):
        if call.api in apis:
            yield Access(path, context, "calls", "api", call.api, apis[call.api])


def covers(integration: "Integration", access: Access) -> bool:
    """Whether the integration declares this access: the accessing context on the right side of a flow through
    the accessed broker (publishers and senders produce, consumers consume) or API (callers consume)."""
    if access.kind == "api":
        return (integration.pattern == "sync" and integration.api is not None and integration.api.api == access.target
                and integration.consumer == access.context)
    if integration.pattern != "async" or integration.broker != access.target:
        return False
    side = integration.consumer if access.verb == "consumes" else integration.producer
    return side == access.context


def check_cross_context_access(spec: "EnvironmentSpec") -> Iterator[Problem]:
    """A context reaching another context's broker or API without an integration saying so is an undeclared
    coupling: refused, naming the integration that would declare it."""
    integrations = spec.observability.integrations
    for access in accesses(spec):
        if not access.cross_context or any(covers(i, access) for i in integrations):
            continue
        if access.kind == "api":
            expected = (f"an observability.integrations[] entry with pattern sync, api {access.target!r}, consumer "
                        f"{access.context!r} and producer {access.target_owner!r}")
        else:
            producer, consumer = ((access.target_owner, access.context) if access.verb == "consumes"
                                  else (access.context, access.target_owner))
            expected = (f"an observability.integrations[] entry with pattern async, broker {access.target!r}, "
                        f"producer {producer!r} and consumer {consumer!r}")
        yield (access.path, f"context {access.context!r} {access.verb} {access.kind} {access.target!r} of context "
                            f"{access.target_owner!r}, and no integration declares it; expected {expected}")


def check_claims(spec: "EnvironmentSpec") -> Iterator[Problem]:
    """A resource two contexts claim: a namespace their nodes share (its service accounts are their identities),
    an integration monitoring another context's node, an API served for a producer that does not own it."""
    namespaces: dict[tuple[str, str], tuple[str, str]] = {}
    nodes = {n.name: n for n in spec.processing.nodes}
    for i, node in enumerate(spec.processing.nodes):
        key = (node.cluster, node.k8s_namespace)
        first = namespaces.setdefault(key, (node.owner, node.name))
        if first[0] != node.owner:
            yield (f"processing.nodes[{i}].namespace",
                   f"namespace {node.k8s_namespace!r} on cluster {node.cluster!r} holds node {first[1]!r} of context "
                   f"{first[0]!r} and node {node.name!r} of context {node.owner!r}; expected one context per "
                   "namespace (its service accounts, roles and network policies are that context's)")
    apis = {a.name: a for a in spec.gateways.apis}
    for i, integration in enumerate(spec.observability.integrations):
        path = f"observability.integrations[{i}]"
        node = nodes.get(integration.name)
        if node is not None and node.owner != integration.owner:
            # The integration's alarms, dashboard and rollback switches are the node's of the same name.
            yield (f"{path}.owner", f"processing node {node.name!r} belongs to context {node.owner!r}, and the "
                                    f"integration of the same name (its alarms and rollback switches) to "
                                    f"{integration.owner!r}; expected one owner for both")
        if integration.owner not in (integration.producer, integration.consumer):
            yield (f"{path}.owner", f"owner {integration.owner!r} is neither the producer {integration.producer!r} "
                                    f"nor the consumer {integration.consumer!r}; expected one of them to own the flow")
        api = apis.get(integration.api.api) if integration.api else None
        if api is not None and api.owner != integration.producer:
            yield (f"{path}.producer", f"API {api.name!r} belongs to context {api.owner!r}, and the integration says "
                                       f"{integration.producer!r} serves it; expected producer {api.owner!r}")


def check_contexts(spec: "EnvironmentSpec") -> Iterator[Problem]:
    contexts = known_contexts(spec)
    for i, integration in enumerate(spec.observability.integrations):
        for field in ("producer", "consumer"):
            value = getattr(integration, field)
            if value not in contexts:
                yield (f"observability.integrations[{i}].{field}",
                       f"unknown context {value!r}; expected a team that owns something in this spec "
                       f"({', '.join(sorted(contexts))})")
    yield from check_claims(spec)
    yield from check_cross_context_access(spec)
