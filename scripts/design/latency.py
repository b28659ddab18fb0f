"""Latency budget of a synchronous chain: the sum of its hops' p99s against the integration's p99 (1.1).

Tail latencies rarely coincide, so the sum of per-hop p99s is a conservative estimate of the chain's p99 (the
real one is usually lower, and lower still when calls run in parallel); a chain within it is within budget with
margin, a chain above it deserves a look before production shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .chains import chain_label, label, sync_chains
from .warning import DesignWarning, millis

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECK = "sync-chain-latency"


def latency_bound(p99s: list[float]) -> float:
    return sum(p99s)


def check_chain_latency(spec: "EnvironmentSpec") -> Iterator[DesignWarning]:
    for path, integration, hops in sync_chains(spec):
        budget = integration.required_latency_ms()
        if budget is None:
            continue
        unknown = [label(h) for h in hops if h.latency_p99_ms is None]
        if unknown:
            yield DesignWarning(CHECK, path, (
                f"integration {integration.name!r} has a p99 budget of {millis(budget)}, but {', '.join(unknown)} "
                f"declares no slo.latency_p99_ms, so its chain ({chain_label(hops)}) cannot be summed; expected each "
                "API's owners to declare their p99"), {"budget_ms": budget, "unassessed": unknown})
            continue
        bound = latency_bound([h.latency_p99_ms for h in hops])
        if bound <= budget:
            continue
        slowest = max(hops, key=lambda h: h.latency_p99_ms)
        yield DesignWarning(CHECK, path, (
            f"integration {integration.name!r} has a p99 budget of {millis(budget)}, but its synchronous chain "
            f"{chain_label(hops)} adds up to {millis(bound)} of per-hop p99s "
            f"({' + '.join(millis(h.latency_p99_ms) for h in hops)}), over by {millis(bound - budget)}; the sum is a "
            "conservative bound (tail latencies rarely coincide, so the real p99 is usually lower), yet it shows "
            f"where the budget goes: cache {label(slowest)} ({millis(slowest.latency_p99_ms)}), call hops in "
            "parallel, or take the slow part off the request path through a broker"),
            {"budget_ms": budget, "bound_ms": bound, "over_ms": bound - budget,
             "hops": [{"api": h.api, "version": h.version, "latency_p99_ms": h.latency_p99_ms} for h in hops]})
