"""Shared pieces of the in-cluster backends: a namespace per broker, custom resources behind the add-ons.

Custom resources depend on the cluster's add-ons component so the operator (and its CRDs) exist first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_kubernetes.apiextensions import CustomResource
from pulumi_kubernetes.core.v1 import Namespace
from pulumi_kubernetes.meta.v1 import ObjectMetaArgs
from pulumi_kubernetes.policy.v1 import PodDisruptionBudget, PodDisruptionBudgetSpecArgs

from ..cluster.addons import PROMETHEUS
from ..spec.brokers import InClusterBroker
from .alarms import prometheus_rules
from .backend import BrokerArgs, ClusterPlace, LagMetric


@dataclass(frozen=True)
class InCluster:
    """An in-cluster broker being built: its logical name, its args and its cluster."""

    name: str
    args: BrokerArgs
    place: ClusterPlace

    @property
    def spec(self) -> InClusterBroker:
        assert isinstance(self.args.spec, InClusterBroker)
        return self.args.spec

    def opts(self, parent: pulumi.Resource, stateful: bool = False, **extra: Any) -> pulumi.ResourceOptions:
        return self.args.protection.opts(parent, self.place.provider, stateful, **extra)


def in_cluster(name: str, args: BrokerArgs) -> InCluster:
    spec = args.spec
    assert isinstance(spec, InClusterBroker)
    return InCluster(name, args, args.places.cluster(spec.cluster, spec.name))


def namespace_name(ctx: InCluster) -> str:
    return f"msg-{ctx.spec.name}"


def labels(ctx: InCluster) -> dict[str, str]:
    return {"app.kubernetes.io/part-of": "hybrid-messaging", "hybrid/broker": ctx.spec.name,
            "hybrid/owner": ctx.spec.owner, "hybrid/environment": ctx.args.estate.environment}


def namespace(parent: pulumi.Resource, ctx: InCluster) -> Namespace:
    return Namespace(f"{ctx.name}-ns", metadata=ObjectMetaArgs(name=namespace_name(ctx), labels=labels(ctx)),
                     opts=ctx.opts(parent, True))


MONITORING_API = "monitoring.coreos.com/v1"


def custom(parent: pulumi.Resource, ctx: InCluster, logical: str, api_version: str, kind: str, name: str,
           spec: dict[str, Any], extra_labels: dict[str, str] | None = None, stateful: bool = False,
           depends_on: list[pulumi.Resource] | None = None, annotations: dict[str, str] | None = None) -> CustomResource:
    deps = [d for d in [ctx.place.addons, *(depends_on or [])] if d is not None]
    return CustomResource(
        f"{ctx.name}-{logical}", api_version=api_version, kind=kind,
        metadata=ObjectMetaArgs(name=name, namespace=namespace_name(ctx), labels={**labels(ctx), **(extra_labels or {})},
                                annotations=annotations),
        spec=spec, opts=ctx.opts(parent, stateful, depends_on=deps))


def disruption_budget(parent: pulumi.Resource, ctx: InCluster, selector: dict[str, str],
                      depends_on: list[pulumi.Resource]) -> PodDisruptionBudget:
    """At most one broker pod down at a time during node drains and upgrades."""
    from pulumi_kubernetes.meta.v1 import LabelSelectorArgs

    return PodDisruptionBudget(
        f"{ctx.name}-pdb", metadata=ObjectMetaArgs(name=f"{ctx.spec.name}-brokers", namespace=namespace_name(ctx),
                                                    labels=labels(ctx)),
        spec=PodDisruptionBudgetSpecArgs(max_unavailable=1, selector=LabelSelectorArgs(match_labels=selector)),
        opts=ctx.opts(parent, depends_on=depends_on))


def alert_rules(parent: pulumi.Resource, ctx: InCluster, metrics: list[LagMetric],
                depends_on: list[pulumi.Resource]) -> CustomResource:
    """A PrometheusRule; Alertmanager (observability) forwards by the sns_topic_arn annotation."""
    alerting = ctx.args.alerting
    if not alerting.region:
        raise ValueError(f"broker {ctx.spec.name}: no AWS region to route in-cluster alarms to")
    rules = prometheus_rules(ctx.spec, alerting.routes, alerting.region, metrics)
    return custom(parent, ctx, "lag-rules", MONITORING_API, "PrometheusRule", f"{ctx.spec.name}-lag",
                  {"groups": [{"name": f"{ctx.spec.name}-lag", "rules": rules}]},
                  extra_labels=PROMETHEUS.release_label, depends_on=depends_on)


def metrics_monitor(parent: pulumi.Resource, ctx: InCluster, kind: str, spec: dict[str, Any],
                    depends_on: list[pulumi.Resource]) -> CustomResource:
    """The PodMonitor or ServiceMonitor that makes Prometheus scrape the broker's metrics (the lag rules'
    input), labelled for kube-prometheus-stack's monitor selector."""
    return custom(parent, ctx, "metrics-monitor", MONITORING_API, kind, f"{ctx.spec.name}-metrics", spec,
                  extra_labels=PROMETHEUS.release_label, depends_on=depends_on)


def resources(ctx: InCluster) -> dict[str, dict[str, str]]:
    """Requests equal limits: brokers get guaranteed QoS and are the last pods evicted under pressure."""
    amount = {"cpu": ctx.spec.size.cpu, "memory": ctx.spec.size.memory}
    return {"requests": dict(amount), "limits": dict(amount)}


def replicas(ctx: InCluster) -> int:
    return ctx.spec.size.nodes or 3
