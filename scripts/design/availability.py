"""Composite availability of a synchronous chain against what its integration requires (practice 1.1).

Every hop of a request/response chain must answer for the request to succeed, so the chain is at best as
available as the product of its hops' availabilities (independent failures; correlated ones make it no better).
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Iterator

from .chains import chain_label, label, sync_chains
from .warning import DesignWarning, percent

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECK = "sync-chain-availability"


def composite_availability(percents: list[float]) -> float:
    """The product of the hops' availabilities, in percent: 99.9 % twice is 99.8001 %."""
    return prod(p / 100 for p in percents) * 100


def check_chain_availability(spec: "EnvironmentSpec") -> Iterator[DesignWarning]:
    for path, integration, hops in sync_chains(spec):
        required = integration.required_availability()
        if required is None:
            continue
        unknown = [label(h) for h in hops if h.availability_percent is None]
        if unknown:
            yield DesignWarning(CHECK, path, (
                f"integration {integration.name!r} requires {percent(required)} availability, but "
                f"{', '.join(unknown)} declares no slo.availability_percent, so its chain ({chain_label(hops)}) cannot "
                "be composed; expected each API's owners to declare the availability they commit to"),
                {"required_percent": required, "unassessed": unknown})
            continue
        composite = composite_availability([h.availability_percent for h in hops])
        if composite >= required:
            continue
        weakest = min(hops, key=lambda h: h.availability_percent)
        yield DesignWarning(CHECK, path, (
            f"integration {integration.name!r} requires {percent(required)} availability, but its synchronous "
            f"chain {chain_label(hops)} composes to at most {percent(composite)} (the product of "
            f"{' x '.join(percent(h.availability_percent) for h in hops)}), short by {percent(required - composite)}; "
            f"make the call to {label(weakest)} ({percent(weakest.availability_percent)}) asynchronous through a "
            "broker, or serve its answers from a cache, so its failures stop failing the request"),
            {"required_percent": required, "composite_percent": round(composite, 6),
             "shortfall_percent": round(required - composite, 6),
             "hops": [{"api": h.api, "version": h.version, "availability_percent": h.availability_percent}
                      for h in hops]})
