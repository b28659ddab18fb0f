"""Resource-by-resource comparison of two stack-export-shaped documents (plans or real exports).

Resources are matched by URN, as the engine matches them. A resource present on one side only is
created or deleted; one present on both with different inputs is updated, or replaced when a changed
property is create-only for its type (scripts/diff/replacements.py), when its provider changed, or
when its provider is itself replaced (a replaced provider takes every resource it manages with it).
Secrets are opaque on both sides: their values are never compared or shown. A diff run compares keyed
digests of them instead (scripts/diff/values.keyed_digest) and reports "changed (secret)"; a drift cannot
(an export holds ciphertext, the plan placeholders for secret config) and lists them as not comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from policies.rules.protection import STATEFUL

from .replacements import forces_replacement
from .values import ABSENT, SECRET, flatten, json_document

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
KINDS = (CREATE, UPDATE, REPLACE, DELETE)
ROOT_TYPE = "pulumi:pulumi:Stack"
PROTECT = "(protect)"


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any
    replaces: bool | None
    """True when create-only, None when the table does not know the type."""
    secret: bool = False
    """A secret-marked value: old and new are the SECRET marker, the value itself is never held."""


@dataclass(frozen=True)
class Change:
    urn: str
    type: str
    kind: str
    protected: bool = False
    properties: tuple[PropertyChange, ...] = ()
    reasons: tuple[str, ...] = ()
    """Why a replacement happens beyond a create-only property (provider change)."""

    @property
    def name(self) -> str:
        return self.urn.split("::")[-1]

    @property
    def stateful(self) -> bool:
        return self.type in STATEFUL

    @property
    def destructive(self) -> bool:
        """Deletion or replacement of something whose loss loses data or that was protected."""
        return self.kind in (DELETE, REPLACE) and (self.stateful or self.protected)

    @property
    def replacement_unknown(self) -> bool:
        return self.kind == UPDATE and any(p.replaces is None for p in self.properties)


@dataclass
class ResourceDiff:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    not_comparable: list[tuple[str, str]] = field(default_factory=list)
    """(URN, path) of secret-marked inputs neither side can be compared on (drift)."""

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in KINDS}

    @property
    def empty(self) -> bool:
        return not self.changes


def states(document: Any) -> dict[str, dict[str, Any]]:
    """URN -> resource state of a plan or stack export, the root stack included (the engine counts it too,
    so the diff's totals match the plan's resource count)."""
    resources = (document or {}).get("deployment", {}).get("resources") or []
    return {r["urn"]: r for r in resources if "urn" in r}


def _inputs(state: dict[str, Any]) -> dict[str, Any]:
    """Inputs; an export written without them (very old engines) is judged by its outputs instead.
    The root stack has outputs only, which are results rather than intent: it is never property-compared."""
    if state.get("type") == ROOT_TYPE:
        return {}
    return state.get("inputs") if "inputs" in state else state.get("outputs") or {}


def _provider_urn(state: dict[str, Any]) -> str | None:
    ref = state.get("provider")
    return ref.rsplit("::", 1)[0] if ref else None


def _intended(path: str, head_paths: set[str], head_lists: dict[str, int]) -> bool:
    """Drift compares what the plan sets: its own leaf paths, and extra items in lists it sets."""
    if path in head_paths:
        return True
    for match in re.finditer(r"\[(\d+)\]", path):
        container = path[:match.start()]
        if container in head_lists and int(match.group(1)) >= head_lists[container]:
            return True
    return False


def _list_lengths(value: Any, prefix: str = "") -> dict[str, int]:
    lengths: dict[str, int] = {}
    if isinstance(value, str) and prefix:
        value = json_document(value)
    if isinstance(value, dict):
        for key, item in value.items():
            lengths.update(_list_lengths(item, f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, list):
        lengths[prefix] = len(value)
        for index, item in enumerate(value):
            lengths.update(_list_lengths(item, f"{prefix}[{index}]"))
    return lengths


Digests = dict[str, str]


def property_changes(type_: str, old_inputs: dict[str, Any], new_inputs: dict[str, Any],
                     intended_only: bool = False, digests: tuple[Digests | None, Digests | None] = (None, None),
                     not_comparable: list[str] | None = None) -> list[PropertyChange]:
    """Changed leaf properties, old -> new.

    `intended_only` (drift) ignores what only the old side (reality) sets: provider-added defaults
    and computed values, unless they are extra items of a list the new side (the plan) sets.
    `digests` (path -> keyed digest, per side) decide whether a value secret on both sides changed;
    without them such a path is appended to `not_comparable`.
    """
    old = flatten(old_inputs) if old_inputs else {}
    new = flatten(new_inputs) if new_inputs else {}
    paths = set(old) | set(new)
    if intended_only:
        head_lists = _list_lengths(new_inputs)
        paths = {p for p in paths if _intended(p, set(new), head_lists)}
    changes = []
    for path in sorted(paths):
        before, after = old.get(path, ABSENT), new.get(path, ABSENT)
        if SECRET in (before, after):
            # Never shown: secret on both sides is compared by digest when both sides have one; a value
            # that becomes (or stops being) secret is reported, hidden on both sides.
            if before == after:
                old_digests, new_digests = digests
                if old_digests is None or new_digests is None:
                    if not_comparable is not None:
                        not_comparable.append(path)
                    continue
                if old_digests.get(path) == new_digests.get(path):
                    continue
            before, after = (v if v is ABSENT else SECRET for v in (before, after))
            changes.append(PropertyChange(path, before, after, forces_replacement(type_, path), secret=True))
            continue
        if before == after:
            continue
        changes.append(PropertyChange(path, before, after, forces_replacement(type_, path)))
    return changes


def _substitute(value: Any, ids: dict[str, str]) -> Any:
    """The plan's mock ids (and ARNs/URLs built from them) rewritten to the real ids of the same resources."""
    if isinstance(value, str):
        for mock, real in ids.items():
            if mock in value:
                value = value.replace(mock, real)
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, ids) for v in value]
    return value


