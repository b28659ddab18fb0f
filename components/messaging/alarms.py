"""Consumer-lag and backlog alarms (practices 3.6 and 6.4), routed to the environment's alert topics.

Each backend describes its signals as LagMetric data; this module turns them into the cloud's alarm
resource. Every alarm names its broker and owner, so whoever is paged knows whose consumer is stuck.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import pulumi
from pulumi_aws import cloudwatch
from pulumi_azure_native import monitor

from ..alerting import AlertRoutes
from ..naming import physical_name
from ..spec.brokers import BrokerSpec
from .backend import AzurePlace, BrokerArgs, LagMetric

# Three one-minute periods over threshold: long enough to ignore a burst, short enough to page early.
PERIOD_SECONDS, EVALUATION_PERIODS = 60, 3


def label(metric: LagMetric) -> str:
    """A name-safe label for a consumer path and signal: queue:orders + backlog -> queue-orders-backlog."""
    return "-".join(part for part in (metric.path.replace(":", "-").replace("/", "-"), metric.signal) if part)


def describe(spec: BrokerSpec, metric: LagMetric) -> str:
    return (f"Broker {spec.name} (owner {spec.owner}): {metric.signal} on {metric.path} above {metric.threshold:g} "
            f"({metric.namespace} {metric.metric}).")


def cloudwatch_alarms(parent: pulumi.Resource, args: BrokerArgs, provider: pulumi.ProviderResource, region: str,
                      metrics: Iterable[LagMetric], prefix: str) -> list[cloudwatch.MetricAlarm]:
    spec = args.spec
    alarms = []
    for metric in metrics:
        topic = args.alerting.routes.topic(region, metric.severity)
        alarms.append(cloudwatch.MetricAlarm(
            f"{prefix}-{label(metric)}-alarm",
            name=physical_name(args.estate.environment, spec.name, label(metric), limit=255),
            alarm_description=describe(spec, metric), namespace=metric.namespace, metric_name=metric.metric,
            dimensions=dict(metric.dimensions), statistic=metric.statistic, threshold=metric.threshold,
            comparison_operator="GreaterThanThreshold", period=PERIOD_SECONDS, evaluation_periods=EVALUATION_PERIODS,
            datapoints_to_alarm=EVALUATION_PERIODS, treat_missing_data="notBreaching",
            alarm_actions=[topic], ok_actions=[topic],
            tags={"broker": spec.name, "owner": spec.owner, "severity": metric.severity,
                  "consumer-path": metric.path},
            opts=args.protection.opts(parent, provider)))
    return alarms


def azure_metric_alerts(parent: pulumi.Resource, args: BrokerArgs, place: AzurePlace, scope: pulumi.Input[str],
                        metrics: Iterable[LagMetric], prefix: str,
                        companions: Mapping[str, LagMetric] | None = None) -> list[monitor.MetricAlert]:
    """One metric alert per signal; `companions` adds a second, all-must-hold criterion (keyed by path)."""
    spec = args.spec
    alerts = []
    for metric in metrics:
        criteria = [_criterion(metric, "GreaterThan")]
        companion = (companions or {}).get(metric.path)
        if companion is not None:
            criteria.append(_criterion(companion, "LessThan"))
        alerts.append(monitor.MetricAlert(
            f"{prefix}-{label(metric)}-alert", rule_name=physical_name(args.estate.environment, spec.name, label(metric)),
            resource_group_name=place.resource_group_name, location="global",
            description=describe(spec, metric), severity=0 if metric.severity == "critical" else 2, enabled=True,
            scopes=[scope], evaluation_frequency="PT1M", window_size="PT5M", auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", all_of=criteria),
            actions=[monitor.MetricAlertActionArgs(action_group_id=args.alerting.routes.action_group(metric.severity))],
            tags={**args.estate.tags, "broker": spec.name, "owner": spec.owner, "consumer-path": metric.path},
            opts=args.protection.opts(parent, place.provider)))
    return alerts


def _criterion(metric: LagMetric, operator: str) -> monitor.MetricCriteriaArgs:
    return monitor.MetricCriteriaArgs(
        criterion_type="StaticThresholdCriterion", name=f"{metric.signal}-{metric.metric}"[:60],
        metric_name=metric.metric, metric_namespace=metric.namespace, operator=operator,
        threshold=metric.threshold, time_aggregation=metric.statistic,
        dimensions=[monitor.MetricDimensionArgs(name=k, operator="Include", values=[v])
                    for k, v in metric.dimensions.items()])


def prometheus_rules(spec: BrokerSpec, routes: AlertRoutes, region: str, metrics: Iterable[LagMetric]) -> list[dict]:
    """PrometheusRule alert entries; Alertmanager forwards them to the SNS topic named in the annotation."""
    rules = []
    for metric in metrics:
        selector = ",".join(f'{k}="{v}"' for k, v in metric.dimensions.items())
        rules.append({
            "alert": f"{spec.name}-{label(metric)}",
            "expr": f"{metric.statistic}({metric.metric}{{{selector}}}) > {metric.threshold:g}",
            "for": f"{EVALUATION_PERIODS}m",
            "labels": {"severity": metric.severity, "broker": spec.name, "owner": spec.owner,
                       "consumer_path": metric.path},
            "annotations": {"summary": describe(spec, metric),
                            "sns_topic_arn": routes.topic(region, metric.severity)},
        })
    return rules
