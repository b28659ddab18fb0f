"""The contract checks' view of a document: resource states, what each one is known by, and the findings.

Plans, stack exports and previews all carry resource states (urn, type, inputs, dependencies, provider).
Real exports and previews also carry outputs; a plan does not, so a plan's resources are known by the
outputs the planner's mocks gave them (the same values every dependant saw while the program ran).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from ..export_format import UNKNOWN
from ..checker.sources import SECRET_MARKER, opaque_secrets, states_of, type_of

__all__ = ["SECRET_MARKER", "UNKNOWN", "Document", "Finding", "State"]

"""The engine's sentinel for a value not known until apply (preview); such values are skipped, never guessed."""

ARN_RE = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws)?:(.+)$")
AZURE_ID_RE = re.compile(r"^/subscriptions/([0-9a-fA-F-]{36})(/resourceGroups/([^/]+))?(/providers/.+)?$", re.I)


@dataclass(frozen=True, order=True)
class Finding:
    """One resource whose input a real cloud or engine would refuse, or wire to nothing."""

    urn: str
    check: str
    message: str


@dataclass
class State:
    urn: str
    type: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str
    parent: str
    provider: str
    """Provider URN (without the ::id suffix), or ''."""
    dependencies: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.urn.split("::")[-1]

    @property
    def package(self) -> str:
        return self.type.split(":")[0]


def azure_key(resource_id: str) -> tuple[str, ...] | None:
    """An Azure id as (subscription, resource group, last type, last name), lower-case: ARM ids are
    case-insensitive, and nested ids are named by their last segment pair."""
    match = AZURE_ID_RE.match(resource_id)
    if not match:
        return None
    parts = (match.group(4) or "").strip("/").split("/")
    last = (parts[-2], parts[-1]) if len(parts) >= 4 else ("resourcegroups", match.group(3) or "")
    return (match.group(1).lower(), (match.group(3) or "").lower(), last[0].lower(), last[1].lower())


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) for every string leaf; JSON documents held in strings (policies) are opened."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("__"):
                continue  # engine bookkeeping such as __defaults
            yield from strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        if value in (UNKNOWN, SECRET_MARKER):
            return
        if value[:1] in "{[" and value[-1:] in "}]":
            try:
                document = json.loads(value)
            except ValueError:
                pass
            else:
                yield from strings(document, path)
                return
        yield path, value


@dataclass
class Document:
    """Every resource state of one document, indexed for the checks."""

    states: list[State]
    by_urn: dict[str, State] = field(init=False)

    def __post_init__(self) -> None:
        self.by_urn = {s.urn: s for s in self.states}
        self._strings: dict[str, list[tuple[str, str]]] = {}

    def strings(self, state: State) -> list[tuple[str, str]]:
        """`strings(state.inputs)`, computed once per resource (several checks walk the same inputs)."""
        found = self._strings.get(state.urn)
        if found is None:
            found = self._strings[state.urn] = list(strings(state.inputs))
        return found

    @classmethod
    def of(cls, document: Any) -> "Document":
        from .known import planned_outputs  # the planner's mocks, only for plans (no outputs recorded)

        states = []
        raw = states_of(document)
        by_urn = {s.get("urn"): s for s in raw}
        for s in raw:
            if "urn" not in s:
                continue
            provider = (s.get("provider") or "").rsplit("::", 1)[0]
            inputs = opaque_secrets(s.get("inputs") or {})
            outputs = s.get("outputs")
            if outputs is None and s.get("custom"):
                outputs = planned_outputs(s, by_urn.get(provider))
            states.append(State(urn=s["urn"], type=type_of(s), custom=bool(s.get("custom")), inputs=inputs,
                                outputs=opaque_secrets(outputs or {}), id=str(s.get("id") or ""),
                                parent=s.get("parent") or "", provider=provider,
                                dependencies=tuple(s.get("dependencies") or ())))
        return cls(states)

    def custom(self) -> Iterator[State]:
        return (s for s in self.states if s.custom and not s.type.startswith("pulumi:"))

    def of_type(self, *types: str) -> list[State]:
        return [s for s in self.states if s.type in types]

    @cached_property
    def known_by(self) -> dict[str, set[str]]:
        """Identifier (ARN, URL, id, Azure key as text) -> URNs of the planned resources known by it."""
        index: dict[str, set[str]] = {}
        for state in self.custom():
            for value in identifiers_of(state):
                index.setdefault(value, set()).add(state.urn)
        return index

    @cached_property
    def azure_known(self) -> dict[tuple[str, ...], set[str]]:
        index: dict[tuple[str, ...], set[str]] = {}
        for state in self.custom():
            if state.package == "azure-native" and (key := azure_key(state.id)):
                index.setdefault(key, set()).add(state.urn)
        return index

    def owners(self, value: str) -> set[str]:
        """Planned resources an identifier names (an Azure id by its case-insensitive key)."""
        if value.startswith("/subscriptions/"):
            key = azure_key(value)
            return set(self.azure_known.get(key, ())) if key else set()
        return set(self.known_by.get(value, ()))

    def upstream(self, urn: str) -> set[str]:
        """Everything the engine creates before `urn`: its dependencies, transitively."""
        seen: set[str] = set()
        stack = list(self.by_urn[urn].dependencies) if urn in self.by_urn else []
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.by_urn:
                stack.extend(self.by_urn[current].dependencies)
        return seen


STRONG_OUTPUT_KEYS = ("arn", "url", "keyId", "id")
STRONG_ID_RE = re.compile(
    r"^(arn:aws|https://|/subscriptions/|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|"
    r"[a-z]{2,9}-[0-9a-f]{8,}$|Z[A-Z0-9]{8,}$|mrk-[0-9a-f]{32}$)")
"""Ids that can only mean one resource: ARNs, URLs, ARM ids, UUIDs, EC2-style and Route 53 zone ids."""


def strong(value: str) -> bool:
    return bool(STRONG_ID_RE.match(value))


def identifiers_of(state: State) -> Iterator[str]:
    """What other inputs may use to refer to a planned resource: its id and identifying outputs.

    Plain names are not identifiers here (a Deployment and its Service share one and refer to nothing)."""
    if state.id and strong(state.id):
        yield state.id
    for key in STRONG_OUTPUT_KEYS:
        value = state.outputs.get(key)
        if isinstance(value, str) and strong(value):
            yield value
    yield from replica_arns(state)
    yield from table_replica_arns(state)


# A global table is known by its stream and by each replica's table and stream ARNs, as the provider reports
# them (`streamArn`, `replicas[].arn`, `replicas[].streamArn`): grants name the replica of their own region.
TABLE_TYPE = "aws:dynamodb/table:Table"


def table_replica_arns(state: State) -> Iterator[str]:
    if state.type != TABLE_TYPE:
        return
    replicas = state.outputs.get("replicas")
    entries = [state.outputs] + (replicas if isinstance(replicas, list) else [])
    for entry in entries:
        for key in ("arn", "streamArn"):
            value = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(value, str) and strong(value):
                yield value


def replica_arns(state: State) -> Iterator[str]:
    """A replicated secret is also known by its replicas' ARNs: the same ARN in each replica region
    (https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html)."""
    arn = state.outputs.get("arn")
    replicas = state.inputs.get("replicas")
    if state.type != "aws:secretsmanager/secret:Secret" or not isinstance(arn, str) or not isinstance(replicas, list):
        return
    parts = arn.split(":")
    if len(parts) < 7:
        return
    for replica in replicas:
        region = replica.get("region") if isinstance(replica, dict) else None
        if isinstance(region, str) and region:
            yield ":".join(parts[:3] + [region] + parts[4:])
