"""Every rule of the pack. Imports are relative so this package loads both as `rules` (inside the
policy pack, where the engine runs policies/__main__.py) and as `policies.rules` (offline tooling)."""

from . import messaging, protection, residency, tagging
from .framework import NotApplicable, Resource, Rule, RuleContext

ALL_RULES: list[Rule] = [*messaging.RULES, *residency.RULES, *tagging.RULES, *protection.RULES]

__all__ = ["ALL_RULES", "NotApplicable", "Resource", "Rule", "RuleContext"]
