"""Where a resource runs: its region from its own input, its provider, its Azure location or its cluster."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .framework import Resource
from .values import maps

# Types that place copies of their data in other regions through an input list: (list input, region property).
# https://www.pulumi.com/registry/packages/aws/api-docs/dynamodb/table/ (replicas[].regionName),
# https://www.pulumi.com/registry/packages/aws/api-docs/secretsmanager/secret/ (replicas[].region).
REPLICA_REGIONS = {
    "aws:dynamodb/table:Table": ("replicas", "regionName"),
    "aws:secretsmanager/secret:Secret": ("replicas", "region"),
}


def region_of(resource: Resource, config: Mapping[str, Any]) -> Optional[str]:
    props, provider = resource.props, resource.provider_props
    if resource.type.startswith("pulumi:providers:"):
        return props.get("region") or props.get("location") or _cluster_region(resource.name, config)
    if str(props.get("location") or "").lower() == "global":
        return None  # Azure global resources (action groups, metric alerts) have no region of their own
    for candidate in (props.get("region"), provider.get("region") if provider else None, props.get("location"),
                      provider.get("location") if provider else None):
        if isinstance(candidate, str) and candidate:
            return candidate
    if resource.provider_type == "pulumi:providers:kubernetes" and resource.provider_name:
        return _cluster_region(resource.provider_name, config)
    return None


def _cluster_region(provider_name: str, config: Mapping[str, Any]) -> Optional[str]:
    clusters = config.get("clusterRegions") or {}
    return clusters.get(provider_name)


def replica_regions(resource: Resource) -> list[str]:
    """The regions a resource replicates its data into, besides its own (global tables, replicated secrets)."""
    if resource.type not in REPLICA_REGIONS:
        return []
    replicas, region = REPLICA_REGIONS[resource.type]
    return [str(r.get(region)) for r in maps(resource.props.get(replicas)) if r.get(region)]
