"""Spec models for caches kept fresh by their owner's change events (practice 4.4).

A cache holds copies of one or more entities (`data.entities`) next to the context that reads them. Its
owner context runs a processing node that consumes the entity's change topic through an invalidation queue
and drops (or refreshes) the keys a change names; the TTL bounds how stale an entry can be when an
invalidation is lost or late. The queue is an ordinary queue of the change topic's broker (so it has its
dead-letter queue, encryption, lag alarms and standby copy like every other queue), subscribed to the topic,
and consumed by the node; the cache adds the endpoint, the TTL and the connect grant to that node.

Engines: ElastiCache for Valkey on AWS (serverless or node-based), and Azure Managed Redis
(`azure-native:redisenterprise`; Azure Cache for Redis is being retired).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Literal

from pydantic import Field, model_validator

from .base import Name, Problem, SpecModel

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

CacheEngine = Literal["elasticache-valkey", "azure-managed-redis"]
ENGINE_CLOUD: dict[str, str] = {"elasticache-valkey": "aws", "azure-managed-redis": "azure"}
# Azure Managed Redis SKUs (the redisenterprise API's SkuName, minus the retiring Enterprise tiers).
AZURE_SKU_RE = r"^(Balanced|MemoryOptimized|ComputeOptimized|FlashOptimized)_[A-Z]\d+$"
# ElastiCache node types: cache.<family>.<size> (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html).
NODE_TYPE_RE = r"^cache\.[a-z][a-z0-9]*\.[a-z0-9]+$"


class CacheInvalidation(SpecModel):
    """Who drops cached entries when the owner publishes a change: a node of the cache's owner, reading a queue
    the entity's change topic delivers to."""

    node: Name = Field(description="processing.nodes[].name of the cache's owner that consumes the invalidations")
    queue: Name = Field(description="a queue of the change topic's broker, listed in the topic's subscribers and in "
                                    "the node's consumes")


class CacheSize(SpecModel):
    """How big the cache is. AWS: serverless (limits) or node-based (node type, shards, replicas); Azure: the SKU."""

    mode: Literal["serverless", "nodes"] = Field(
        default="serverless", description="AWS: ElastiCache Serverless (scales itself within the limits) or a "
                                          "node-based replication group")
    max_storage_gb: int = Field(default=10, ge=1, le=5000, description="serverless: data storage limit in GB")
    max_ecpu_per_second: int = Field(default=5000, ge=1000, le=15000000,
                                     description="serverless: ElastiCache Processing Units per second limit")
    node_type: str = Field(default="cache.t4g.medium", pattern=NODE_TYPE_RE, description="nodes: the node type")
    shards: int = Field(default=1, ge=1, le=500, description="nodes: node groups (cluster mode when more than one)")
    replicas: int = Field(default=1, ge=1, le=5,
                          description="nodes: replicas per shard; at least one, so automatic failover and Multi-AZ "
                                      "can promote it")
    azure_sku: str = Field(default="Balanced_B1", pattern=AZURE_SKU_RE, description="Azure Managed Redis SKU")


class CacheSpec(SpecModel):
    """One cache of entity copies, invalidated from the owner's change topic (practice 4.4)."""

    name: Name = Field(description="cache name, unique in the environment", examples=["customer-profiles"])
    engine: CacheEngine = Field(description="elasticache-valkey (AWS) or azure-managed-redis (Azure)")
    region: str = Field(description="AWS region (regions.aws) or Azure location (regions.azure.location)")
    owner: str = Field(min_length=1, description="bounded context that owns the cache (and its invalidating node)")
    entities: list[Name] = Field(min_length=1, description="data.entities[].name whose copies the cache holds")
    invalidation: CacheInvalidation = Field(description="the node and queue that apply the owner's change events")
    ttl_seconds: int = Field(ge=1, le=2592000,
                             description="default TTL the workload sets on every entry: the upper bound on staleness "
                                         "when an invalidation is lost")
    size: CacheSize = Field(default_factory=CacheSize, description="capacity: serverless limits, nodes or SKU")

    @model_validator(mode="after")
    def _distinct_entities(self) -> "CacheSpec":
        if len(set(self.entities)) != len(self.entities):
            raise ValueError("entities lists an entity twice; expected each once")
        return self

    @property
    def cloud(self) -> str:
        return ENGINE_CLOUD[self.engine]


