"""The node's Kubernetes objects as plain API dicts (camelCase, exactly the API's field names).

Kept pure so tests validate them against the cluster version's OpenAPI schemas and so every
setting (affinity, probes, limits, egress) is visible in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

REGION_LABEL = "topology.kubernetes.io/region"
ZONE_LABEL = "topology.kubernetes.io/zone"
COMPONENT = "processing-node"
ZONE_MARKER = "hybrid.integration/residency-zone"
METRICS_PORT = "metrics"
"""The container port name PodMonitors scrape (components/observability/prometheus.py)."""


@dataclass(frozen=True)
class Workload:
    """What the pure builders need to know about one node."""

    name: str
    namespace: str
    image: str
    region_label: str
    """Value of topology.kubernetes.io/region on the cluster's nodes."""
    residency_zone: str | None
    production: bool
    probe_port: int
    metrics_port: int
    """Container port named METRICS_PORT serving Prometheus /metrics."""
    startup_path: str
    liveness_path: str
    readiness_path: str
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str


def region_label(placement: str) -> str:
    """Cloud regions label nodes with their code; on-prem clusters label them with the site (no ':' in labels)."""
    return placement.removeprefix("onprem:")


def labels(w: Workload) -> dict[str, str]:
    out = {"app.kubernetes.io/name": w.name, "app.kubernetes.io/component": COMPONENT,
           "app.kubernetes.io/part-of": "hybrid-integration"}
    if w.residency_zone:
        out[ZONE_MARKER] = w.residency_zone
    return out


def selector(w: Workload) -> dict[str, str]:
    return {"app.kubernetes.io/name": w.name, "app.kubernetes.io/component": COMPONENT}


def env_name(prefix: str, name: str, suffix: str) -> str:
    return f"{prefix}_{name.upper().replace('-', '_')}_{suffix}"


def otel_env(service: str, endpoint: str, attributes: Mapping[str, str]) -> list[dict]:
    """Practices 6.1, 6.2: JSON logs and OTLP traces/metrics with resource attributes for correlation."""
    attrs = ",".join(f"{k}={v}" for k, v in sorted(attributes.items()))
    return [
        {"name": "K8S_POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "LOG_FORMAT", "value": "json"},
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "OTEL_SERVICE_NAME", "value": service},
        {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": endpoint},
        {"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "grpc"},
        {"name": "OTEL_TRACES_SAMPLER", "value": "parentbased_traceidratio"},
        {"name": "OTEL_TRACES_SAMPLER_ARG", "value": "0.1"},
        # $(K8S_POD_NAME) is expanded by the kubelet because the variable is defined above.
        {"name": "OTEL_RESOURCE_ATTRIBUTES", "value": f"{attrs},k8s.pod.name=$(K8S_POD_NAME)"},
    ]


def _probe(path: str, port: int, period: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period, "failureThreshold": failures,
            "timeoutSeconds": 2}


def deployment_spec(w: Workload, service_account: str, env: Sequence[dict],
                    volumes: Sequence[tuple[dict, dict]] = ()) -> dict:
    """No `replicas`: KEDA's HPA owns the count, and a value here would fight it on every update.
    `volumes` pairs each pod volume with the container's mount of it."""
    pod_labels = labels(w)
    container = {
        "name": w.name, "image": w.image, "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": w.probe_port, "protocol": "TCP"},
                  {"name": METRICS_PORT, "containerPort": w.metrics_port, "protocol": "TCP"}],
        "env": list(env),
        # Startup gives a slow start 5 minutes before liveness may restart it; readiness gates traffic.
        "startupProbe": _probe(w.startup_path, w.probe_port, 10, 30),
        "livenessProbe": _probe(w.liveness_path, w.probe_port, 10, 3),
        "readinessProbe": _probe(w.readiness_path, w.probe_port, 5, 3),
        "resources": {"requests": {"cpu": w.cpu_request, "memory": w.memory_request},
                      "limits": {"cpu": w.cpu_limit, "memory": w.memory_limit}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}},
    }
    if volumes:
        container["volumeMounts"] = [mount for _, mount in volumes]
    pod_volumes = {"volumes": [volume for volume, _ in volumes]} if volumes else {}
    return {
        "selector": {"matchLabels": selector(w)},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
        "template": {
            "metadata": {"labels": pod_labels},
            "spec": {
                "serviceAccountName": service_account,
                # IRSA mounts its own projected token; the API token is not needed by a queue worker.
                "automountServiceAccountToken": False,
                "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                "terminationGracePeriodSeconds": 60,
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": [
                        {"key": REGION_LABEL, "operator": "In", "values": [w.region_label]}]}]}}},
                "topologySpreadConstraints": [{
                    "maxSkew": 1, "topologyKey": ZONE_LABEL,
                    # Production refuses to stack replicas in one zone; lower tiers prefer spreading only.
                    "whenUnsatisfiable": "DoNotSchedule" if w.production else "ScheduleAnyway",
                    "labelSelector": {"matchLabels": selector(w)}}],
                "containers": [container],
                **pod_volumes,
            },
        },
    }


def disruption_budget_spec(w: Workload) -> dict:
    return {"maxUnavailable": 1, "selector": {"matchLabels": selector(w)}}


def network_policy_spec(w: Workload, broker_cidrs: Sequence[str], collector_namespace: str,
                        collector_labels: Mapping[str, str], collector_port: int,
                        scraper: tuple[str, Mapping[str, str]] | None = None,
                        caches: Sequence[tuple[str, int]] = ()) -> dict:
    """Default deny both ways; egress only to DNS, the telemetry collector, HTTPS to the broker networks and each
    owned cache's (network, port); ingress only from `scraper` (namespace, pod labels) to the metrics port, when
    something scrapes the node."""
    egress = [
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                 "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
         "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": collector_namespace}},
                 "podSelector": {"matchLabels": dict(collector_labels)}}],
         "ports": [{"protocol": "TCP", "port": collector_port}]},
        # Queues, topics, KMS and STS are reached through the VPC's interface endpoints (HTTPS only).
        {"to": [{"ipBlock": {"cidr": cidr}} for cidr in sorted(set(broker_cidrs))],
         "ports": [{"protocol": "TCP", "port": 443}]},
    ]
    for cidr, port in sorted(set(caches)):
        egress.append({"to": [{"ipBlock": {"cidr": cidr}}], "ports": [{"protocol": "TCP", "port": port}]})
    ingress = [] if scraper is None else [{
        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": scraper[0]}},
                  "podSelector": {"matchLabels": dict(scraper[1])}}],
        "ports": [{"protocol": "TCP", "port": w.metrics_port}]}]
    return {"podSelector": {"matchLabels": selector(w)}, "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress, "egress": egress}


def scaled_object_spec(w: Workload, min_replicas: int, max_replicas: int, auth_name: str,
                       triggers: Sequence[tuple[str, str, int]]) -> dict:
    """`triggers` are (queue URL, region, queueLength target); KEDA scales on the busiest queue."""
    return {
        "scaleTargetRef": {"name": w.name},
        "minReplicaCount": min_replicas, "maxReplicaCount": max_replicas,
        "pollingInterval": 15, "cooldownPeriod": 300,
        "triggers": [{"type": "aws-sqs-queue", "authenticationRef": {"name": auth_name},
                      "metadata": {"queueURL": url, "awsRegion": region, "queueLength": str(target),
                                   "scaleOnInFlight": "true"}}
                     for url, region, target in triggers],
    }


def trigger_auth_spec(role_arn: str) -> dict:
    return {"podIdentity": {"provider": "aws", "roleArn": role_arn}}
