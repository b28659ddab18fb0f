"""Step Functions state machines log executions (level ERROR or more) without execution data: step inputs and
outputs carry business data, which the log would copy beyond the state machine's own key (practice 5.2).
Shapes shared with sibling rules: policies/rules/workflows.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..values import is_map
from ..workflows import STATE_MACHINE

LOGGED_LEVELS = {"ALL", "ERROR", "FATAL"}


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    logging = resource.props.get("loggingConfiguration")
    logging = logging if is_map(logging) else {}
    level = str(logging.get("level") or "OFF").upper()
    if level not in LOGGED_LEVELS:
        yield f"execution logging is {level}: failed executions leave no log; set level ERROR"
    elif not logging.get("logDestination"):
        yield "execution logging has no logDestination (a CloudWatch log group ARN ending in :*)"
    if logging.get("includeExecutionData") is True:
        yield "execution logs include execution data (step inputs and outputs): set includeExecutionData false"


RULE = Rule(
    id="state-machine-execution-logging", concern="log-hygiene",
    description="Step Functions state machines log failed executions to CloudWatch Logs (level ERROR, FATAL or "
                "ALL) without execution data.",
    severity="medium",
    remediation="Set loggingConfiguration {level: ERROR, includeExecutionData: false, logDestination: "
                "<log group ARN>:*}; the Saga component does.",
    check=check, types=frozenset({STATE_MACHINE}))
