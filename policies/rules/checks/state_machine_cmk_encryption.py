"""Step Functions state machines and activities encrypt definitions and execution history with a
customer-managed key (practice 5.1). Shapes shared with sibling rules: policies/rules/workflows.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..values import is_map
from ..workflows import ACTIVITY, CUSTOMER_MANAGED, STATE_MACHINE


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    encryption = resource.props.get("encryptionConfiguration")
    encryption = encryption if is_map(encryption) else {}
    kind = "state machine" if resource.type == STATE_MACHINE else "activity"
    if str(encryption.get("type") or "AWS_OWNED_KEY") != CUSTOMER_MANAGED:
        yield f"{kind} is encrypted with an AWS-owned key only: set encryptionConfiguration.type {CUSTOMER_MANAGED}"
    elif not encryption.get("kmsKeyId"):
        yield f"{kind} asks for a customer-managed key but names none: set encryptionConfiguration.kmsKeyId"


RULE = Rule(
    id="state-machine-cmk-encryption", concern="cmk-encryption",
    description="Step Functions state machines and activities are encrypted with a customer-managed KMS key.",
    severity="high",
    remediation="Set encryptionConfiguration {type: CUSTOMER_MANAGED_KMS_KEY, kmsKeyId: <key ARN>}; the Saga "
                "component creates the key and grants its role the encryption context of its own state machine.",
    check=check, types=frozenset({STATE_MACHINE, ACTIVITY}))
