"""Live configuration as resource states: the plan's type tokens and input shapes, in a stack export's document.

Each state has a URN of the environment's stack (so `hybrid check` and SARIF read it like any export), its
inputs as the provider would hold them, and a provider per region (`pulumi:providers:aws` with its `region`,
`pulumi:providers:azure-native` with its `location`), because a resource's region is its provider's unless
it says otherwise (DESIGN.md). Names are the live ones (an API's name, a queue's, a group's id), so a finding
points at something a console shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

AUDIT_PROVIDER_PREFIX = "audit"
_UNSAFE = re.compile(r"[^A-Za-z0-9._/@+=,-]+")


def urn_name(name: str) -> str:
    """A URN-safe name: live names may hold characters a URN part may not (`::`, spaces)."""
    return _UNSAFE.sub("_", name).strip("_") or "unnamed"


@dataclass
class Collected:
    """The resource states an audit read, in order, with one provider per cloud and region."""

    stack: str
    project: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    _providers: dict[tuple[str, str], str] = field(default_factory=dict)
    _urns: set[str] = field(default_factory=set)

    def _provider(self, package: str, region: str) -> str:
        key = (package, region)
        if key not in self._providers:
            name = f"{AUDIT_PROVIDER_PREFIX}-{package}-{region}"
            urn = f"urn:pulumi:{self.stack}::{self.project}::pulumi:providers:{package}::{name}"
            inputs = {"region": region} if package == "aws" else {"location": region}
            self.resources.append({"urn": urn, "custom": True, "id": name, "type": f"pulumi:providers:{package}",
                                   "inputs": inputs, "protect": False, "dependencies": []})
            self._providers[key] = f"{urn}::{name}"
        return self._providers[key]

    def add(self, type_: str, name: str, inputs: dict[str, Any], region: Optional[str], live_id: str = "") -> str:
        """Record one state; returns its URN. A second state of the same type and name gets a numbered URN."""
        package = "azure-native" if type_.startswith("azure-native:") else type_.split(":")[0]
        base = f"urn:pulumi:{self.stack}::{self.project}::{type_}::{urn_name(name)}"
        urn, n = base, 1
        while urn in self._urns:
            n += 1
            urn = f"{base}-{n}"
        self._urns.add(urn)
        state: dict[str, Any] = {"urn": urn, "custom": True, "id": live_id or name, "type": type_,
                                 "inputs": inputs, "protect": False, "dependencies": []}
        if region:
            state["provider"] = self._provider(package, region)
        self.resources.append(state)
        return urn

    def document(self) -> dict[str, Any]:
        """A version-3 stack export of what was read (providers first, as an export lists them)."""
        providers = [r for r in self.resources if r["type"].startswith("pulumi:providers:")]
        others = [r for r in self.resources if not r["type"].startswith("pulumi:providers:")]
        return {"version": 3, "deployment": {"manifest": {"time": "0001-01-01T00:00:00Z", "magic": "",
                                                          "version": "hybrid audit"},
                                             "resources": providers + others}}


def policy_text(value: Any) -> Optional[str]:
    """A resource policy as the JSON text a plan carries. AWS returns some policies with their quotes escaped
    (API Gateway's GetRestApi); read both forms, and keep text that parses as neither as it is."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return json.dumps(value, sort_keys=True)
    for candidate in (value, value.replace('\\"', '"')):
        try:
            return json.dumps(json.loads(candidate), sort_keys=True)
        except ValueError:
            continue
    return value
