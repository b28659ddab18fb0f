"""Spec models for integrations as the unit of design: who talks to whom, how, in what format, needing what.

Practices 1.1 (synchronous or asynchronous by transactional integrity and availability SLAs), 1.2 (bounded
contexts: the `owner` team strings the rest of the spec already uses), 1.3 (point-to-point or a broker), 1.5
(payload formats) and 8.2 (one format and envelope at cloud and on-prem boundaries). The models extend
`observability.integrations[]`; the design checks of `hybrid validate` read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Iterator, Literal, Optional

from pydantic import Field

from .base import Name, SpecModel

if TYPE_CHECKING:
    from .environment import EnvironmentSpec
    from .gateway import ApiSpec

Pattern = Literal["sync", "async", "point-to-point"]
PayloadFormat = Literal["json", "xml", "avro", "protobuf"]
Envelope = Literal["cloudevents", "none"]
# The schema file an integration's payload follows, by the format it implies (XML payloads follow an XSD).
SCHEMA_FILE_FORMATS = {"avsc": "avro", "json": "json", "proto": "protobuf", "xsd": "xml"}
ApiVersion = Annotated[str, Field(pattern=r"^v[1-9][0-9]*$", description="major version label such as v1")]


class ApiCall(SpecModel):
    """A synchronous call to one major version of a gateway API (gateways.apis[])."""

    api: Name = Field(description="gateways.apis[].name")
    version: ApiVersion


class Payload(SpecModel):
    """What travels: its serialization format, the schema it follows and the envelope around it (1.5, 8.2)."""

    format: PayloadFormat = Field(description="serialization of the body: json, xml, avro or protobuf")
    schema_file: Optional[str] = Field(
        default=None, alias="schema", pattern=r"^schemas/[\w./-]+\.(avsc|json|proto|xsd)$",
        description="the event schema the body follows (schemas/...); synchronous integrations follow their "
                    "API's OpenAPI document instead", examples=["schemas/orders/order-lifecycle.avsc"])
    envelope: Envelope = Field(default="none",
                               description="cloudevents: the body travels in a CloudEvents envelope; none: bare")

    @property
    def schema_format(self) -> Optional[str]:
        """The format the schema file's extension implies (None without a schema)."""
        return SCHEMA_FILE_FORMATS[self.schema_file.rsplit(".", 1)[1]] if self.schema_file else None


class Requirements(SpecModel):
    """What the consumer needs of the integration end to end; absent: its own SLOs are the requirement."""

    availability_percent: Optional[float] = Field(default=None, gt=0, lt=100,
                                                  description="share of requests that must succeed, percent")
    latency_p99_ms: Optional[float] = Field(default=None, gt=0,
                                            description="99th-percentile end-to-end latency, milliseconds")


class BoundaryStandard(SpecModel):
    """The format and envelope every integration crossing a cloud or on-prem boundary uses (practice 8.2)."""

    envelope: Envelope = Field(default="cloudevents", description="envelope at boundaries (CloudEvents by default)")
    formats: list[PayloadFormat] = Field(default_factory=lambda: ["json"], min_length=1,
                                         description="payload formats accepted at boundaries")


class DesignStandards(SpecModel):
    """Thresholds and standards the design checks of `hybrid validate` judge integrations against."""

    boundary: BoundaryStandard = Field(default_factory=BoundaryStandard,
                                       description="format and envelope at cloud and on-prem boundaries")
    point_to_point_fanout: int = Field(default=3, ge=1, le=100,
        description="point-to-point integrations one producer may feed before a broker is suggested")


# ---- synchronous chains ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    """One API a synchronous request passes through, with the objectives its owners declare."""

    api: str
    version: str
    owner: str
    availability_percent: Optional[float]
    latency_p99_ms: Optional[float]
    depth: int


def find_api(spec: "EnvironmentSpec", name: str) -> Optional["ApiSpec"]:
    return next((a for a in spec.gateways.apis if a.name == name), None)


def backend_calls(spec: "EnvironmentSpec", call: ApiCall) -> list[ApiCall]:
    """What the backend of `call`'s API version calls synchronously before it answers (none if undefined)."""
    api = find_api(spec, call.api)
    version = next((v for v in api.versions if v.version == call.version), None) if api else None
    return list(version.backend.calls) if version else []


def call_cycle(spec: "EnvironmentSpec", start: ApiCall) -> Optional[list[str]]:
    """The first cycle of synchronous calls reachable from `start`, as `api/version` labels, or None."""
    def walk(call: ApiCall, trail: list[str]) -> Optional[list[str]]:
        label = f"{call.api}/{call.version}"
        if label in trail:
            return trail[trail.index(label):] + [label]
        for nxt in backend_calls(spec, call):
            found = walk(nxt, trail + [label])
            if found:
                return found
        return None
    return walk(start, [])


def sync_hops(spec: "EnvironmentSpec", start: ApiCall) -> list[Hop]:
    """Every API a request to `start` waits on: the API itself, then, depth first, what its backend calls.

    Each call counts once per time it is made (a diamond calls the shared API twice). A cycle (a spec error of
    its own) is cut where it closes, so the walk always ends."""
    hops: list[Hop] = []

    def walk(call: ApiCall, depth: int, trail: frozenset[str]) -> None:
        label = f"{call.api}/{call.version}"
        if label in trail:
            return
        api = find_api(spec, call.api)
        if api is None:
            return
        slo = api.slo
        hops.append(Hop(call.api, call.version, api.owner, slo.availability_percent if slo else None,
                        slo.latency_p99_ms if slo else None, depth))
        for nxt in backend_calls(spec, call):
            walk(nxt, depth + 1, trail | {label})

    walk(start, 0, frozenset())
    return hops


def node_calls(spec: "EnvironmentSpec") -> Iterator[tuple[str, str, ApiCall]]:
    """(field path, calling context, call) for every synchronous call a node or an API's backend declares."""
    for i, node in enumerate(spec.processing.nodes):
        for j, call in enumerate(node.calls):
            yield f"processing.nodes[{i}].calls[{j}]", node.owner, call
    for i, api in enumerate(spec.gateways.apis):
        for j, version in enumerate(api.versions):
            for k, call in enumerate(version.backend.calls):
                yield f"gateways.apis[{i}].versions[{j}].backend.calls[{k}]", api.owner, call


def integration_names(spec: "EnvironmentSpec") -> list[Name]:
    return [i.name for i in spec.observability.integrations]
