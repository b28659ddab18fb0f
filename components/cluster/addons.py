"""Installs, per cluster, the operators whose custom resources the environment uses, as pinned Helm releases.

Capabilities ask for operators by name (the platform builder collects what each cluster needs);
resources that create custom resources depend on the ClusterAddons component, so the CRDs exist first.
Versions are pinned so a chart release can never change a cluster without a reviewed diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pulumi
from pulumi_kubernetes.helm.v3 import Release, ReleaseArgs, RepositoryOptsArgs


@dataclass(frozen=True)
class Operator:
    chart: str
    version: str
    repository: str
    namespace: str
    values: tuple[tuple[str, object], ...] = ()


OPERATORS: dict[str, Operator] = {
    "strimzi": Operator("strimzi-kafka-operator", "0.45.0", "https://strimzi.io/charts/", "strimzi-system",
                        (("watchAnyNamespace", True),)),
    "rabbitmq": Operator("rabbitmq-cluster-operator", "4.4.4", "https://charts.bitnami.com/bitnami", "rabbitmq-system"),
    # The operator's identity (its role, and how its pod gets the token) comes per cluster through
    # ClusterAddonsArgs.values: components/cluster/keda_identity.py.
    "keda": Operator("keda", "2.16.1", "https://kedacore.github.io/charts", "keda"),
    "external-secrets": Operator("external-secrets", "0.12.1", "https://charts.external-secrets.io",
                                 "external-secrets", (("installCRDs", True),)),
    # Issues the in-cluster RabbitMQ brokers' TLS certificates.
    "cert-manager": Operator("cert-manager", "v1.16.2", "https://charts.jetstack.io", "cert-manager",
                             (("crds", {"enabled": True}),)),
    "prometheus-operator": Operator("kube-prometheus-stack", "67.9.0",
                                    "https://prometheus-community.github.io/helm-charts", "monitoring"),
}


@dataclass(frozen=True)
class Scraper:
    """Who scrapes workloads' /metrics: the Prometheus pods the operator runs from kube-prometheus-stack.
    The operator labels them app.kubernetes.io/name=prometheus; network policies admit exactly those.
    https://prometheus-operator.dev/docs/platform/troubleshooting/ (pods carry the operator's standard labels)"""

    namespace: str
    pod_labels: dict[str, str]
    release_label: dict[str, str]
    """kube-prometheus-stack selects monitors and rules labelled with its release name (its
    *SelectorNilUsesHelmValues defaults), so every PodMonitor and PrometheusRule carries this."""


PROMETHEUS = Scraper(namespace=OPERATORS["prometheus-operator"].namespace,
                     pod_labels={"app.kubernetes.io/name": "prometheus"},
                     release_label={"release": "prometheus-operator"})


@dataclass(frozen=True)
class ClusterAddonsArgs:
    cluster: str
    """Cluster name from the spec (used in logical names)."""
    operators: frozenset[str]
    """Names from OPERATORS that this cluster needs."""
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Per operator, chart values that depend on this cluster (merged over the pinned defaults)."""


class ClusterAddons(pulumi.ComponentResource):
    """Pass `providers={"kubernetes": <cluster provider>}` in opts; every release inherits it."""

    releases: dict[str, Release]

    def __init__(self, name: str, args: ClusterAddonsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:cluster:ClusterAddons", name, None, opts)
        unknown = sorted(set(args.operators) - set(OPERATORS))
        if unknown:
            raise ValueError(f"unknown operators {unknown}; known: {sorted(OPERATORS)}")
        self.releases = {}
        for key in sorted(args.operators):
            op = OPERATORS[key]
            self.releases[key] = Release(
                f"{name}-{key}",
                ReleaseArgs(chart=op.chart, version=op.version, namespace=op.namespace, create_namespace=True,
                            name=key, repository_opts=RepositoryOptsArgs(repo=op.repository),
                            values={**dict(op.values), **args.values.get(key, {})}, atomic=True, cleanup_on_fail=True, timeout=600),
                opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"releases": {k: r.status for k, r in self.releases.items()}})
