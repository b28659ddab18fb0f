"""Roles assumed by Kubernetes service accounts (IRSA) trust one exact subject and grant no wildcard actions or
resources, in inline, role and attached managed policies. Shapes shared with sibling rules:
policies/rules/nodes.py."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..framework import Resource, Rule, RuleContext, json_prop
from ..nodes import ATTACHMENT, MANAGED_POLICY, ROLE, ROLE_POLICY, _service_account_trust, wildcard_problems


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    roles = {}
    for r in resources:
        if r.type == ROLE:
            trust = _service_account_trust(r)
            if trust is not None:
                roles[str(r.props.get("name") or r.name)] = r
                for problem in trust:
                    yield r.urn, problem
                for i, inline in enumerate(r.props.get("inlinePolicies") or []):
                    for problem in wildcard_problems(json_prop(inline, "policy") if isinstance(inline, Mapping) else None):
                        yield r.urn, f"inline policy {i}: {problem}"
    attached = {str(r.props.get("policyArn")) for r in resources if r.type == ATTACHMENT and str(r.props.get("role")) in roles}
    for r in resources:
        if r.type == ROLE_POLICY and str(r.props.get("role")) in roles:
            for problem in wildcard_problems(json_prop(r.props, "policy")):
                yield r.urn, problem
        elif r.type == MANAGED_POLICY:
            name = f"{r.props.get('path') or '/'}{r.props.get('name') or r.name}"
            if any(arn.endswith(f":policy{name}") for arn in attached):
                for problem in wildcard_problems(json_prop(r.props, "policy")):
                    yield r.urn, problem


RULE = Rule(
    id="workload-identity-least-privilege", concern="least-privilege",
    description="Roles assumed by Kubernetes service accounts (IRSA) trust one exact subject and grant no "
                "wildcard actions or resources, in inline, role and attached managed policies.",
    severity="critical",
    remediation="Name each action and each queue/topic/key ARN explicitly (the ProcessingNode derives them from "
                "the spec) and trust the exact system:serviceaccount:<namespace>:<name> with StringEquals.",
    check=check, stack=True, types=frozenset({ROLE, ROLE_POLICY, MANAGED_POLICY, ATTACHMENT}),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"})
