"""Runs the rules offline over resource views (from a plan, a stack export or a preview).

Mirrors pulumi-policy's own semantics: enforcement from policy config (per rule, then "all", then the
rule's default), exemptions, not-applicable reasons, and a rule that touches an unknown value during
preview is skipped with a note rather than judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from pulumi_policy.proxy import UnknownValueError

from . import clock
from .framework import NotApplicable, Resource, Rule, RuleContext, exempted


@dataclass
class Verdict:
    rule: Rule
    level: str
    violations: list[tuple[str, str]] = field(default_factory=list)
    exempted: list[str] = field(default_factory=list)
    not_applicable: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.violations

    @property
    def blocking(self) -> bool:
        return self.level == "mandatory" and bool(self.violations)


def level_of(rule: Rule, policy_config: Mapping[str, Any]) -> str:
    own = policy_config.get(rule.id)
    if isinstance(own, Mapping) and own.get("enforcementLevel"):
        return str(own["enforcementLevel"])
    if isinstance(own, str):
        return own
    if isinstance(policy_config.get("all"), str):
        return str(policy_config["all"])
    return rule.level_for("production")


def rule_config(rule: Rule, policy_config: Mapping[str, Any]) -> Mapping[str, Any]:
    own = policy_config.get(rule.id)
    return {k: v for k, v in own.items() if k != "enforcementLevel"} if isinstance(own, Mapping) else {}


def evaluate(resources: list[Resource], rules: list[Rule], policy_config: Mapping[str, Any],
             today: date | None = None) -> list[Verdict]:
    today = today or clock.today()
    verdicts = []
    by_type: dict[str, list[Resource]] = {}
    for resource in resources:  # rules pick their types once per type, not once per resource
        by_type.setdefault(resource.type, []).append(resource)
    for rule in rules:
        verdict = Verdict(rule=rule, level=level_of(rule, policy_config))
        verdicts.append(verdict)
        if verdict.level == "disabled":
            continue
        ctx = RuleContext(config=rule_config(rule, policy_config), today=today, secrets_visible=True)
        types = {t for t in by_type if rule.applies_to(t)}
        applicable = [r for r in resources if r.type in types]
        if rule.stack:
            by_urn = {r.urn: r for r in applicable}
            try:
                for urn, text in rule.check(applicable, ctx):
                    if urn in by_urn and exempted(ctx.config, by_urn[urn], today):
                        verdict.exempted.append(urn)
                    else:
                        verdict.violations.append((urn, text))
            except UnknownValueError:
                verdict.unknown.append("(stack)")
            continue
        for resource in applicable:
            if exempted(ctx.config, resource, today):
                verdict.exempted.append(resource.urn)
                continue
            try:
                verdict.violations.extend((resource.urn, text) for text in rule.check(resource, ctx))
            except NotApplicable as reason:
                verdict.not_applicable.append((resource.urn, reason.reason))
            except UnknownValueError:
                verdict.unknown.append(resource.urn)
    return verdicts
