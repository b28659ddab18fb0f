"""What a rule is, and the plain resource view every rule judges.

A rule is a function over one resource (or the whole stack) that yields finding messages, or raises
NotApplicable with a reason. The same function runs inside pulumi-policy (see pulumi_adapter) and
offline over a plan, a stack export or a preview (see evaluate), so both give the same verdict.
Messages name what is wrong and how to fix it; they never echo a property value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Optional

CLOUD_PACKAGES = frozenset({"aws", "azure-native", "kubernetes"})
TIERS = ("development", "staging", "production")
LEVELS = ("advisory", "mandatory", "disabled")
SEVERITIES = ("low", "medium", "high", "critical")
# azure-native publishes every API version under its own token (azure-native:keyvault/v20230701:Vault);
# a rule written for the default token judges them all.
_AZURE_VERSIONED = re.compile(r"^azure-native:([^/:]+)/v[0-9a-z]+:(\w+)$")


@lru_cache(maxsize=4096)
def canonical_type(type_: str) -> str:
    """The default-version type token for an azure-native versioned token; other tokens unchanged."""
    match = _AZURE_VERSIONED.match(type_)
    return f"azure-native:{match.group(1)}:{match.group(2)}" if match else type_


class NotApplicable(Exception):
    """The rule cannot apply to this resource; the reason is reported, never silently skipped."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Resource:
    """The resource facts a rule may look at, identical whichever path built them."""

    urn: str
    type: str
    name: str
    props: Mapping[str, Any]
    protect: bool = False
    provider_type: Optional[str] = None
    provider_name: Optional[str] = None
    provider_props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule learns about its environment, all of it from policy config."""

    config: Mapping[str, Any]
    today: date
    secrets_visible: bool = False
    """True only offline (plan, stack export, preview JSON), where secret-marked values arrive as an
    envelope; inside the real engine policies see secrets unwrapped, so secrecy cannot be judged there."""

    @property
    def tier(self) -> str:
        return str(self.config.get("tier", "production"))


ResourceCheck = Callable[[Resource, RuleContext], Iterable[str]]
StackCheck = Callable[[list[Resource], RuleContext], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Rule:
    """One policy: its check and the metadata the pack, the offline checker and docs/policies.md all read."""

    id: str
    concern: str
    """The concern it judges (policies/rules/concerns.py), the key of the generated resource-type table."""
    description: str
    severity: str
    remediation: str
    check: ResourceCheck | StackCheck
    """Per resource: messages; a stack rule (stack=True): (urn, message) pairs."""
    stack: bool = False
    """Stack rules see every resource at once and yield (urn, message) pairs."""
    levels: Mapping[str, str] = field(default_factory=lambda: {
        "development": "advisory", "staging": "mandatory", "production": "mandatory"})
    """Default enforcement per tier; policy config (per environment) may override it."""
    config_properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties this rule reads from policy config, beyond tier and exemptions."""
    types: Optional[frozenset[str]] = None
    """Resource types the rule judges; None means every cloud resource and provider (not components)."""
    offline_only: bool = False
    """Judges what only offline documents show (secret envelopes); inside the engine it reports not applicable."""

    def applies_to(self, type_: str) -> bool:
        if self.types is not None:
            return canonical_type(type_) in self.types
        return type_.split(":")[0] in CLOUD_PACKAGES or type_.startswith("pulumi:providers:")

    def level_for(self, tier: str) -> str:
        return self.levels.get(tier, "mandatory")


COMMON_CONFIG_PROPERTIES: dict[str, dict[str, Any]] = {
    "tier": {"type": "string", "enum": list(TIERS)},
    "exemptions": {"type": "array", "items": {
        "type": "object", "required": ["resource", "justification", "expires"],
        "properties": {"resource": {"type": "string"}, "justification": {"type": "string", "minLength": 20},
                       "expires": {"type": "string", "format": "date"}}}},
}


def exempted(rule_config: Mapping[str, Any], resource: Resource, today: date) -> bool:
    """An exemption applies while unexpired, to '*' or a resource whose name or URN suffix matches."""
    for exemption in rule_config.get("exemptions") or []:
        if date.fromisoformat(str(exemption["expires"])) < today:
            continue
        target = str(exemption["resource"])
        if target == "*" or target == resource.name or resource.urn.endswith(f"::{target}"):
            return True
    return False


def json_prop(props: Mapping[str, Any], key: str) -> Any:
    """A property that may hold a JSON document as a string or an object (policies, redrive settings)."""
    from .values import document

    return document(props.get(key)) if hasattr(props, "get") else None
