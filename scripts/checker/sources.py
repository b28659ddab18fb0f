"""Turns a plan, a `pulumi stack export` or a `pulumi preview --json` document into rule resource views.

Secrets arrive as the export's ciphertext envelope or preview's "[secret]"; rules never need their
values, so both become the same opaque marker. Unknown values stay as the engine's sentinel and sit
behind pulumi-policy's own unknown-checking proxy, exactly as inside the real engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules.framework import Resource

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SECRET_MARKER = "[secret]"


class SourceError(Exception):
    """The file is not a plan, a stack export or a preview."""


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
            if step.get("op") in ("delete", "discard", "delete-replaced", "read-discard"):
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


def stack_of(document: Any) -> str | None:
    """The stack name from the URNs (urn:pulumi:<stack>::<project>::...)."""
    names = {s["urn"].split("::")[0].removeprefix("urn:pulumi:") for s in states_of(document) if "urn" in s}
    return names.pop() if len(names) == 1 else None


def read_document(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}: not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
