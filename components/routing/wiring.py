"""Turns the spec's `routing` section into the TrafficRouting component; called once from build_platform."""

from __future__ import annotations

from typing import Optional

import pulumi

from ..providers import ProviderSet, platform_tags
from ..spec import EnvironmentSpec
from ..gateway.wiring import BuiltGateways
from .traffic import ApiTargets, RegionalTarget, TrafficRouting, TrafficRoutingArgs


def api_targets(spec: EnvironmentSpec, gateways: BuiltGateways) -> dict[str, ApiTargets]:
    """What `api:` entry points point at: each partner API's regional copies, as the gateways expose them."""
    azure = spec.regions.azure.location if spec.regions.azure else None
    targets = {}
    for api in spec.gateways.apis:
        gateway = gateways.gateways.get(api.name)
        if gateway is None or not gateway.regions:
            continue
        targets[api.name] = ApiTargets(
            regions={region: RegionalTarget(e.hostname, e.regional_domain_name, e.regional_zone_id)
                     for region, e in gateway.regions.items()},
            health_path=f"/{api.current_version()}{gateways.health_path}",
            apim_hostname=gateways.apim_hostname if "azure" in api.clouds else None,
            apim_location=azure if "azure" in api.clouds else None,
            apim_health_path=gateway.apim_health_path)
    return targets


def build_routing(spec: EnvironmentSpec, providers: ProviderSet,
                  azure_resource_group: Optional[pulumi.Input[str]],
                  gateways: Optional[BuiltGateways] = None) -> dict[str, object]:
    section = spec.routing
    if not section.records and not section.traffic_managers:
        return {}
    azure = spec.regions.azure.location if spec.regions.azure and providers.azure else None
    # Route 53 is global; its API lives in us-east-1 whichever provider calls it, so the primary region's
    # provider (with the environment's role and account guard) is the right one to use.
    routing = TrafficRouting("routing", TrafficRoutingArgs(
        environment=spec.name, spec=section, protect=spec.production,
        azure_provider=providers.for_azure(azure) if azure else None, azure_resource_group=azure_resource_group,
        azure_tags=platform_tags(spec), names=spec.estate_names(),
        apis=api_targets(spec, gateways) if gateways is not None else {}),
        pulumi.ResourceOptions(provider=providers.for_aws(spec.regions.aws.primary.region)))
    outputs: dict[str, object] = {"dns_routing": routing.records}
    if routing.zone_id is not None:
        outputs["dns_zone_name_servers"] = routing.name_servers
    return outputs
