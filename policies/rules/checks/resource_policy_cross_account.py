"""No resource policy grants another AWS account (practice 5.4, least privilege; 5.5, exposed resources).

The environment's own account is the one its spec names (policy config `accounts`); a statement whose AWS
principal names any other account lets that account in, signed-in users of it and all. A deliberate
cross-account grant (a partner publishing to a topic) takes a justified, expiring exemption, so every such
grant is written down. Account ids are not echoed: the message counts them.
"""

from __future__ import annotations

from typing import Iterable

from ..documents import foreign_principal_problems
from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..resource_policies import RESOURCE_POLICY_INPUTS


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    accounts = {str(a) for a in ctx.config.get("accounts") or []}
    if not accounts:
        raise NotApplicable("the environment declares no AWS account to compare grants with")
    value = resource.props.get(RESOURCE_POLICY_INPUTS[resource.type])
    if value is None:
        raise NotApplicable("no resource policy on this resource (the service's default denies other accounts)")
    yield from foreign_principal_problems(value, accounts)


RULE = Rule(
    id="resource-policy-cross-account", concern="least-privilege",
    description="No resource policy (queues, topics, buckets, keys, secrets and every other AWS resource that takes "
                "one) grants an AWS account other than the environment's own.",
    severity="high",
    remediation="Grant principals of the environment's own account, or add a justified, expiring exemption for a "
                "deliberate cross-account grant (a partner account publishing to a topic).",
    check=check, types=frozenset(RESOURCE_POLICY_INPUTS),
    levels={"development": "mandatory", "staging": "mandatory", "production": "mandatory"},
    config_properties={"accounts": {"type": "array", "items": {"type": "string"}}})
