"""Where each side of an integration runs, as boundary domains: `aws`, `azure` or `onprem:<site>`.

Derived from what the spec places: the broker or API the flow goes through, the nodes of the producing and
consuming contexts that publish to, consume from or call it, the CDC sources feeding the broker, the
integration's own workload. A side nothing places is unknown, and crosses no boundary that can be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec
    from components.spec.observability import Integration


@dataclass(frozen=True)
class Sides:
    producer: frozenset[str] = field(default_factory=frozenset)
    via: frozenset[str] = field(default_factory=frozenset)
    consumer: frozenset[str] = field(default_factory=frozenset)

    def crossings(self) -> list[tuple[str, str]]:
        """(from, to) domain pairs the flow crosses: each side against what it goes through, or, with nothing in
        between (point-to-point), the producer's against the consumer's."""
        if self.via:
            pairs = [(p, v) for p in sorted(self.producer) for v in sorted(self.via) if p not in self.via]
            pairs += [(v, c) for c in sorted(self.consumer) for v in sorted(self.via) if c not in self.via]
        else:
            pairs = [(p, c) for p in sorted(self.producer) for c in sorted(self.consumer) if p != c]
        return sorted(set(pairs))


def domain(spec: "EnvironmentSpec", place: str) -> Optional[str]:
    """A region, Azure location, `onprem:<site>` or `cluster:<name>` as its boundary domain."""
    if place.startswith("cluster:"):
        cluster = next((c for c in spec.clusters if c.name == place.removeprefix("cluster:")), None)
        return domain(spec, cluster.placement) if cluster else None
    if place.startswith("onprem:"):
        return place
    if place in spec.aws_region_names():
        return "aws"
    if spec.regions.azure and place == spec.regions.azure.location:
        return "azure"
    return None


def _known(values) -> frozenset[str]:
    return frozenset(v for v in values if v is not None)


def sides(spec: "EnvironmentSpec", integration: "Integration") -> Sides:
    nodes = spec.processing.nodes
    workload = ([domain(spec, f"cluster:{integration.workload.cluster}")] if integration.workload else [])
    if integration.pattern == "async" and integration.broker:
        broker = next((b for b in spec.messaging.brokers if b.name == integration.broker), None)
        if broker is None:
            return Sides()
        producers = [domain(spec, n.region) for n in nodes
                     if n.owner == integration.producer and any(t.broker == broker.name for t in n.publishes)]
        producers += [f"onprem:{s.site}" if s.site else domain(spec, broker.placement)
                      for s in spec.data.cdc.sources if s.broker == broker.name and s.owner == integration.producer]
        consumers = [domain(spec, n.region) for n in nodes if n.owner == integration.consumer and any(
            q.broker == broker.name and integration.queue in (None, q.queue) for q in n.consumes)]
        return Sides(_known(producers), _known([domain(spec, broker.placement)]), _known(consumers + workload))
    if integration.pattern == "sync" and integration.api:
        api = next((a for a in spec.gateways.apis if a.name == integration.api.api), None)
        if api is None:
            return Sides()
        callers = [domain(spec, n.region) for n in nodes
                   if n.owner == integration.consumer and any(c.api == api.name for c in n.calls)]
        callers += [cloud for a in spec.gateways.apis if a.owner == integration.consumer
                    and any(c.api == api.name for v in a.versions for c in v.backend.calls) for cloud in a.clouds]
        return Sides(frozenset(), frozenset(api.clouds), _known(callers + workload))
    return Sides(frozenset(), frozenset(), _known(workload))
