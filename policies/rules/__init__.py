"""Every rule of the pack, discovered from policies/rules/checks (one rule per module).

Imports are relative so this package loads both as `rules` (inside the policy pack, where the engine
runs policies/__main__.py) and as `policies.rules` (offline tooling)."""

from .framework import NotApplicable, Resource, Rule, RuleContext
from .registry import discover

ALL_RULES: list[Rule] = discover()
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_ID", "NotApplicable", "Resource", "Rule", "RuleContext"]
