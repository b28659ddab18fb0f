"""CloudWatch alarms from an integration's SLOs, plus one composite alarm per integration that pages.

Workloads publish `Requests`, `Errors` and `Latency` (milliseconds) to the Hybrid/Integrations namespace
with Environment and Integration dimensions (CloudWatch embedded metric format in their structured JSON
logs, practice 6.1); backlog age comes from SQS itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_aws import cloudwatch

from ..alerting import AlertRoutes
from ..spec.observability import Integration
from .thresholds import (FAST_BURN, SLOW_BURN, BurnWindow, backlog_threshold_seconds, burn_rate_threshold_percent,
                         error_rate_thresholds, evaluation_periods, latency_threshold_ms)

NAMESPACE = "Hybrid/Integrations"


@dataclass(frozen=True)
class AlarmPlan:
    """One alarm to create: pure data, so the mapping from SLOs to alarms is testable without Pulumi."""

    slo: str
    suffix: str
    severity: str
    threshold: float
    period: int
    evaluation_periods: int
    datapoints: int
    metric: dict = field(default_factory=dict)
    ratio: bool = False


def plan_alarms(integration: Integration, backlog_queue: str | None) -> list[AlarmPlan]:
    """`backlog_queue` is the physical name of the SQS queue whose age is the backlog SLO (the Broker's
    queue_names), or None when the integration's broker has no such queue."""
    slos = integration.slos
    plans: list[AlarmPlan] = []
    if slos.availability:
        for window, severity in ((FAST_BURN, slos.availability.severity), (SLOW_BURN, "warning")):
            plans.append(_burn_alarm(window, severity, slos.availability.target_percent))
    if slos.error_rate:
        notify, page = error_rate_thresholds(slos.error_rate.target_percent)
        plans.append(AlarmPlan("error_rate", "error-rate", "warning", notify, 300, 1, 1, ratio=True))
        if slos.error_rate.severity == "critical":
            plans.append(AlarmPlan("error_rate", "error-rate-page", "critical", page, 300, 1, 1, ratio=True))
    if slos.latency_p99_ms:
        plans.append(AlarmPlan("latency_p99_ms", "latency-p99", slos.latency_p99_ms.severity,
                               latency_threshold_ms(slos.latency_p99_ms.target), 60, evaluation_periods(5), 3,
                               metric={"namespace": NAMESPACE, "metric_name": "Latency", "extended_statistic": "p99"}))
    if slos.backlog_age_seconds and backlog_queue is not None:
        plans.append(AlarmPlan("backlog_age_seconds", "backlog-age", slos.backlog_age_seconds.severity,
                               backlog_threshold_seconds(slos.backlog_age_seconds.target), 60, evaluation_periods(5), 5,
                               metric={"namespace": "AWS/SQS", "metric_name": "ApproximateAgeOfOldestMessage",
                                       "statistic": "Maximum",
                                       "dimensions": {"QueueName": backlog_queue}}))
    return plans


def _burn_alarm(window: BurnWindow, severity: str, target: float) -> AlarmPlan:
    # one period spanning the whole window gives the error ratio over exactly that window
    return AlarmPlan("availability", f"availability-{window.name}", severity,
                     burn_rate_threshold_percent(target, window), window.hours * 3600, 1, 1, ratio=True)


def _error_ratio_queries(dimensions: dict, period: int) -> list[cloudwatch.MetricAlarmMetricQueryArgs]:
    def metric(query_id: str, name: str) -> cloudwatch.MetricAlarmMetricQueryArgs:
        return cloudwatch.MetricAlarmMetricQueryArgs(id=query_id, return_data=False, metric=cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=NAMESPACE, metric_name=name, dimensions=dimensions, period=period, stat="Sum"))
    return [metric("requests", "Requests"), metric("errors", "Errors"),
            cloudwatch.MetricAlarmMetricQueryArgs(id="error_percent", label="error %", return_data=True,
                                                  expression="IF(requests > 0, 100 * errors / requests, 0)")]


def build_integration_alarms(parent: pulumi.Resource, name: str, integration: Integration, environment: str,
                             routes: AlertRoutes, backlog_queue: str | None, opts: pulumi.ResourceOptions
                             ) -> tuple[dict[str, cloudwatch.MetricAlarm], cloudwatch.CompositeAlarm]:
    region = integration.region
    dimensions = {"Environment": environment, "Integration": integration.name}
    tags = {"integration": integration.name, "owner": integration.owner}
    alarms: dict[str, cloudwatch.MetricAlarm] = {}
    plans = plan_alarms(integration, backlog_queue)
    for plan in plans:
        topic = routes.topic(region, plan.severity)
        common = dict(
            name=f"{environment}-{integration.name}-{plan.suffix}",
            alarm_description=f"SLO {plan.slo} of {integration.name} ({plan.severity}); owner {integration.owner}",
            comparison_operator="GreaterThanThreshold", threshold=plan.threshold,
            evaluation_periods=plan.evaluation_periods, datapoints_to_alarm=plan.datapoints,
            alarm_actions=[topic], ok_actions=[topic], treat_missing_data="notBreaching",
            tags={**tags, "severity": plan.severity, "slo": plan.slo})
        if plan.ratio:
            metric = dict(metric_queries=_error_ratio_queries(dimensions, plan.period))
        else:
            spec = dict(plan.metric)
            metric = dict(namespace=spec["namespace"], metric_name=spec["metric_name"], period=plan.period,
                          dimensions=spec.get("dimensions", dimensions))
            metric.update({k: spec[k] for k in ("statistic", "extended_statistic") if k in spec})
        alarms[plan.suffix] = cloudwatch.MetricAlarm(f"{name}-{plan.suffix}", **common, **metric, opts=opts)
    critical = [alarms[p.suffix] for p in plans if p.severity == "critical"]
    rule = pulumi.Output.all(*[a.name for a in critical]).apply(
        lambda names: " OR ".join(f'ALARM("{n}")' for n in sorted(names)))
    page = routes.topic(region, "critical")
    composite = cloudwatch.CompositeAlarm(
        f"{name}-critical", alarm_name=f"{environment}-{integration.name}-critical",
        alarm_description=f"Any critical SLO breach of {integration.name}: pages on-call and rolls back its flags",
        alarm_rule=rule, alarm_actions=[page], ok_actions=[page], tags={**tags, "severity": "critical", "slo": "any"},
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=critical)))
    return alarms, composite
