"""Step Functions state machines trace executions with X-Ray in staging and production (practice 6.2).
Shapes shared with sibling rules: policies/rules/workflows.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..values import is_map
from ..workflows import STATE_MACHINE


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if ctx.tier == "development":
        raise NotApplicable("tracing is required in staging and production only")
    tracing = resource.props.get("tracingConfiguration")
    if not (is_map(tracing) and tracing.get("enabled") is True):
        yield "state machine has X-Ray tracing off"


RULE = Rule(
    id="state-machine-tracing", concern="tracing",
    description="Step Functions state machines have X-Ray tracing on in staging and production.",
    severity="medium",
    remediation="Set tracingConfiguration {enabled: true} and allow the role the xray:PutTraceSegments family.",
    check=check, types=frozenset({STATE_MACHINE}))
