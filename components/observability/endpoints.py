"""On-call endpoints come from ONE secret config key holding a JSON map (entry -> URL or address).

The value is only ever handled inside `Output.apply` on a secret Output, so it stays secret-marked all the
way to the subscription input and never reaches a plan, log or message in plaintext.
"""

from __future__ import annotations

import json

import pulumi

from ..spec.observability import EndpointRef, ObservabilitySpec


class EndpointError(ValueError):
    """The secret map is malformed or lacks an entry; the message names the key and entry, never the value."""


def pick_entry(raw: str, ref: EndpointRef) -> str:
    try:
        entries = json.loads(raw)
    except ValueError:
        raise EndpointError(f"secret config key {ref.secret!r} must hold a JSON object of endpoints") from None
    if not isinstance(entries, dict):
        raise EndpointError(f"secret config key {ref.secret!r} must hold a JSON object of endpoints")
    value = entries.get(ref.entry)
    if not isinstance(value, str) or not value:
        raise EndpointError(f"secret config key {ref.secret!r} has no endpoint for entry {ref.entry!r}")
    return value


def endpoint(secrets: dict[str, pulumi.Output[str]], ref: EndpointRef) -> pulumi.Output[str]:
    return pulumi.Output.secret(secrets[ref.secret]).apply(lambda raw: pick_entry(raw, ref))


def placeholder_entries(spec: ObservabilitySpec) -> dict[str, str]:
    """Offline-plan placeholders shaped like the real maps (one placeholder per referenced entry)."""
    maps: dict[str, dict[str, str]] = {}
    for target in spec.oncall:
        scheme = "mailto:" if target.kind == "email" else "https://"
        maps.setdefault(target.endpoint.secret, {})[target.endpoint.entry] = (
            f"{scheme}placeholder-for-{target.endpoint.secret}-{target.endpoint.entry}")
    return {key: json.dumps(entries, sort_keys=True) for key, entries in maps.items()}


def escalation_map(spec: ObservabilitySpec) -> dict[str, dict[str, list[str]]]:
    """Per severity, which targets page and which only notify (a stack output; no endpoints in it)."""
    return {severity: {"pages": [t.name for t in spec.targets_for(severity) if t.pages],
                       "notifies": [t.name for t in spec.targets_for(severity) if not t.pages]}
            for severity in ("critical", "warning")}
