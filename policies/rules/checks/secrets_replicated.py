"""Every secret has a replica in the secondary region (practice 8.5, 8.6)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..secrets import SECRET_TYPE
from ..values import maps


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    secondary = ctx.config.get("secondaryRegion")
    if not secondary:
        raise NotApplicable("the environment has no secondary region")
    regions = {str(r.get("region")) for r in maps(resource.props.get("replicas"))}
    if secondary not in regions:
        yield "secret has no replica in the environment's secondary region: failover would lose it"


RULE = Rule(
    id="secrets-replicated", concern="secret-handling",
    description="Where the environment has a secondary region, every secret has a replica there.",
    severity="high",
    remediation="Keep replicate: true on the secret in the spec (or exempt it with a justification).",
    check=check, types=frozenset({SECRET_TYPE}),
    config_properties={"secondaryRegion": {"type": ["string", "null"]}})
