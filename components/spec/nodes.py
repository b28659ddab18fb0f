"""Spec models and cross-field checks for region-pinned processing nodes: the workers consuming from brokers.

Practices: 5.6 (data residency through region-specific processing nodes), 3.6 (scale on consumer lag),
6.3 (health probes), 5.4 (least-privilege service identities), 6.1 and 6.2 (structured logs, tracing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Literal, Optional

from pydantic import Field, model_validator

from .base import Problem, Name, SpecModel
from .brokers import kinds_where
from .integration_design import ApiCall
from .residency import region_in_zone

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


# Kinds whose queues a node can consume today: SQS via IRSA (a KEDA aws-sqs-queue trigger reads the lag).
# A digest pins the exact image; a tag is accepted but never `latest`, which moves under a running Deployment.
IMAGE_RE = r"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})$"
QUANTITY_CPU = r"^\d+(\.\d+)?m?$"
QUANTITY_MEMORY = r"^\d+(Ki|Mi|Gi)$"


class QueueRef(SpecModel):
    broker: Name
    queue: Name


class TopicRef(SpecModel):
    broker: Name
    topic: Name


class NodeResources(SpecModel):
    """Requests size the scheduler's placement; limits stop one node starving its neighbours."""

    cpu_request: str = Field(default="250m", pattern=QUANTITY_CPU, description="CPU request, as a Kubernetes quantity")
    cpu_limit: str = Field(default="1", pattern=QUANTITY_CPU, description="CPU limit, as a Kubernetes quantity")
    memory_request: str = Field(default="256Mi", pattern=QUANTITY_MEMORY,
                                description="memory request, as a Kubernetes quantity")
    memory_limit: str = Field(default="512Mi", pattern=QUANTITY_MEMORY,
                              description="memory limit, as a Kubernetes quantity")


class NodeProbes(SpecModel):
    """HTTP paths the worker serves for its startup, liveness and readiness probes (practice 6.3)."""

    port: int = Field(default=8080, ge=1024, le=65535, description="container port serving the probe paths")
    startup_path: str = Field(default="/startupz", pattern=r"^/[\w./-]*$", description="HTTP path of the startup probe")
    liveness_path: str = Field(default="/livez", pattern=r"^/[\w./-]*$", description="HTTP path of the liveness probe")
    readiness_path: str = Field(default="/readyz", pattern=r"^/[\w./-]*$",
                                description="HTTP path of the readiness probe")


class NodeScaling(SpecModel):
    """Practice 3.6: KEDA scales on queue depth; the per-replica target comes from throughput and the SLO."""

    min_replicas: int = Field(default=2, ge=1, le=100, description="never fewer (two keep a zone outage survivable)")
    max_replicas: int = Field(default=10, ge=1, le=500, description="never more")
    messages_per_second: float = Field(default=10, gt=0, le=100000, description="one replica's sustained throughput")

    @model_validator(mode="after")
    def _order(self) -> "NodeScaling":
        if self.max_replicas < self.min_replicas:
            raise ValueError(f"max_replicas ({self.max_replicas}) must be at least min_replicas ({self.min_replicas})")
        return self


class NodeSpec(SpecModel):
    """One processing node: a worker Deployment on one cluster, pinned to that cluster's region."""

    name: Name
    cluster: Name = Field(description="clusters[].name the node runs on")
    region: str = Field(description="where it runs: the cluster's region, or onprem:<site> for on-prem clusters")
    residency_zone: Optional[Literal["eu", "us", "uk", "apac"]] = Field(
        default=None, description="when set, the node may only run in and read from regions of this zone")
    namespace: Optional[Name] = Field(default=None, description="Kubernetes namespace; default the node's name")
    image: str = Field(
        pattern=IMAGE_RE, description="registry/repo@sha256:<digest> or registry/repo:<tag> (not latest)")
    owner: str = Field(min_length=1, description="owning team, used in tags and the catalog")
    scaling: NodeScaling = Field(default_factory=NodeScaling, description="KEDA scaling on queue depth")
    resources: NodeResources = Field(default_factory=NodeResources,
                                     description="container CPU and memory requests and limits")
    probes: NodeProbes = Field(default_factory=NodeProbes, description="startup, liveness and readiness probe paths")
    metrics_port: int = Field(
        default=9464, ge=1024, le=65535,
        description="container port (named `metrics`) serving Prometheus /metrics; 9464 is the OpenTelemetry "
                    "Prometheus exporter's default")
    consumes: list[QueueRef] = Field(min_length=1, description="queues the node reads (and scales on)")
    publishes: list[TopicRef] = Field(default_factory=list, description="topics the node may publish to")
    calls: list[ApiCall] = Field(default_factory=list,
        description="gateway APIs the node calls synchronously; a call into another context needs an integration")

    @model_validator(mode="after")
    def _pinned_image(self) -> "NodeSpec":
        if self.image.endswith(":latest"):
            raise ValueError("image tag latest is not pinned; expected a digest (@sha256:...) or a release tag")
        if self.metrics_port == self.probes.port:
            raise ValueError(f"metrics_port {self.metrics_port} is also probes.port; expected two container ports")
        return self

    @property
    def k8s_namespace(self) -> str:
        return self.namespace or self.name


