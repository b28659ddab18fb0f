"""Every CloudWatch log group has a retention period and a data protection policy masking sensitive
identifiers. Shapes shared with sibling rules: policies/rules/observability.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..observability import DATA_PROTECTION, LOG_GROUP


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    protected = {str(r.props.get("logGroupName")) for r in resources
                 if r.type == DATA_PROTECTION and r.props.get("policyDocument")}
    for group in (r for r in resources if r.type == LOG_GROUP):
        if not group.props.get("retentionInDays"):
            yield group.urn, "log group keeps events forever: set retentionInDays"
        if str(group.props.get("name")) not in protected:
            yield group.urn, ("log group has no data protection policy masking sensitive identifiers "
                              "(create it with components.observability.protected_log_group)")


RULE = Rule(
    id="log-group-retention-and-masking", concern="log-hygiene",
    description="Every CloudWatch log group has a retention period and a data protection policy masking "
                "sensitive identifiers.",
    severity="medium",
    remediation="Create log groups with components.observability.protected_log_group(...), which sets "
                "retention and the data protection policy from the spec.",
    check=check, stack=True, types=frozenset({LOG_GROUP, DATA_PROTECTION}))
