"""CloudTrail trails are multi-region, validate log files and encrypt with a customer-managed key. Shapes
shared with sibling rules: policies/rules/observability.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..observability import TRAIL


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.props.get("enableLogFileValidation") is not True:
        yield "log file validation is off: tampering with delivered audit logs would go unnoticed"
    if not resource.props.get("kmsKeyId"):
        yield "audit logs are not encrypted with a customer-managed KMS key"
    if resource.props.get("isMultiRegionTrail") is not True:
        yield "trail records one region only: activity in other regions would leave no audit record"


RULE = Rule(
    id="cloudtrail-integrity", concern="audit-trail-integrity",
    description="CloudTrail trails are multi-region, validate log files and encrypt with a customer-managed key.",
    severity="high",
    remediation="Set enableLogFileValidation, isMultiRegionTrail and kmsKeyId (the AuditTrail component does).",
    check=check, types=frozenset({TRAIL}))
