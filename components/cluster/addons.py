"""Installs, per cluster, the operators whose custom resources the environment uses, as pinned Helm releases
(or, where a project ships no maintained chart, its pinned release manifests).

Capabilities ask for operators by name (the platform builder collects what each cluster needs);
resources that create custom resources depend on the ClusterAddons component, so the CRDs exist first.
Versions are pinned so a chart release can never change a cluster without a reviewed diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pulumi
from pulumi_kubernetes.helm.v3 import Release, ReleaseArgs, RepositoryOptsArgs
from pulumi_kubernetes.yaml.v2 import ConfigFile


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
class Manifests:
    """An operator installed from its project's pinned release manifests (an explicit exception to Helm: the
    RabbitMQ projects publish no chart of their own, and the Bitnami chart's versioned images are no longer
    published under their old names). Each file is applied by the Kubernetes provider's yaml/v2 ConfigFile,
    which takes a URL: https://www.pulumi.com/registry/packages/kubernetes/api-docs/yaml/v2/configfile/"""

    name: str
    version: str
    """The versions of the manifests, as one pin (`<first>+<second>`)."""
    namespace: str
    """The namespace the manifests create and run in."""
    files: tuple[str, ...]
    """Release asset URLs, applied in order (each after the one before)."""
    after: tuple[str, ...] = ()
    """Operators (keys of OPERATORS) the manifests need first."""


CLUSTER_OPERATOR = "2.12.1"
TOPOLOGY_OPERATOR = "1.16.0"
MANIFEST_OPERATORS: dict[str, Manifests] = {
    # The cluster operator's release asset, then the messaging topology operator's variant whose webhook
    # certificate cert-manager issues (both namespace rabbitmq-system). Asset names from each project's
    # release workflow (.github/workflows/build-test-publish.yml at those tags).
    "rabbitmq": Manifests(
        "rabbitmq-operators", f"{CLUSTER_OPERATOR}+{TOPOLOGY_OPERATOR}", "rabbitmq-system",
        (f"https://github.com/rabbitmq/cluster-operator/releases/download/v{CLUSTER_OPERATOR}/cluster-operator.yml",
         f"https://github.com/rabbitmq/messaging-topology-operator/releases/download/v{TOPOLOGY_OPERATOR}/"
         "messaging-topology-operator-with-certmanager.yaml"),
        after=("cert-manager",)),
}
# The broker image a RabbitmqCluster runs, pinned rather than left to the operator's default (the cluster
# operator 2.12.1 default, main.go defaultRabbitmqImage): the official image, published on Docker Hub.
RABBITMQ_IMAGE = "rabbitmq:4.0.5-management"


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
    """Names from OPERATORS (or MANIFEST_OPERATORS) that this cluster needs."""
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Per operator, chart values that depend on this cluster (merged over the pinned defaults)."""


class ClusterAddons(pulumi.ComponentResource):
    """Pass `providers={"kubernetes": <cluster provider>}` in opts; every release inherits it."""

    releases: dict[str, Release]
    manifests: dict[str, list[ConfigFile]]

    def __init__(self, name: str, args: ClusterAddonsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:cluster:ClusterAddons", name, None, opts)
        known = set(OPERATORS) | set(MANIFEST_OPERATORS)
        unknown = sorted(set(args.operators) - known)
        if unknown:
            raise ValueError(f"unknown operators {unknown}; known: {sorted(known)}")
        self.releases = {}
        for key in sorted(set(args.operators) & set(OPERATORS)):
            op = OPERATORS[key]
            self.releases[key] = Release(
                f"{name}-{key}",
                ReleaseArgs(chart=op.chart, version=op.version, namespace=op.namespace, create_namespace=True,
                            name=key, repository_opts=RepositoryOptsArgs(repo=op.repository),
                            values={**dict(op.values), **args.values.get(key, {})}, atomic=True, cleanup_on_fail=True, timeout=600),
                opts=pulumi.ResourceOptions(parent=self))
        self.manifests = {}
        for key in sorted(set(args.operators) & set(MANIFEST_OPERATORS)):
            spec = MANIFEST_OPERATORS[key]
            missing = [a for a in spec.after if a not in self.releases]
            if missing:
                raise ValueError(f"operator {key} needs {missing} on the same cluster")
            waits: list[pulumi.Resource] = [self.releases[a] for a in spec.after]
            applied: list[ConfigFile] = []
            for index, url in enumerate(spec.files):
                applied.append(ConfigFile(f"{name}-{key}-{index}", file=url, opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*waits, *applied[-1:]])))
            self.manifests[key] = applied
        self.register_outputs({"releases": {k: r.status for k, r in self.releases.items()},
                               "manifests": {k: list(MANIFEST_OPERATORS[k].files) for k in self.manifests}})