class Telemetry(SpecModel):
    """Where nodes send OpenTelemetry data: a collector Service already running in every cluster."""

    collector_namespace: Name = Field(default="observability",
                                      description="namespace of the OpenTelemetry collector Service")
    collector_service: Name = Field(default="otel-collector", description="name of the OpenTelemetry collector Service")
    collector_port: int = Field(default=4317, ge=1, le=65535, description="OTLP/gRPC port")
    collector_pod_labels: dict[str, str] = Field(
        default_factory=lambda: {"app.kubernetes.io/name": "opentelemetry-collector"},
        description="labels of the collector pods, for the nodes' egress NetworkPolicy")


class ProcessingSpec(SpecModel):
    telemetry: Telemetry = Field(default_factory=Telemetry, description="where every node sends its OpenTelemetry data")
    nodes: list[NodeSpec] = Field(default_factory=list,
                                  description="region-pinned worker Deployments consuming from brokers")

    def clusters(self) -> set[str]:
        return {n.cluster for n in self.nodes}


def read_region(node_region: str, broker_region: str, standby_region: Optional[str] = None) -> str:
    """The broker copy a node reads: the one in its own region when there is one, else the primary.

    Reading locally keeps messages in-region and on the VPC endpoints; on-prem nodes read the primary
    over the hybrid link."""
    return node_region if node_region in (broker_region, standby_region) else broker_region


def check_nodes(spec: "EnvironmentSpec") -> Iterator[Problem]:
    clusters = {c.name: c for c in spec.clusters}
    brokers = {b.name: b for b in spec.messaging.brokers}
    countries = spec.site_countries()
    seen: set[str] = set()
    for i, node in enumerate(spec.processing.nodes):
        path = f"processing.nodes[{i}]"
        if node.name in seen:
            yield f"{path}.name", f"duplicate node name {node.name!r}: names must be unique"
        seen.add(node.name)
        zone = node.residency_zone
        if zone and not region_in_zone(node.region, zone, countries):
            yield f"{path}.region", (f"node pinned to residency zone {zone!r} cannot run in {node.region!r}; "
                                     f"expected a region of zone {zone!r}")
        cluster = clusters.get(node.cluster)
        if cluster is None:
            yield f"{path}.cluster", f"undefined cluster {node.cluster!r}; expected one of clusters[].name ({', '.join(sorted(clusters)) or 'none'})"
        else:
            if cluster.placement != node.region:
                yield f"{path}.region", f"cluster {cluster.name!r} runs in {cluster.placement!r}; expected region {cluster.placement!r}"
            if cluster.cloud == "azure":
                yield f"{path}.cluster", "nodes consume AWS queues through IRSA; expected an aws or onprem cluster"
            elif cluster.oidc_provider_arn is None:
                yield (f"{path}.cluster", f"cluster {cluster.name!r} has no oidc_provider_arn; expected one so the node's "
                                          "IAM role can trust its service account (IRSA)")
        in_cloud = cluster is not None and cluster.cloud == "aws"
        yield from _check_refs(path, node, brokers, zone, countries, in_cloud)


def _check_refs(path: str, node: NodeSpec, brokers: dict, zone: Optional[str], countries: dict[str, str],
                in_cloud: bool) -> Iterator[Problem]:
    refs = [(f"{path}.consumes[{j}]", r.broker, "queue", r.queue) for j, r in enumerate(node.consumes)]
    refs += [(f"{path}.publishes[{j}]", r.broker, "topic", r.topic) for j, r in enumerate(node.publishes)]
    for ref_path, broker_name, what, item in refs:
        broker = brokers.get(broker_name)
        if broker is None:
            yield f"{ref_path}.broker", f"undefined broker {broker_name!r}; expected one of messaging.brokers[].name ({', '.join(sorted(brokers)) or 'none'})"
            continue
        if not broker.consumable_by_nodes:
            consumable = ", ".join(kinds_where(lambda m: m.consumable_by_nodes))
            yield f"{ref_path}.broker", f"broker {broker_name!r} is {broker.kind}; processing nodes support {consumable} brokers"
            continue
        names = ({q.name for q in broker.queue_specs()} if what == "queue" else
                 {t.name for t in broker.topic_specs()})
        if item not in names:
            yield f"{ref_path}.{what}", f"undefined {what} {item!r} in broker {broker_name!r}; expected one of {', '.join(sorted(names)) or 'none'}"
        reads = read_region(node.region, *broker.copy_regions())
        if in_cloud and reads != node.region:
            # The VPC's endpoints serve only their own region; a cross-region read would leave the VPC.
            yield f"{ref_path}.broker", (f"broker {broker_name!r} has no copy in {node.region!r}; expected the node's "
                                         "region as the broker's region or standby_region")
        if zone and not region_in_zone(reads, zone, countries):
            yield f"{ref_path}.broker", (f"node pinned to residency zone {zone!r} would read broker {broker_name!r} in "
                                         f"{reads!r}; expected a broker region in zone {zone!r}")
