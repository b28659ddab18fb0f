"""Turns the spec's `routing` section into the TrafficRouting component; called once from build_platform."""

from __future__ import annotations

from typing import Optional

import pulumi

from ..providers import ProviderSet, platform_tags
from ..spec import EnvironmentSpec
from .traffic import TrafficRouting, TrafficRoutingArgs


def build_routing(spec: EnvironmentSpec, providers: ProviderSet,
                  azure_resource_group: Optional[pulumi.Input[str]]) -> dict[str, object]:
    section = spec.routing
    if not section.records and not section.traffic_managers:
        return {}
    azure = spec.regions.azure.location if spec.regions.azure and providers.azure else None
    # Route 53 is global; its API lives in us-east-1 whichever provider calls it, so the primary region's
    # provider (with the environment's role and account guard) is the right one to use.
    routing = TrafficRouting("routing", TrafficRoutingArgs(
        environment=spec.name, spec=section, protect=spec.production,
        azure_provider=providers.for_azure(azure) if azure else None, azure_resource_group=azure_resource_group,
        azure_tags=platform_tags(spec), names=spec.estate_names()),
        pulumi.ResourceOptions(provider=providers.for_aws(spec.regions.aws.primary.region)))
    outputs: dict[str, object] = {"dns_routing": routing.records}
    if routing.zone_id is not None:
        outputs["dns_zone_name_servers"] = routing.name_servers
    return outputs
