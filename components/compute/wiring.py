"""Builds every processing node of the environment from its spec, brokers and cluster add-ons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pulumi

from ..cluster.addons import PROMETHEUS
from ..observability import FlagSwitches
from ..spec.nodes import read_region
from ..spec.ownership import ownership_map
from .node import CacheClient, ConsumedQueue, ProcessingNode, ProcessingNodeArgs, PublishedTopic
from .scaling import queue_length_target


@dataclass
class BuiltNodes:
    """What the other capabilities need from the nodes: their roles and the namespaces they create."""

    outputs: dict[str, object] = field(default_factory=dict)
    role_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Node name -> its IAM role ARN (secret readers named by node resolve to it)."""
    role_names: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Node name -> its IAM role name (sagas attach their callback grants to it)."""
    namespaces: dict[tuple[str, str], pulumi.Resource] = field(default_factory=dict)
    """(cluster, namespace) -> the Namespace a node creates there."""
    scaler_role_arns: dict[str, list[pulumi.Output[str]]] = field(default_factory=dict)
    """Cluster -> the scaler roles of its nodes (KEDA's operator there may assume exactly these)."""


def build_nodes(spec: Any, providers: Any, brokers: Mapping[str, Any], addons: Mapping[str, pulumi.Resource],
                keda_roles: Mapping[str, pulumi.Input[str]], flags: Mapping[str, FlagSwitches] | None = None,
                caches: Mapping[str, tuple[CacheClient, ...]] | None = None) -> BuiltNodes:
    """`brokers` maps broker name to its Broker component (its regional copies carry the key ARNs);
    `keda_roles` maps each cluster to its KEDA operator's role ARN; `flags` maps an integration's name to its
    rollback switches: a node reads the switches of the integration named after it; `caches` maps a node to the
    caches it owns (practice 4.4)."""
    built = BuiltNodes()
    if not spec.processing.nodes:
        return built
    clusters = {c.name: c for c in spec.clusters}
    vpc_cidrs = {r.region: str(r.cidr) for r in spec.regions.aws.all()}
    specs = {b.name: b for b in spec.messaging.brokers}
    namespaces: dict[tuple[str, str], pulumi.Resource] = {}
    outputs: dict[str, Any] = {}
    # Integrations whose workload is a node: Prometheus scrapes that node's metrics port (observability).
    monitored = {(i.name, i.workload.cluster, i.workload.namespace)
                 for i in spec.observability.integrations if i.workload}
    owned = ownership_map(spec)
    for node in spec.processing.nodes:
        queues, topics = [], []
        for ref in node.consumes:
            broker = specs[ref.broker]
            region = read_region(node.region, *broker.copy_regions())
            queue = next(q for q in broker.queue_specs() if q.name == ref.queue)
            copy = brokers[broker.name].regions[region]
            queues.append(ConsumedQueue(
                name=queue.name, url=copy.queue_urls[queue.name], arn=copy.queue_arns[queue.name], region=region,
                key_arn=copy.key_arn, dedup_table=copy.dedup_tables.get(queue.name),
                length_target=queue_length_target(node.scaling.messages_per_second, broker.slo.max_message_age_seconds)))
        for ref in node.publishes:
            if not owned.may_publish(node.owner, ref.broker, ref.topic):
                # The spec check refuses this first (processing.nodes[].publishes[]); no grant is built for it.
                raise ValueError(f"node {node.name} ({node.owner}) may not publish to {ref.broker}/{ref.topic}: it is "
                                 f"the change topic of an entity owned by {owned.change_topics[(ref.broker, ref.topic)].owner}")
            broker = specs[ref.broker]
            region = read_region(node.region, *broker.copy_regions())
            copy = brokers[broker.name].regions[region]
            topics.append(PublishedTopic(name=ref.topic, arn=copy.topic_arns[ref.topic], region=region,
                                         key_arn=copy.key_arn))
        key = (node.cluster, node.k8s_namespace)
        switches = (flags or {}).get(node.name)
        flag_cidrs = {vpc_cidrs[switches.region]} if switches is not None else set()
        resource = ProcessingNode(f"node-{node.name}", ProcessingNodeArgs(
            spec=node, environment=spec.name, oidc_provider_arn=clusters[node.cluster].oidc_provider_arn,
            keda_operator_role_arn=keda_roles[node.cluster],
            pod_identity_webhook=clusters[node.cluster].cloud == "aws",
            queues=tuple(queues), topics=tuple(topics),
            broker_cidrs=tuple(sorted({vpc_cidrs[q.region] for q in queues} | {vpc_cidrs[t.region] for t in topics}
                                      | flag_cidrs)), flags=switches,
            telemetry=spec.processing.telemetry, cluster_provider=providers.for_cluster(node.cluster),
            aws_provider=providers.for_aws(spec.regions.aws.primary.region),
            create_namespace=key not in namespaces, namespace_resource=namespaces.get(key),
            addons=addons.get(node.cluster), production=spec.production, caches=(caches or {}).get(node.name, ()),
            scraper=PROMETHEUS if (node.name, node.cluster, node.k8s_namespace) in monitored else None))
        if resource.namespace_resource is not None:
            namespaces[key] = resource.namespace_resource
        built.role_arns[node.name] = resource.role_arn
        built.role_names[node.name] = resource.role_name
        built.scaler_role_arns.setdefault(node.cluster, []).append(resource.scaler_role_arn)
        outputs[node.name] = {"cluster": node.cluster, "region": node.region, "namespace": resource.namespace,
                              "role_arn": resource.role_arn, "queue_length_targets": resource.queue_length_targets}
    built.outputs = {"processing_nodes": outputs}
    built.namespaces = namespaces
    return built
