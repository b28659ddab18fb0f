"""Discovers the rules: every module in policies/rules/checks defines one `RULE` beside its check.

No hand-kept list: adding a module adds the rule to the pack, the offline checker and the docs table.
Imports stay relative so this works both as `rules` (inside the pack) and as `policies.rules` (offline).
"""

from __future__ import annotations

import importlib
import pkgutil

from . import checks
from .concerns import CONCERNS
from .framework import LEVELS, SEVERITIES, TIERS, Rule


class RegistryError(Exception):
    """A rule module is missing its RULE, repeats an id or carries metadata the pack cannot serve."""


def _validate(rule: Rule, module: str) -> None:
    problems = []
    if rule.concern not in CONCERNS:
        problems.append(f"concern {rule.concern!r} is not in policies/rules/concerns.py")
    if rule.severity not in SEVERITIES:
        problems.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    if set(rule.levels) != set(TIERS) or not set(rule.levels.values()) <= set(LEVELS):
        problems.append(f"levels must give each tier ({', '.join(TIERS)}) one of {', '.join(LEVELS)}")
    if not (rule.description and rule.remediation):
        problems.append("description and remediation are required")
    if rule.id.replace("-", "_") != module.rsplit(".", 1)[-1]:
        problems.append(f"the module must be named after the rule id ({rule.id.replace('-', '_')}.py)")
    if problems:
        raise RegistryError(f"{module}: " + "; ".join(problems))


def discover() -> list[Rule]:
    rules: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(checks.__path__), key=lambda i: i.name):
        name = f"{checks.__name__}.{info.name}"
        module = importlib.import_module(name)
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            raise RegistryError(f"{name}: defines no RULE")
        _validate(rule, name)
        if rule.id in rules:
            raise RegistryError(f"{name}: rule id {rule.id!r} is already registered")
        rules[rule.id] = rule
    return list(rules.values())
