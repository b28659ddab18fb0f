"""No resource policy lets anyone in: `Principal: "*"` (or NotPrincipal) needs a condition (practice 5.4).

A condition (source account, source ARN, VPC endpoint, organisation) is what turns "*" into a known caller,
so statements with any Condition pass; the rest grant every AWS account, signed in or not.
"""

from __future__ import annotations

from typing import Iterable

from ..documents import public_principal_problems
from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..resource_policies import RESOURCE_POLICY_INPUTS


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    value = resource.props.get(RESOURCE_POLICY_INPUTS[resource.type])
    if value is None:
        raise NotApplicable("no resource policy on this resource (the service's default denies other accounts)")
    yield from public_principal_problems(value)


RULE = Rule(
    id="resource-policy-not-public", concern="least-privilege",
    description="No resource policy (queues, topics, buckets, keys, secrets and every other AWS resource that takes "
                "one) allows any principal (\"*\") or NotPrincipal without a condition.",
    severity="critical",
    remediation="Name the principals (account, role or service), or add a condition such as aws:SourceArn, "
                "aws:SourceAccount or aws:PrincipalOrgID.",
    check=check, types=frozenset(RESOURCE_POLICY_INPUTS),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"})
