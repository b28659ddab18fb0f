"""How the platform builder turns `data.caches` into Cache components and the owner nodes' cache clients.

Caches are built before the nodes (each node's Deployment names its cache's endpoint); the invalidation queue's
URL comes from the Broker's copy the node reads, the network from the region's AwsNetwork or the VNet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pulumi

from .. import workload_identity
from ..compute import CacheClient
from ..providers import platform_tags
from ..spec import EnvironmentSpec
from ..spec.caches import CacheSpec
from ..spec.nodes import read_region
from .azure_redis import AzureCacheTarget
from .component import Cache, CacheArgs
from .elasticache import AwsCacheTarget


@dataclass
class BuiltCaches:
    clients: dict[str, tuple[CacheClient, ...]] = field(default_factory=dict)
    """Node name -> the caches it owns, for its Deployment, network policy and grants."""
    outputs: dict[str, object] = field(default_factory=dict)


def _client_cidrs(spec: EnvironmentSpec, cluster: Any) -> tuple[str, ...]:
    """The owner node's addresses: its cluster's VPC (pods take VPC addresses) or its site's network."""
    if cluster.cloud == "onprem":
        return (str(next(s.cidr for s in spec.sites if s.name == cluster.site)),)
    return (str(next(r.cidr for r in spec.regions.aws.all() if r.region == cluster.region)),)


def _target(spec: EnvironmentSpec, cache: CacheSpec, node: Any, cluster: Any, providers: Any,
            networks: Mapping[str, Any], vnet: Any):
    if cache.cloud == "aws":
        network = networks[cache.region]
        vpc_cidr = str(next(r.cidr for r in spec.regions.aws.all() if r.region == cache.region))
        return AwsCacheTarget(provider=providers.for_aws(cache.region), region=cache.region,
                              account=spec.accounts.aws.account_id, vpc_id=network.vpc_id,
                              subnet_ids=network.private_subnet_ids, vpc_cidr=vpc_cidr,
                              client_cidrs=_client_cidrs(spec, cluster)), vpc_cidr
    # The spec check refuses an Azure cache without these (data.caches[].engine).
    assert spec.regions.azure is not None and vnet is not None and spec.accounts.azure is not None
    assert spec.prerequisites.azure_deployer is not None
    deployer = spec.prerequisites.azure_deployer
    issuer = cluster.oidc_issuer_url or f"https://{workload_identity.oidc_issuer(cluster.oidc_provider_arn)}"
    return AzureCacheTarget(provider=providers.for_azure(cache.region), location=cache.region,
                            resource_group_name=vnet.resource_group_name, endpoint_subnet_id=vnet.endpoint_subnet_id,
                            names=spec.estate_names(), issuer=issuer,
                            subject=workload_identity.service_account_subject(node.k8s_namespace, node.name),
                            subscription_id=spec.accounts.azure.subscription_id, tenant_id=spec.accounts.azure.tenant_id,
                            deployer=(deployer.object_id, deployer.principal_type)), str(spec.regions.azure.cidr)


def build_caches(spec: EnvironmentSpec, providers: Any, networks: Mapping[str, Any], vnet: Any,
                 brokers: Mapping[str, Any]) -> BuiltCaches:
    built = BuiltCaches()
    nodes = {n.name: n for n in spec.processing.nodes}
    clusters = {c.name: c for c in spec.clusters}
    entities = {e.name: e for e in spec.data.entities}
    specs = {b.name: b for b in spec.messaging.brokers}
    clients: dict[str, list[CacheClient]] = {}
    outputs: dict[str, object] = {}
    for cache in spec.data.caches:
        node = nodes[cache.invalidation.node]
        topic = entities[cache.entities[0]].change_topic
        assert topic is not None  # the spec check refuses a cached entity without a change topic
        broker = specs[topic.broker]
        copy = brokers[broker.name].regions[read_region(node.region, *broker.copy_regions())]
        target, cidr = _target(spec, cache, node, clusters[node.cluster], providers, networks, vnet)
        resource = Cache(f"cache-{cache.name}", CacheArgs(
            spec=cache, environment=spec.name, target=target, tags=platform_tags(spec), protect=spec.production,
            key_deletion_days=30 if spec.production else 7))
        clients.setdefault(node.name, []).append(CacheClient(
            name=cache.name, endpoint=resource.endpoint, ports=resource.ports, user=resource.user,
            ttl_seconds=cache.ttl_seconds, key_prefixes=resource.key_prefixes,
            invalidation_queue=cache.invalidation.queue, cidr=cidr, connect_policy=resource.connect_policy,
            azure_client_id=resource.azure_client_id,
            azure_tenant_id=spec.accounts.azure.tenant_id if resource.azure_client_id is not None and spec.accounts.azure
            else None))
        outputs[cache.name] = {
            "engine": cache.engine, "region": cache.region, "owner": cache.owner, "entities": list(cache.entities),
            "endpoint": resource.endpoint, "port": resource.port, "ttl_seconds": cache.ttl_seconds,
            "invalidation": {"node": node.name, "topics": sorted({f"{topic.broker}/{entities[e].change_topic.topic}"
                                                                  for e in cache.entities}),
                             "queue_url": copy.queue_urls[cache.invalidation.queue]}}
    built.clients = {name: tuple(items) for name, items in clients.items()}
    built.outputs = {"caches": outputs} if outputs else {}
    return built
