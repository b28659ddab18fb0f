"""Every integration has at least one critical alarm (CloudWatch, or Azure metric alert) routed to a topic with
a paging subscription or an action group with a paging receiver. Shapes shared with sibling rules:
policies/rules/observability.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..observability import ACTION_GROUP, COMPOSITE_ALARM, METRIC_ALARM, METRIC_ALERT, SUBSCRIPTION, TOPIC


def _critical_topic(arn: object, suffix: str) -> bool:
    return isinstance(arn, str) and arn.endswith(suffix)


def _alert_groups(alert: Resource) -> list[str]:
    """Action group names an Azure metric alert notifies (the last segment of each action group id)."""
    return [str(a.get("actionGroupId") or "").rstrip("/").rsplit("/", 1)[-1] for a in alert.props.get("actions") or []
            if hasattr(a, "get")]


def _paging_groups(resources: list[Resource], suffix: str) -> set[str]:
    """Critical action groups with a receiver that pages (named in the group's paging-receivers tag)."""
    groups = set()
    for group in (r for r in resources if r.type == ACTION_GROUP):
        name = str(group.props.get("actionGroupName") or "")
        paging = set(str((group.props.get("tags") or {}).get("paging-receivers") or "").split(",")) - {"", "none"}
        receivers = {str(w.get("name")) for w in group.props.get("webhookReceivers") or [] if hasattr(w, "get")}
        if name.endswith(suffix) and paging & receivers:
            groups.add(name)
    return groups


def _azure_paging(name: str, alerts: list[Resource], paging_groups: set[str], suffix: str) -> tuple[str, str] | None:
    """None when one of the integration's critical Azure alerts reaches a paging action group."""
    critical = [a for a in alerts if (a.props.get("tags") or {}).get("severity") == "critical"]
    routed = [a for a in critical if any(g.endswith(suffix) for g in _alert_groups(a))]
    if not routed:
        return (alerts[0].urn, f"integration {name} has no critical alarm routed to a critical alert topic "
                               "or action group")
    if not any(g in paging_groups for a in routed for g in _alert_groups(a)):
        return (routed[0].urn, f"integration {name}: its critical action group has no paging receiver "
                               "(a PagerDuty or Opsgenie webhook)")
    return None


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    integrations = list(ctx.config.get("integrations") or [])
    # The alert topics' and action groups' naming convention is the blueprint's (components/alerting.py);
    # the pack cannot import it, so the planner writes it into policy config.
    suffix = str(ctx.config.get("criticalAlertSuffix") or "")
    if not integrations:
        return
    if not suffix:
        yield "", "policy config has integrations but no criticalAlertSuffix: rerun `hybrid plan` to write it"
        return
    azure_alerts = [r for r in resources if r.type == METRIC_ALERT and (r.props.get("tags") or {}).get("integration")]
    paging_groups = _paging_groups(resources, suffix)
    paged_topics = {str(r.props.get("topic")) for r in resources if r.type == SUBSCRIPTION
                    and r.props.get("protocol") == "https" and r.props.get("endpointAutoConfirms") is True}
    critical_topics = {str(r.props.get("name")) for r in resources if r.type == TOPIC
                       if str(r.props.get("name") or "").endswith(suffix)}
    alarms = [r for r in resources if r.type in (METRIC_ALARM, COMPOSITE_ALARM)]
    for name in integrations:
        on_azure = [a for a in azure_alerts if (a.props.get("tags") or {}).get("integration") == name]
        if on_azure:
            violation = _azure_paging(name, on_azure, paging_groups, suffix)
            if violation:
                yield violation
            continue
        mine = [a for a in alarms if (a.props.get("tags") or {}).get("integration") == name]
        critical = [a for a in mine if (a.props.get("tags") or {}).get("severity") == "critical"]
        routed = [a for a in critical if any(_critical_topic(arn, suffix) for arn in a.props.get("alarmActions") or [])]
        if not routed:
            urn = mine[0].urn if mine else ""
            yield urn, f"integration {name} has no critical alarm routed to a critical alert topic"
            continue
        targets = {str(arn) for a in routed for arn in a.props.get("alarmActions") or [] if _critical_topic(arn, suffix)}
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
    config_properties={"integrations": {"type": "array", "items": {"type": "string"}},
                       "criticalAlertSuffix": {"type": "string", "description": "what every critical alert topic "
                                               "and action group name ends with (components/alerting.py)"}})
