"""Observability rules: audit trail integrity (practice 5.3), log hygiene (5.2) and alarms that page (6.4, 7.6)."""

from __future__ import annotations

from typing import Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext

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


def check_trail(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.props.get("enableLogFileValidation") is not True:
        yield "log file validation is off: tampering with delivered audit logs would go unnoticed"
    if not resource.props.get("kmsKeyId"):
        yield "audit logs are not encrypted with a customer-managed KMS key"
    if resource.props.get("isMultiRegionTrail") is not True:
        yield "trail records one region only: activity in other regions would leave no audit record"


def check_log_groups(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    protected = {str(r.props.get("logGroupName")) for r in resources
                 if r.type == DATA_PROTECTION and r.props.get("policyDocument")}
    for group in (r for r in resources if r.type == LOG_GROUP):
        if not group.props.get("retentionInDays"):
            yield group.urn, "log group keeps events forever: set retentionInDays"
        if str(group.props.get("name")) not in protected:
            yield group.urn, ("log group has no data protection policy masking sensitive identifiers "
                              "(create it with components.observability.protected_log_group)")


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


def check_paging(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
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


RULES = [
    Rule(id="cloudtrail-integrity",
         description="CloudTrail trails are multi-region, validate log files and encrypt with a customer-managed key.",
         severity="high",
         remediation="Set enableLogFileValidation, isMultiRegionTrail and kmsKeyId (the AuditTrail component does).",
         check=check_trail, types=frozenset({TRAIL})),
    Rule(id="log-group-retention-and-masking",
         description="Every CloudWatch log group has a retention period and a data protection policy masking "
                     "sensitive identifiers.",
         severity="medium",
         remediation="Create log groups with components.observability.protected_log_group(...), which sets "
                     "retention and the data protection policy from the spec.",
         check=check_log_groups, stack=True, types=frozenset({LOG_GROUP, DATA_PROTECTION})),
    Rule(id="integration-critical-alarm-pages",
         description="Every integration has at least one critical alarm (CloudWatch, or Azure metric alert) routed "
                     "to a topic with a paging subscription or an action group with a paging receiver.",
         severity="high",
         remediation="Give the integration a critical SLO in observability.integrations and a pagerduty/opsgenie "
                     "target with severity critical in observability.oncall.",
         check=check_paging, stack=True,
         types=frozenset({METRIC_ALARM, COMPOSITE_ALARM, TOPIC, SUBSCRIPTION, METRIC_ALERT, ACTION_GROUP}),
         config_properties={"integrations": {"type": "array", "items": {"type": "string"}}}),
]
