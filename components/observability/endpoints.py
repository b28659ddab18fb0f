"""On-call endpoints come from ONE secret config key holding a JSON map (entry -> URL or address)
(see components/secret_maps.py for how the map stays secret)."""

from __future__ import annotations

import json

import pulumi

from ..secret_maps import SecretMapError, pick
from ..spec.observability import EndpointRef, ObservabilitySpec


EndpointError = SecretMapError


def pick_entry(raw: str, ref: EndpointRef) -> str:
    return pick(raw, ref.secret, ref.entry, "endpoint")


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
