"""Cross-field checks of integrations as designs: the pattern's resources, the payload, the saga, the calls.

Errors only where the spec contradicts itself or names what does not exist; whether a design meets its own
objectives is for the design checks of `hybrid validate` (warnings).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

from .base import Problem
from .integration_design import ApiCall, call_cycle, find_api, node_calls

if TYPE_CHECKING:
    from .environment import EnvironmentSpec
    from .observability import Integration

PATTERN_FIELDS = {"sync": "api", "async": "broker"}


def check_api_call(spec: "EnvironmentSpec", path: str, call: ApiCall) -> Iterator[Problem]:
    api = find_api(spec, call.api)
    if api is None:
        names = ", ".join(sorted(a.name for a in spec.gateways.apis)) or "none"
        yield f"{path}.api", f"undefined API {call.api!r}; expected one of gateways.apis[].name ({names})"
        return
    versions = [v.version for v in api.versions]
    if call.version not in versions:
        yield f"{path}.version", f"API {call.api!r} has no version {call.version!r}; expected one of {', '.join(versions)}"


def _pattern(path: str, integration: "Integration") -> Iterator[Problem]:
    pattern = integration.pattern
    needed = PATTERN_FIELDS.get(pattern)
    if needed and getattr(integration, needed) is None:
        what = "the gateway API (and version) the consumer calls" if needed == "api" else "the broker it goes through"
        yield f"{path}.{needed}", f"a {pattern} integration names {what}; expected {needed}"
    for field in ("api", "broker"):
        if field != needed and getattr(integration, field) is not None:
            yield (f"{path}.{field}", f"a {pattern} integration has no {field} (sync goes through an api, async "
                                      f"through a broker, point-to-point through neither); expected no {field}")


def _payload(spec: "EnvironmentSpec", path: str, integration: "Integration", root: Optional[Path]) -> Iterator[Problem]:
    payload = integration.payload
    if payload is None:
        return
    if payload.schema_file is not None:
        if integration.pattern == "sync":
            yield (f"{path}.payload.schema", "a synchronous integration follows its API's OpenAPI document; "
                                             "expected no event schema")
        if payload.schema_format != payload.format:
            yield (f"{path}.payload.format", f"schema {payload.schema_file} is {payload.schema_format}; expected "
                                             f"format {payload.schema_format} (or a {payload.format} schema)")
        if ".." in Path(payload.schema_file).parts:
            yield f"{path}.payload.schema", "expected a path inside schemas/ (no `..`)"
        elif root is not None and not (root / payload.schema_file).is_file():
            yield f"{path}.payload.schema", f"schema file {payload.schema_file} not found; expected a file under schemas/"
    broker = next((b for b in spec.messaging.brokers if b.name == integration.broker), None)
    queue = next((q for q in broker.queue_specs() if q.name == integration.queue), None) if broker else None
    bound = queue.event_schema if queue is not None else None
    if bound is not None and payload.schema_file not in (None, bound.file):
        yield (f"{path}.payload.schema", f"queue {queue.name!r} is bound to {bound.file}; expected the same schema "
                                         f"(or none, to follow the queue's)")


def _transaction(spec: "EnvironmentSpec", path: str, integration: "Integration") -> Iterator[Problem]:
    sagas = {s.name for s in spec.data.sagas}
    if integration.saga is not None:
        if integration.saga not in sagas:
            yield (f"{path}.saga", f"undefined saga {integration.saga!r}; expected one of data.sagas[].name "
                                   f"({', '.join(sorted(sagas)) or 'none'})")
        if not integration.transactional:
            yield f"{path}.saga", "a saga keeps a transactional flow consistent; expected transactional: true, or no saga"
    elif integration.transactional and integration.pattern == "async":
        yield (f"{path}.saga", "an asynchronous integration commits in each context separately, so transactional "
                               "integrity needs a saga with compensations (practice 4.1); expected saga: <data.sagas[].name>")


def check_integrations(spec: "EnvironmentSpec", root: Optional[Path] = None) -> Iterator[Problem]:
    for i, integration in enumerate(spec.observability.integrations):
        path = f"observability.integrations[{i}]"
        yield from _pattern(path, integration)
        if integration.api is not None:
            yield from check_api_call(spec, f"{path}.api", integration.api)
        yield from _payload(spec, path, integration, root)
        yield from _transaction(spec, path, integration)
    reported: set[str] = set()
    for path, _, call in node_calls(spec):
        yield from check_api_call(spec, path, call)
        cycle = call_cycle(spec, call)
        if cycle and not reported & set(cycle):
            reported |= set(cycle)
            yield (path, f"synchronous calls form a cycle ({' -> '.join(cycle)}), so a request waits on itself; "
                         "expected the chain to end (make one hop asynchronous)")
