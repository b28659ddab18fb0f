"""Turns a plan, a `pulumi stack export` or a `pulumi preview --json` document into rule resource views.

Secrets arrive as the export's ciphertext envelope or preview's "[secret]"; rules never need their
values, so both become the same opaque marker. Unknown values stay as the engine's sentinel and sit
behind pulumi-policy's own unknown-checking proxy, exactly as inside the real engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulumi_policy.proxy import unknown_checking_proxy

from components.spec.documents import STDIN, DocumentError, read_json
from policies.rules.framework import Resource

from ..export_format import PREVIEW_SECRET, SECRET_SIG, SECRET_SIG_KEY

SECRET_MARKER = PREVIEW_SECRET
EXPORT_VERSIONS = (3, 4)
"""`pulumi stack export` deployment versions; version 4 adds a `features` list."""
KNOWN_FEATURES = frozenset({"refreshBeforeUpdate", "views", "hooks"})
"""Version-4 features this reader understands: each only adds resource fields the rules do not need."""
SKIPPED_OPS = ("delete", "discard", "delete-replaced", "read-discard")


class SourceError(Exception):
    """The file is not a plan, a stack export or a preview."""


def check_shape(document: Any, label: str) -> None:
    """Refuse, naming the field, whatever is not a plan, a stack export (version 3 or 4) or a preview."""
    if not isinstance(document, dict):
        raise SourceError(f"{label}: expected a JSON object: a plan or `pulumi stack export` ({{version, deployment}}) "
                          f"or `pulumi preview --json` output ({{steps}}), got {type(document).__name__}")
    if "deployment" in document:
        version = document.get("version")
        if isinstance(version, bool) or version not in EXPORT_VERSIONS:
            raise SourceError(f"{label}: version: expected a stack export version "
                              f"{' or '.join(map(str, EXPORT_VERSIONS))}, got {_shown(version)}")
        features = document.get("features", [])
        if version == 3 and "features" in document:
            raise SourceError(f"{label}: features: only version 4 exports carry features; expected none in version 3")
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise SourceError(f"{label}: features: expected a list of feature names")
        unknown = sorted(set(features) - KNOWN_FEATURES)
        if unknown:
            raise SourceError(f"{label}: features: {', '.join(map(repr, unknown))} not supported; expected only "
                              f"{', '.join(sorted(KNOWN_FEATURES))}")
        deployment = document["deployment"]
        if not isinstance(deployment, dict):
            raise SourceError(f"{label}: deployment: expected an object with resources")
        resources = deployment.get("resources") or []
        if not isinstance(resources, list):
            raise SourceError(f"{label}: deployment.resources: expected a list of resource states, "
                              f"got {type(resources).__name__}")
        for i, state in enumerate(resources):
            _check_state(state, f"{label}: deployment.resources[{i}]")
        return
    if "steps" in document:
        steps = document["steps"]
        if not isinstance(steps, list):
            raise SourceError(f"{label}: steps: expected a list of preview steps, got {type(steps).__name__}")
        for i, step in enumerate(steps):
            if not isinstance(step, dict):
                raise SourceError(f"{label}: steps[{i}]: expected a step object ({{op, urn, newState}}), "
                                  f"got {_shown(step)}")
            if not isinstance(step.get("op", ""), str):
                raise SourceError(f"{label}: steps[{i}].op: expected an operation name such as create or update")
            for side in ("newState", "oldState"):
                if step.get(side) is not None:
                    _check_state(step[side], f"{label}: steps[{i}].{side}")
        return
    raise SourceError(f"{label}: expected a plan or `pulumi stack export` ({{version, deployment: {{resources}}}}) or "
                      "`pulumi preview --json` output ({steps: [...]})")


def _shown(value: Any) -> str:
    return "null" if value is None else (repr(value) if isinstance(value, (int, float, str)) and len(repr(value)) < 40
                                         else f"a {type(value).__name__}")


def valid_urn(urn: Any) -> bool:
    """urn:pulumi:<stack>::<project>::<type chain>::<name>, each part present."""
    if not isinstance(urn, str) or not urn.startswith("urn:pulumi:"):
        return False
    parts = urn.removeprefix("urn:pulumi:").split("::", 3)
    return len(parts) == 4 and all(parts)


def _check_state(state: Any, where: str) -> None:
    if not isinstance(state, dict):
        raise SourceError(f"{where}: expected a resource state object, got {_shown(state)}")
    urn = state.get("urn")
    if not valid_urn(urn):
        raise SourceError(f"{where}.urn: expected a URN like urn:pulumi:<stack>::<project>::<type>::<name>, "
                          f"got {_shown(urn)}")
    for key, kind in (("type", str), ("inputs", dict), ("outputs", dict), ("provider", str), ("parent", str),
                      ("dependencies", list)):
        if state.get(key) is not None and not isinstance(state[key], kind):
            raise SourceError(f"{where}.{key}: expected {'an object' if kind is dict else 'a list' if kind is list else 'a string'}, "
                              f"got {_shown(state[key])}")
    provider = state.get("provider")
    if provider and not valid_urn(provider.rsplit("::", 1)[0]):
        raise SourceError(f"{where}.provider: expected <provider urn>::<id>, got {_shown(provider)}")


def opaque_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            return SECRET_MARKER
        return {k: opaque_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [opaque_secrets(v) for v in value]
    return value


def states_of(document: Any) -> list[dict[str, Any]]:
    """Resource states from any of the three shapes."""
    if isinstance(document, dict) and isinstance(document.get("deployment"), dict):
        return list(document["deployment"].get("resources") or [])
    if isinstance(document, dict) and isinstance(document.get("steps"), list):
        states = []
        for step in document["steps"]:
            if step.get("op") in SKIPPED_OPS:
                continue
            state = step.get("newState") or step.get("oldState")
            if state:
                states.append(state)
        return states
    raise SourceError("expected a plan or `pulumi stack export` ({version, deployment: {resources}}) or "
                      "`pulumi preview --json` output ({steps: [...]})")


def name_of(urn: str) -> str:
    return urn.split("::")[-1]


def type_of(state: dict[str, Any]) -> str:
    return state.get("type") or state["urn"].split("::")[2].split("$")[-1]


def resources_of(document: Any) -> list[Resource]:
    states = states_of(document)
    by_urn = {s["urn"]: s for s in states if "urn" in s}
    views = []
    for state in states:
        provider_ref = state.get("provider") or ""
        provider = by_urn.get(provider_ref.rsplit("::", 1)[0]) if provider_ref else None
        views.append(Resource(
            urn=state["urn"], type=type_of(state), name=name_of(state["urn"]),
            props=unknown_checking_proxy(opaque_secrets(state.get("inputs") or {})),
            protect=bool(state.get("protect")),
            provider_type=type_of(provider) if provider else (provider_ref.split("::")[2] if provider_ref else None),
            provider_name=name_of(provider_ref.rsplit("::", 1)[0]) if provider_ref else None,
            provider_props=opaque_secrets(provider.get("inputs") or {}) if provider else {}))
    return views


def stacks_of(document: Any) -> set[str]:
    """The stack names in the URNs (urn:pulumi:<stack>::<project>::...)."""
    return {s["urn"].split("::")[0].removeprefix("urn:pulumi:") for s in states_of(document) if "urn" in s}


def stack_of(document: Any) -> str | None:
    """The one stack the document is of, or None (no URNs, or several stacks)."""
    names = stacks_of(document)
    return names.pop() if len(names) == 1 else None


def projects_of(document: Any) -> set[str]:
    """The project names in the URNs (a plan or export holds one)."""
    return {s["urn"].split("::")[1] for s in states_of(document) if "urn" in s}


def read_document(path: Path | str) -> Any:
    """A plan, export or preview from a file, or from standard input when `path` is "-"; SourceError otherwise."""
    label = "(standard input)" if str(path) == STDIN else str(path)
    try:
        document = read_json(path)
    except DocumentError as error:
        raise SourceError(str(error)) from None
    check_shape(document, label)
    return document
