"""Point-to-point fan-out above a threshold (practice 1.3): one producer feeding many consumers directly.

Every direct consumer is a connection the producer maintains (its address, its credentials, its retries, its
format); past a few, a broker topic the consumers subscribe to keeps the producer unaware of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .warning import DesignWarning

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECK = "point-to-point-fanout"


def fanouts(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Producer -> its distinct consumers, in first-seen order, from (producer, consumer) pairs."""
    found: dict[str, list[str]] = {}
    for producer, consumer in pairs:
        consumers = found.setdefault(producer, [])
        if consumer not in consumers:
            consumers.append(consumer)
    return found


def check_point_to_point_fanout(spec: "EnvironmentSpec") -> Iterator[DesignWarning]:
    threshold = spec.observability.standards.point_to_point_fanout
    direct = [(i, x) for i, x in enumerate(spec.observability.integrations) if x.pattern == "point-to-point"]
    for producer, consumers in fanouts([(x.producer, x.consumer) for _, x in direct]).items():
        if len(consumers) <= threshold:
            continue
        first = next(i for i, x in direct if x.producer == producer)
        names = [x.name for _, x in direct if x.producer == producer]
        yield DesignWarning(CHECK, f"observability.integrations[{first}]", (
            f"context {producer!r} feeds {len(consumers)} contexts point to point ({', '.join(consumers)}), above the "
            f"threshold of {threshold} (observability.standards.point_to_point_fanout); each is a connection "
            f"{producer!r} maintains: publish once to a broker topic and let each consumer subscribe"),
            {"producer": producer, "consumers": consumers, "count": len(consumers), "threshold": threshold,
             "integrations": names})
