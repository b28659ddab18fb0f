"""Log groups with retention and a data protection policy (practice 5.2, mask sensitive data in logs).

Every capability that creates a CloudWatch log group calls `protected_log_group`, so no group is ever
kept forever or shows e-mail addresses, card numbers or keys to whoever can read logs.
"""

from __future__ import annotations

import json
from typing import Sequence

import pulumi
from pulumi_aws import cloudwatch

DATA_IDENTIFIER_ARN = "arn:aws:dataprotection::aws:data-identifier/{}"


def data_protection_document(name: str, identifiers: Sequence[str]) -> str:
    """The CloudWatch Logs data protection policy: audit findings, then mask the listed identifiers."""
    arns = [DATA_IDENTIFIER_ARN.format(i) for i in sorted(set(identifiers))]
    if not arns:
        raise ValueError("a data protection policy needs at least one data identifier")
    return json.dumps({
        "Name": f"{name}-data-protection", "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": arns, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": arns, "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ]}, sort_keys=True)


def protected_log_group(name: str, log_group_name: str, retention_days: int, identifiers: Sequence[str],
                        opts: pulumi.ResourceOptions, kms_key_arn: pulumi.Input[str] | None = None,
                        tags: dict[str, str] | None = None) -> cloudwatch.LogGroup:
    """A log group plus its data protection policy; `opts` carries parent and provider."""
    group = cloudwatch.LogGroup(name, name=log_group_name, retention_in_days=retention_days, kms_key_id=kms_key_arn,
                                tags=tags, opts=opts)
    cloudwatch.LogDataProtectionPolicy(f"{name}-data-protection", log_group_name=group.name,
                                       policy_document=data_protection_document(log_group_name, identifiers),
                                       opts=opts)
    return group