def check_caches(spec: "EnvironmentSpec") -> Iterator[Problem]:
    entities = {e.name: e for e in spec.data.entities}
    brokers = {b.name: b for b in spec.messaging.brokers}
    nodes = {n.name: n for n in spec.processing.nodes}
    clusters = {c.name: c for c in spec.clusters}
    seen: set[str] = set()
    for i, cache in enumerate(spec.data.caches):
        path = f"data.caches[{i}]"
        if cache.name in seen:
            yield f"{path}.name", f"duplicate cache name {cache.name!r}: names must be unique"
        seen.add(cache.name)
        yield from _check_region(path, cache, spec)
        topics = []
        for j, name in enumerate(cache.entities):
            entity = entities.get(name)
            if entity is None:
                yield f"{path}.entities[{j}]", (f"undefined entity {name!r}; expected one of data.entities[].name "
                                                f"({', '.join(sorted(entities)) or 'none'})")
            elif entity.change_topic is None:
                yield f"{path}.entities[{j}]", (f"entity {name!r} has no change_topic, so nothing can invalidate its "
                                                "copies; expected data.entities[].change_topic {broker, topic}")
            else:
                topics.append((j, entity.change_topic))
            if entity is not None and cache.owner not in {entity.owner, *entity.consumers}:
                # A cache holds copies: its context reads the entity, so it must be its owner or a consumer (4.5).
                yield f"{path}.owner", (f"{cache.owner!r} neither owns nor consumes entity {name!r}; expected "
                                        f"{entity.owner!r} or one of its consumers ({', '.join(entity.consumers) or 'none'})")
        for j, ref in topics:
            if ref.broker != topics[0][1].broker:
                yield f"{path}.entities[{j}]", (f"change topic on broker {ref.broker!r}; expected every cached "
                                                f"entity's changes on one broker ({topics[0][1].broker!r})")
        node = nodes.get(cache.invalidation.node)
        if node is None:
            yield f"{path}.invalidation.node", (f"undefined node {cache.invalidation.node!r}; expected one of "
                                                f"processing.nodes[].name ({', '.join(sorted(nodes)) or 'none'})")
        elif node.owner != cache.owner:
            yield f"{path}.invalidation.node", (f"node {node.name!r} belongs to {node.owner!r}; expected a node of "
                                                f"the cache's owner {cache.owner!r}")
        if topics and topics[0][1].broker in brokers:
            yield from _check_queue(path, cache, brokers[topics[0][1].broker], [r for _, r in topics], node)
        if node is not None and node.owner == cache.owner:
            yield from _check_reach(path, cache, node, clusters, spec)


def _check_region(path: str, cache: CacheSpec, spec: "EnvironmentSpec") -> Iterator[Problem]:
    if cache.cloud == "aws":
        regions = spec.aws_region_names()
        if cache.region not in regions:
            yield f"{path}.region", (f"engine {cache.engine} runs in AWS; expected one of regions.aws "
                                     f"({', '.join(sorted(regions))}), not {cache.region!r}")
    else:
        location = spec.regions.azure.location if spec.regions.azure else None
        if location is None:
            yield f"{path}.engine", (f"engine {cache.engine} runs in Azure and the environment has no regions.azure; "
                                     "expected regions.azure or an AWS engine")
        elif cache.region != location:
            yield f"{path}.region", f"expected regions.azure.location ({location}) for engine {cache.engine}"
        if spec.accounts.azure is None:
            yield f"{path}.engine", (f"engine {cache.engine} runs in Azure; expected accounts.azure (the subscription "
                                     "and the tenant of the cache's key vault)")
        if spec.prerequisites.azure_deployer is None:
            # The cache's key is created through ARM in an RBAC vault as the deploying identity (a data-plane role).
            yield f"{path}.engine", (f"engine {cache.engine} encrypts with a customer-managed key the stack creates "
                                     "through ARM as the deploying identity; expected prerequisites.azure_deployer "
                                     "(its object id) so the stack can grant it Key Vault Crypto Officer on the "
                                     "cache's vault")


def _check_queue(path: str, cache: CacheSpec, broker, refs, node) -> Iterator[Problem]:
    queue = cache.invalidation.queue
    queues = {q.name for q in broker.queue_specs()}
    if queue not in queues:
        yield f"{path}.invalidation.queue", (f"undefined queue {queue!r} on broker {broker.name!r} (the change topic's); "
                                             f"expected one of {', '.join(sorted(queues)) or 'none'}")
        return
    topics = {t.name: (j, t) for j, t in enumerate(broker.topic_specs())}
    for ref in refs:
        found = topics.get(ref.topic)
        if found is not None and queue not in found[1].subscribers:
            yield f"{path}.invalidation.queue", (f"topic {ref.topic!r} does not deliver to {queue!r}; expected it in "
                                                 f"broker {broker.name!r} topics[{found[0]}].subscribers")
    if node is not None and not any(c.broker == broker.name and c.queue == queue for c in node.consumes):
        yield f"{path}.invalidation.node", (f"node {node.name!r} does not consume {broker.name}/{queue}; expected it in "
                                            "the node's consumes")


def _check_reach(path: str, cache: CacheSpec, node, clusters, spec: "EnvironmentSpec") -> Iterator[Problem]:
    """The cache is private: its node must sit in the cache's network, or on-prem behind a link to it."""
    cluster = clusters.get(node.cluster)
    if cluster is None:
        return  # the node check names the undefined cluster
    if cluster.cloud == "onprem":
        links = {(link.cloud, link.region) for link in spec.connectivity.links if link.site == cluster.site}
        wanted = ("aws", cache.region) if cache.cloud == "aws" else ("azure", None)
        if not any(cloud == wanted[0] and (wanted[1] is None or region == wanted[1]) for cloud, region in links):
            yield f"{path}.invalidation.node", (
                f"node {node.name!r} runs on-prem at {cluster.site!r} with no {cache.cloud} link to {cache.region!r}; "
                "expected connectivity.links from that site, or a node in the cache's region")
    elif cache.cloud != "aws" or cluster.region != cache.region:
        yield f"{path}.invalidation.node", (
            f"node {node.name!r} runs in {node.region!r}; the cache is reachable only inside {cache.region!r} "
            "(private endpoints); expected a node there or on-prem behind a link")
