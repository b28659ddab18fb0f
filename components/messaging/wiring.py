"""What the platform hands every Broker beyond its spec: places, protection, alert routes, its own secrets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

import pulumi

from ..alerting import AlertRoutes
from ..spec.ownership import ownership_map
from .backend import (Alerting, AwsPlace, AwsPlacement, AzurePlace, BrokerArgs, ClusterPlace, Estate, Logging,
                      Placements, Protection)

if TYPE_CHECKING:
    from ..providers import ProviderSet
    from ..spec import BrokerSpec, EnvironmentSpec


def placements(spec: "EnvironmentSpec", providers: "ProviderSet", networks: Mapping[str, Any], vnet: Optional[Any],
               addons: Mapping[str, pulumi.Resource]) -> Placements:
    """Every AWS region, Azure location and cluster of the environment, as a broker may be placed there."""
    regions = {r.region: r for r in spec.regions.aws.all()}
    aws = {region: AwsPlace(provider, AwsPlacement(vpc_id=networks[region].vpc_id,
                                                   subnet_ids=networks[region].private_subnet_ids,
                                                   cidr=str(regions[region].cidr)) if region in networks else None)
           for region, provider in providers.aws.items()}
    azure = ({location: AzurePlace(provider, vnet.resource_group_name, vnet.endpoint_subnet_id)
              for location, provider in providers.azure.items()} if vnet is not None and spec.accounts.azure else {})
    clusters = {name: ClusterPlace(provider, addons.get(name)) for name, provider in providers.clusters.items()}
    return Placements(aws=aws, azure=azure, clusters=clusters)


def broker_args(spec: "EnvironmentSpec", broker: "BrokerSpec", places: Placements,
                secrets: Mapping[str, pulumi.Output[str]], schema_texts: Mapping[str, str],
                alerts: AlertRoutes) -> BrokerArgs:
    """One broker's args; it receives only the secrets its own spec references."""
    from ..providers import platform_tags

    return BrokerArgs(
        spec=broker,
        estate=Estate(environment=spec.name, aws_account=spec.accounts.aws.account_id, tags=platform_tags(spec),
                      names=spec.estate_names()),
        protection=Protection(protect=spec.production, production=spec.production,
                              key_deletion_days=30 if spec.production else 7),
        places=places,
        alerting=Alerting(routes=alerts, region=spec.regions.aws.primary.region),
        logging=Logging(retention_days=spec.observability.log_retention_days,
                        masked_identifiers=tuple(spec.observability.masked_identifiers)),
        secrets={key: secrets[key] for key in sorted(broker.secret_keys())},
        schema_texts={f: schema_texts[f] for _, _, binding in broker.schema_bindings() for f in [binding.file]},
        publishers={topic: entity.owner for (name, topic), entity in ownership_map(spec).change_topics.items()
                    if name == broker.name})
