"""Secrets Manager secrets and replicas under customer-managed keys (practice 8.5)."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..secrets import AWS_MANAGED_SECRETS_KEY, SECRET_TYPE
from ..values import maps


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    key = resource.props.get("kmsKeyId")
    if not key:
        yield "secret is encrypted with the AWS-managed key: set kmsKeyId to a customer-managed key"
    elif str(key) == AWS_MANAGED_SECRETS_KEY:
        yield "secret names the AWS-managed key, which cannot be scoped or replicated under your control"
    for i, replica in enumerate(maps(resource.props.get("replicas"))):
        if not replica.get("kmsKeyId"):
            yield f"replica {i} is encrypted with the AWS-managed key of its region"


RULE = Rule(
    id="secrets-cmk-encryption", concern="secret-handling",
    description="Secrets Manager secrets and their replicas are encrypted with customer-managed KMS keys.",
    severity="high",
    remediation="Give the secret (and each replica) a kmsKeyId of a customer-managed key; the "
                "SecretsReplication component uses a multi-region key and its replica keys.",
    check=check, types=frozenset({SECRET_TYPE}))
