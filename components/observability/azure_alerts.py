"""Azure Monitor metric alerts from the SLOs of an integration that lives in the environment's Azure location.

The alert is scoped to the Service Bus namespace of the integration's broker and routed to the action group
of its severity, both by the id outputs of those resources, so the engine creates them first. A metric alert compares one platform metric with a static threshold:
the p99 latency objective maps to the namespace's ServerSendLatency (milliseconds, Average only, so the alert
fires when even the average exceeds the objective). The spec check refuses the SLOs that have no faithful
single-metric form on Service Bus (ratios, message age); see AZURE_SLOS in components/spec/observability.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import monitor

from ..alerting import AlertRoutes
from ..naming import physical_name
from ..spec.observability import Integration
from .thresholds import latency_threshold_ms

AZURE_SEVERITY = {"critical": 0, "warning": 2}
"""Azure alert severity: 0 (critical) pages through the critical action group, 2 (warning) notifies."""


@dataclass(frozen=True)
class AzureAlertPlan:
    """One metric alert to create: pure data, so the SLO mapping is testable without Pulumi."""

    slo: str
    suffix: str
    severity: str
    metric: str
    aggregation: str
    threshold: float
    dimensions: dict[str, str] = field(default_factory=dict)
    window: str = "PT5M"
    frequency: str = "PT1M"


def plan_azure_alerts(integration: Integration) -> list[AzureAlertPlan]:
    slos = integration.slos
    plans: list[AzureAlertPlan] = []
    entity = {"EntityName": integration.queue} if integration.queue else {}
    if slos.latency_p99_ms:
        plans.append(AzureAlertPlan("latency_p99_ms", "latency-p99", slos.latency_p99_ms.severity,
                                    "ServerSendLatency", "Average", latency_threshold_ms(slos.latency_p99_ms.target),
                                    entity))
    return plans


def build_azure_alerts(name: str, integration: Integration, environment: str, scope: pulumi.Input[str],
                       metric_namespace: str,
                       routes: AlertRoutes, resource_group: pulumi.Input[str], tags: dict[str, str],
                       opts: pulumi.ResourceOptions) -> dict[str, monitor.MetricAlert]:
    """`scope` is the broker namespace's id output and `metric_namespace` its Azure Monitor metric namespace
    (both from the Broker); `opts` carries parent and the Azure provider."""
    alerts = {}
    for plan in plan_azure_alerts(integration):
        group_id = routes.action_group(plan.severity)
        criterion = monitor.MetricCriteriaArgs(
            criterion_type="StaticThresholdCriterion", name=f"{plan.slo}-{plan.metric}"[:60], metric_name=plan.metric,
            metric_namespace=metric_namespace, operator="GreaterThan", threshold=plan.threshold,
            time_aggregation=plan.aggregation,
            dimensions=[monitor.MetricDimensionArgs(name=k, operator="Include", values=[v])
                        for k, v in plan.dimensions.items()])
        alerts[plan.suffix] = monitor.MetricAlert(
            f"{name}-{plan.suffix}", rule_name=physical_name(environment, integration.name, plan.suffix),
            resource_group_name=resource_group, location="global",
            description=f"SLO {plan.slo} of {integration.name} ({plan.severity}); owner {integration.owner}",
            severity=AZURE_SEVERITY[plan.severity], enabled=True, scopes=[scope],
            evaluation_frequency=plan.frequency, window_size=plan.window, auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", all_of=[criterion]),
            actions=[monitor.MetricAlertActionArgs(action_group_id=group_id)],
            tags={**tags, "integration": integration.name, "owner": integration.owner, "severity": plan.severity,
                  "slo": plan.slo},
            opts=opts)
    return alerts
