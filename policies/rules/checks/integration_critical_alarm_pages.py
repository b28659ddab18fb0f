"""Every integration has at least one critical alarm (CloudWatch, or Azure metric alert) routed to a topic with
a paging subscription or an action group with a paging receiver. Shapes shared with sibling rules:
policies/rules/observability.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..observability import ACTION_GROUP, COMPOSITE_ALARM, CRITICAL_TOPIC_SUFFIX, METRIC_ALARM, METRIC_ALERT, SUBSCRIPTION, TOPIC, _azure_paging, _critical_topic, _paging_groups


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    integrations = list(ctx.config.get("integrations") or [])
    if not integrations:
        return
    azure_alerts = [r for r in resources if r.type == METRIC_ALERT and (r.props.get("tags") or {}).get("integration")]
    paging_groups = _paging_groups(resources)
    paged_topics = {str(r.props.get("topic")) for r in resources if r.type == SUBSCRIPTION
                    and r.props.get("protocol") == "https" and r.props.get("endpointAutoConfirms") is True}
    critical_topics = {str(r.props.get("name")) for r in resources if r.type == TOPIC
                       if str(r.props.get("name") or "").endswith(CRITICAL_TOPIC_SUFFIX)}
    alarms = [r for r in resources if r.type in (METRIC_ALARM, COMPOSITE_ALARM)]
    for name in integrations:
        on_azure = [a for a in azure_alerts if (a.props.get("tags") or {}).get("integration") == name]
        if on_azure:
            violation = _azure_paging(name, on_azure, paging_groups)
            if violation:
                yield violation
            continue
        mine = [a for a in alarms if (a.props.get("tags") or {}).get("integration") == name]
        critical = [a for a in mine if (a.props.get("tags") or {}).get("severity") == "critical"]
        routed = [a for a in critical if any(_critical_topic(arn) for arn in a.props.get("alarmActions") or [])]
        if not routed:
            urn = mine[0].urn if mine else ""
            yield urn, f"integration {name} has no critical alarm routed to a critical alert topic"
            continue
        targets = {str(arn) for a in routed for arn in a.props.get("alarmActions") or [] if _critical_topic(arn)}
        if not any(arn.rsplit(":", 1)[-1] in critical_topics and arn in paged_topics for arn in targets):
            yield routed[0].urn, (f"integration {name}: its critical alert topic has no paging subscription "
                                  "(an auto-confirming HTTPS endpoint such as PagerDuty or Opsgenie)")


RULE = Rule(
    id="integration-critical-alarm-pages", concern="alert-routing",
    description="Every integration has at least one critical alarm (CloudWatch, or Azure metric alert) routed "
                "to a topic with a paging subscription or an action group with a paging receiver.",
    severity="high",
    remediation="Give the integration a critical SLO in observability.integrations and a pagerduty/opsgenie "
                "target with severity critical in observability.oncall.",
    check=check, stack=True,
    types=frozenset({METRIC_ALARM, COMPOSITE_ALARM, TOPIC, SUBSCRIPTION, METRIC_ALERT, ACTION_GROUP}),
    config_properties={"integrations": {"type": "array", "items": {"type": "string"}}})
