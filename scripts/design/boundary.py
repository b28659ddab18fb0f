"""Payload format and envelope at a cloud or on-prem boundary against the environment's standard (8.2).

Where a flow crosses from one cloud to another or between a site and a cloud, every translation the two sides
need is a place for drift; one format and one envelope (CloudEvents by default) at every boundary keeps the
adapters few and the tracing, routing and schema tooling the same on both sides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .places import sides
from .warning import DesignWarning

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec

CHECK = "boundary-format"
STANDARD = "observability.standards.boundary"


def check_boundary_formats(spec: "EnvironmentSpec") -> Iterator[DesignWarning]:
    standard = spec.observability.standards.boundary
    for i, integration in enumerate(spec.observability.integrations):
        crossings = sides(spec, integration).crossings()
        if not crossings:
            continue
        where = ", ".join(f"{a} -> {b}" for a, b in crossings)
        payload = integration.payload
        values = {"crossings": [list(c) for c in crossings], "standard_envelope": standard.envelope,
                  "standard_formats": list(standard.formats)}
        if payload is None:
            yield DesignWarning(CHECK, f"observability.integrations[{i}].payload", (
                f"integration {integration.name!r} crosses a boundary ({where}) but declares no payload; expected "
                f"payload: {{format: {standard.formats[0]}, envelope: {standard.envelope}}} as {STANDARD} says, so "
                "both sides are held to it"), values)
            continue
        differs = []
        if payload.format not in standard.formats:
            differs.append(f"format {payload.format} (standard: {', '.join(standard.formats)})")
        if payload.envelope != standard.envelope:
            differs.append(f"envelope {payload.envelope} (standard: {standard.envelope})")
        if differs:
            yield DesignWarning(CHECK, f"observability.integrations[{i}].payload", (
                f"integration {integration.name!r} crosses a boundary ({where}) with {' and '.join(differs)}; every "
                "difference is a translation some adapter must keep right: move the flow to the standard, or, if "
                f"this format is the better one across the estate, change {STANDARD} for every boundary"),
                {**values, "format": payload.format, "envelope": payload.envelope})
