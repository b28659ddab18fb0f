"""Shared pieces of the in-cluster backends: a namespace per broker, custom resources behind the add-ons.

Custom resources depend on the cluster's add-ons component so the operator (and its CRDs) exist first.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.core.v1 import Namespace
from pulumi_kubernetes.meta.v1 import ObjectMetaArgs
from pulumi_kubernetes.policy.v1 import PodDisruptionBudget, PodDisruptionBudgetSpecArgs

from ..cluster.addons import PROMETHEUS
from .alarms import prometheus_rules
from .backend import BuildContext, LagMetric


def namespace_name(ctx: BuildContext) -> str:
    return f"msg-{ctx.spec.name}"


def labels(ctx: BuildContext) -> dict[str, str]:
    return {"app.kubernetes.io/part-of": "hybrid-messaging", "hybrid/broker": ctx.spec.name,
            "hybrid/owner": ctx.spec.owner, "hybrid/environment": ctx.environment}


def namespace(parent: pulumi.Resource, ctx: BuildContext) -> Namespace:
    return Namespace(f"{ctx.name}-ns", metadata=ObjectMetaArgs(name=namespace_name(ctx), labels=labels(ctx)),
                     opts=ctx.opts(parent, ctx.cluster_provider, True))


MONITORING_API = "monitoring.coreos.com/v1"


def custom(parent: pulumi.Resource, ctx: BuildContext, logical: str, api_version: str, kind: str, name: str,
           spec: dict[str, Any], extra_labels: dict[str, str] | None = None, stateful: bool = False,
           depends_on: list[pulumi.Resource] | None = None, annotations: dict[str, str] | None = None) -> CustomResource:
    deps = [d for d in [ctx.cluster_addons, *(depends_on or [])] if d is not None]
    return CustomResource(
        f"{ctx.name}-{logical}", api_version=api_version, kind=kind,
        metadata=ObjectMetaArgs(name=name, namespace=namespace_name(ctx), labels={**labels(ctx), **(extra_labels or {})},
                                annotations=annotations),
        spec=spec, opts=ctx.opts(parent, ctx.cluster_provider, stateful, depends_on=deps))


def disruption_budget(parent: pulumi.Resource, ctx: BuildContext, selector: dict[str, str],
                      depends_on: list[pulumi.Resource]) -> PodDisruptionBudget:
    """At most one broker pod down at a time during node drains and upgrades."""
    from pulumi_kubernetes.meta.v1 import LabelSelectorArgs

    return PodDisruptionBudget(
        f"{ctx.name}-pdb", metadata=ObjectMetaArgs(name=f"{ctx.spec.name}-brokers", namespace=namespace_name(ctx),
                                                    labels=labels(ctx)),
        spec=PodDisruptionBudgetSpecArgs(max_unavailable=1, selector=LabelSelectorArgs(match_labels=selector)),
        opts=ctx.opts(parent, ctx.cluster_provider, depends_on=depends_on))


def alert_rules(parent: pulumi.Resource, ctx: BuildContext, metrics: list[LagMetric], region: str,
                depends_on: list[pulumi.Resource]) -> CustomResource:
    """A PrometheusRule; Alertmanager (observability) forwards by the sns_topic_arn annotation."""
    rules = prometheus_rules(ctx.spec, ctx.alerts, region, metrics)
    return custom(parent, ctx, "lag-rules", MONITORING_API, "PrometheusRule", f"{ctx.spec.name}-lag",
                  {"groups": [{"name": f"{ctx.spec.name}-lag", "rules": rules}]},
                  extra_labels=PROMETHEUS.release_label, depends_on=depends_on)


def metrics_monitor(parent: pulumi.Resource, ctx: BuildContext, kind: str, spec: dict[str, Any],
                    depends_on: list[pulumi.Resource]) -> CustomResource:
    """The PodMonitor or ServiceMonitor that makes Prometheus scrape the broker's metrics (the lag rules'
    input), labelled for kube-prometheus-stack's monitor selector."""
    return custom(parent, ctx, "metrics-monitor", MONITORING_API, kind, f"{ctx.spec.name}-metrics", spec,
                  extra_labels=PROMETHEUS.release_label, depends_on=depends_on)


def resources(ctx: BuildContext) -> dict[str, dict[str, str]]:
    """Requests equal limits: brokers get guaranteed QoS and are the last pods evicted under pressure."""
    amount = {"cpu": ctx.spec.size.cpu, "memory": ctx.spec.size.memory}
    return {"requests": dict(amount), "limits": dict(amount)}


def replicas(ctx: BuildContext) -> int:
    return ctx.spec.size.nodes or 3