def compare(base: Any, head: Any, drift: bool = False,
            digests: tuple[dict[str, Digests] | None, dict[str, Digests] | None] = (None, None)) -> ResourceDiff:
    """What applying `head` over `base` does, resource by resource (unchanged ones only counted).

    `drift`: `base` is a real stack export and `head` the offline plan. Only what the plan sets is
    compared, and the plan's mock ids are first mapped to the real ids of the same URNs.
    `digests`: URN -> path -> keyed digest of each side's secret inputs, from one diff run's key.
    """
    old, new = states(base), states(head)
    if drift:
        ids = {new[u]["id"]: old[u]["id"] for u in set(old) & set(new)
               if len(str(new[u].get("id") or "")) >= 8 and old[u].get("id") and new[u]["id"] != old[u]["id"]}
        new = {u: {**s, "inputs": _substitute(s.get("inputs") or {}, ids)} for u, s in new.items()}
    result = ResourceDiff()
    replaced_providers: set[str] = set()
    # Providers first: their replacement decides their resources'.
    ordered = sorted(set(old) | set(new), key=lambda urn: (not (old.get(urn) or new[urn])["type"]
                                                           .startswith("pulumi:providers:"), urn))
    for urn in ordered:
        before, after = old.get(urn), new.get(urn)
        if before is None:
            result.changes.append(Change(urn, after["type"], CREATE, bool(after.get("protect"))))
            continue
        if after is None:
            result.changes.append(Change(urn, before["type"], DELETE, bool(before.get("protect"))))
            continue
        type_ = after["type"]
        hidden: list[str] = []
        sides = tuple(None if d is None else d.get(urn, {}) for d in digests)
        props = property_changes(type_, _inputs(before), _inputs(after), intended_only=drift,
                                 digests=sides, not_comparable=hidden)  # type: ignore[arg-type]
        result.not_comparable += [(urn, path) for path in hidden]
        if bool(before.get("protect")) != bool(after.get("protect")):
            props.append(PropertyChange(PROTECT, bool(before.get("protect")), bool(after.get("protect")), False))
        props = tuple(props)
        reasons = []
        if _provider_urn(before) != _provider_urn(after):
            reasons.append("its provider changed")
        elif _provider_urn(after) in replaced_providers:
            reasons.append("its provider is replaced")
        protected = bool(before.get("protect") or after.get("protect"))
        if reasons or any(p.replaces for p in props):
            if type_.startswith("pulumi:providers:"):
                replaced_providers.add(urn)
            result.changes.append(Change(urn, type_, REPLACE, protected, props, tuple(reasons)))
        elif props:
            result.changes.append(Change(urn, type_, UPDATE, protected, props))
        else:
            result.unchanged += 1
    order = {kind: i for i, kind in enumerate((DELETE, REPLACE, UPDATE, CREATE))}
    result.changes.sort(key=lambda c: (not c.destructive, order[c.kind], c.urn))
    return result
