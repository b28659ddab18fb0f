"""No identity policy grants wildcard actions or resources, whoever it is attached to (practice 5.4).

Judged in every form AWS accepts: managed policies, role, user and group inline policies, and a role's
inlinePolicies; documents as JSON strings or objects; one statement or many; Action and Resource as a
string or a list; NotAction and NotResource count as wildcards. `Resource: "*"` passes only for actions
that support no resource-level permissions (policies/rules/documents.py).
"""

from __future__ import annotations

from typing import Iterable

from ..documents import wildcard_problems
from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..values import maps

POLICY_INPUTS = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type == ROLE:
        inline = maps(resource.props.get("inlinePolicies"))
        if not inline:
            raise NotApplicable("role has no inline policies (its attached policies are judged on their own)")
        for index, policy in enumerate(inline):
            for problem in wildcard_problems(policy.get("policy")):
                yield f"inline policy {index}: {problem}"
        return
    yield from wildcard_problems(resource.props.get(POLICY_INPUTS[resource.type]))


RULE = Rule(
    id="iam-least-privilege", concern="least-privilege",
    description="No IAM policy (managed, inline on a role, user or group) allows a wildcard action "
                "(\"*\", \"service:*\", NotAction) or a wildcard resource (\"*\", NotResource).",
    severity="critical",
    remediation="Name each action and each resource ARN the principal needs; the components derive them from "
                "the spec.",
    check=check, types=frozenset({*POLICY_INPUTS, ROLE}),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"})
