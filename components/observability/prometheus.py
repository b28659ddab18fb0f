"""In-cluster monitoring: a PodMonitor and a PrometheusRule per integration workload (practice 6.5).

The workload is the processing node of the same name (the spec checks it exists there). A queue worker has
no clients and so no Service: the PodMonitor scrapes its pods' named metrics port directly, and the node's
network policy admits the Prometheus pods to that port. The custom resources need the Prometheus operator
(kube-prometheus-stack, installed by ClusterAddons under the release name `prometheus-operator`, whose
Prometheus selects monitors and rules labelled with that release).
"""

from __future__ import annotations

import pulumi
from pulumi_kubernetes.apiextensions import CustomResource

from ..cluster.addons import PROMETHEUS
from ..compute import COMPONENT, METRICS_PORT
from ..spec.observability import Integration
from .thresholds import FAST_BURN, SLOW_BURN, burn_rate_threshold_percent



def prometheus_rules(integration: Integration) -> list[dict]:
    """Alerting rules over the workload's own metrics, thresholds from the same SLO functions as CloudWatch."""
    label = f'integration="{integration.name}"'

    def errors(w: str) -> str:
        return f'sum(rate(integration_requests_total{{{label},outcome="error"}}[{w}]))'

    def total(w: str) -> str:
        return f'sum(rate(integration_requests_total{{{label}}}[{w}]))'

    rules = []
    slos = integration.slos
    if slos.availability:
        for window, severity in ((FAST_BURN, slos.availability.severity), (SLOW_BURN, "warning")):
            w = f"{window.hours}h"
            threshold = burn_rate_threshold_percent(slos.availability.target_percent, window)
            rules.append({"alert": f"{integration.name}-availability-{window.name}",
                          "expr": f"100 * {errors(w)} / {total(w)} > {threshold:g}",
                          "for": "5m", "labels": {"severity": severity, "integration": integration.name},
                          "annotations": {"summary": f"{integration.name} burns its error budget ({window.name})"}})
    if slos.error_rate:
        rules.append({"alert": f"{integration.name}-error-rate",
                      "expr": f"100 * {errors('5m')} / {total('5m')} > {slos.error_rate.target_percent:g}",
                      "for": "5m", "labels": {"severity": slos.error_rate.severity, "integration": integration.name},
                      "annotations": {"summary": f"{integration.name} error rate above its SLO"}})
    if slos.latency_p99_ms:
        seconds = slos.latency_p99_ms.target / 1000
        rules.append({"alert": f"{integration.name}-latency-p99",
                      "expr": (f"histogram_quantile(0.99, sum by (le) (rate(integration_request_duration_seconds_bucket"
                               f"{{{label}}}[5m]))) > {seconds:g}"),
                      "for": "5m", "labels": {"severity": slos.latency_p99_ms.severity, "integration": integration.name},
                      "annotations": {"summary": f"{integration.name} p99 latency above its SLO"}})
    return rules


def build_workload_monitoring(name: str, integration: Integration, opts: pulumi.ResourceOptions) -> None:
    workload = integration.workload
    assert workload is not None
    metadata = {"name": integration.name, "namespace": workload.namespace,
                "labels": {**PROMETHEUS.release_label, "integration": integration.name}}
    # The node's own pod selector labels (components/compute/manifests.selector), so only its pods are scraped.
    pods = {"app.kubernetes.io/name": integration.name, "app.kubernetes.io/component": COMPONENT}
    CustomResource(f"{name}-podmonitor", api_version="monitoring.coreos.com/v1", kind="PodMonitor",
                   metadata=metadata,
                   spec={"selector": {"matchLabels": pods},
                         "podMetricsEndpoints": [{"port": METRICS_PORT, "path": "/metrics", "interval": "30s"}]},
                   opts=opts)
    CustomResource(f"{name}-prometheusrule", api_version="monitoring.coreos.com/v1", kind="PrometheusRule",
                   metadata=metadata,
                   spec={"groups": [{"name": f"{integration.name}-slos", "rules": prometheus_rules(integration)}]},
                   opts=opts)


def operators_needed(spec) -> dict[str, set[str]]:
    """Clusters running a monitored integration workload need the Prometheus operator."""
    return {i.workload.cluster: {"prometheus-operator"} for i in spec.observability.integrations if i.workload}
