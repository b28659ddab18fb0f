"""What the platform hands every Broker beyond its spec: providers, networks, add-ons, alert routes."""

from __future__ import annotations

from typing import Any, Mapping

import pulumi

from ..alerting import AlertRoutes
from .backend import AwsPlacement, AzurePlacement


def broker_args(spec: Any, providers: Any, networks: Mapping[str, Any], vnet: Any, addons: Mapping[str, Any],
                secrets: Mapping[str, pulumi.Output[str]], schema_texts: Mapping[str, str],
                alerts: AlertRoutes) -> dict[str, Any]:
    """Keyword arguments for BrokerArgs shared by every broker of the environment."""
    from ..providers import platform_tags

    regions = {r.region: r for r in spec.regions.aws.all()}
    placement = None
    if vnet is not None and spec.accounts.azure:
        placement = AzurePlacement(resource_group_name=vnet.resource_group_name,
                                   endpoint_subnet_id=vnet.endpoint_subnet_id)
    return dict(
        production=spec.production, tags=platform_tags(spec),
        aws_networks={r: AwsPlacement(vpc_id=n.vpc_id, subnet_ids=n.private_subnet_ids, cidr=str(regions[r].cidr))
                      for r, n in networks.items()},
        azure_providers=dict(providers.azure), azure_placement=placement, alerts=alerts,
        cluster_providers=dict(providers.clusters), cluster_addons=dict(addons), secrets=dict(secrets),
        schema_texts=dict(schema_texts), alert_region=spec.regions.aws.primary.region,
        log_retention_days=spec.observability.log_retention_days,
        masked_identifiers=tuple(spec.observability.masked_identifiers), estate_names=spec.estate_names())
