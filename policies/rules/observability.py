"""Observability rules: audit trail integrity (practice 5.3), log hygiene (5.2) and alarms that page (6.4, 7.6)."""

from __future__ import annotations


from .framework import Resource

TRAIL = "aws:cloudtrail/trail:Trail"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DATA_PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CRITICAL_TOPIC_SUFFIX = "-alerts-critical"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
ACTION_GROUP = "azure-native:monitor:ActionGroup"


def _critical_topic(arn: object) -> bool:
    return isinstance(arn, str) and arn.endswith(CRITICAL_TOPIC_SUFFIX)


def _alert_groups(alert: Resource) -> list[str]:
    """Action group names an Azure metric alert notifies (the last segment of each action group id)."""
    return [str(a.get("actionGroupId") or "").rstrip("/").rsplit("/", 1)[-1] for a in alert.props.get("actions") or []
            if hasattr(a, "get")]


def _paging_groups(resources: list[Resource]) -> set[str]:
    """Critical action groups with a receiver that pages (named in the group's paging-receivers tag)."""
    groups = set()
    for group in (r for r in resources if r.type == ACTION_GROUP):
        name = str(group.props.get("actionGroupName") or "")
        paging = set(str((group.props.get("tags") or {}).get("paging-receivers") or "").split(",")) - {"", "none"}
        receivers = {str(w.get("name")) for w in group.props.get("webhookReceivers") or [] if hasattr(w, "get")}
        if name.endswith(CRITICAL_TOPIC_SUFFIX) and paging & receivers:
            groups.add(name)
    return groups


def _azure_paging(name: str, alerts: list[Resource], paging_groups: set[str]) -> tuple[str, str] | None:
    """None when one of the integration's critical Azure alerts reaches a paging action group."""
    critical = [a for a in alerts if (a.props.get("tags") or {}).get("severity") == "critical"]
    routed = [a for a in critical if any(g.endswith(CRITICAL_TOPIC_SUFFIX) for g in _alert_groups(a))]
    if not routed:
        return (alerts[0].urn, f"integration {name} has no critical alarm routed to a critical alert topic "
                               "or action group")
    if not any(g in paging_groups for a in routed for g in _alert_groups(a)):
        return (routed[0].urn, f"integration {name}: its critical action group has no paging receiver "
                               "(a PagerDuty or Opsgenie webhook)")
    return None
