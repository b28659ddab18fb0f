"""Ownership tags (practice 7.5, service catalog): every taggable resource says whose it is and what it costs."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..tagging import TAGGABLE, effective_tags


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in TAGGABLE:
        raise NotApplicable("resource type takes no tags")
    required = list(ctx.config.get("requiredTags") or [])
    missing = [key for key in required if key not in effective_tags(resource)]
    if missing:
        yield f"missing required tags: {', '.join(missing)}"


RULE = Rule(
    id="required-tags", concern="tags",
    description="Taggable resources carry the required ownership and cost tags (own or provider default tags).",
    severity="medium",
    remediation="Add the tags to the environment spec's tags (they flow to every provider's default tags) "
                "or to the resource.",
    check=check, types=frozenset(TAGGABLE),
    config_properties={"requiredTags": {"type": "array", "items": {"type": "string"}}})
