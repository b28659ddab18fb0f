"""Turns the spec's `connectivity` section into hubs and links; called once from build_platform."""

from __future__ import annotations

from typing import Any, Optional

import pulumi

from ..alerting import AlertRoutes
from ..network.azure_network import AzureNetwork
from ..providers import ProviderSet, platform_tags
from ..spec import EnvironmentSpec
from ..spec.connectivity import psk_entries
from .aws_hub import TransitHub, TransitHubArgs, site_cidrs
from .azure_hub import AzureGateways, AzureGatewaysArgs
from .inside_cidrs import allocate
from .link import AwsSide, AzureSide, HybridLink, HybridLinkArgs
from .psk import preshared_key
from .routes import advertised_prefixes, transit_gateway_regions, vpc_site_routes


def inside_cidr_plan(spec: EnvironmentSpec) -> dict[str, Any]:
    """'<link>/<tunnel>' -> inside /30 for every AWS VPN tunnel; spec-pinned CIDRs win."""
    links = [link for link in spec.connectivity.links_in("aws") if link.has_vpn]
    fixed = {f"{link.name}/{i}": cidr for link in links for i, cidr in enumerate(link.tunnel_inside_cidrs or [], 1)}
    return allocate([f"{link.name}/{i}" for link in links for i in (1, 2)], fixed)


def build_connectivity(spec: EnvironmentSpec, providers: ProviderSet, networks: dict[str, Any],
                       azure_network: Optional[AzureNetwork], secrets: dict[str, pulumi.Output[str]],
                       alerts: AlertRoutes) -> dict[str, object]:
    section = spec.connectivity
    if not section.links:
        return {}
    sites = {site.name: site for site in spec.sites}
    cidrs = site_cidrs(spec.sites)
    region_cidrs = {r.region: r.cidr for r in spec.regions.aws.all()}
    identifiers = tuple(spec.observability.masked_identifiers)  # never empty: the spec requires one
    keys = {}
    if section.secret_keys():
        raw = secrets[section.preshared_keys.secret]
        keys = {entry: preshared_key(raw, section.preshared_keys.secret, entry)
                for link in section.links for entry in psk_entries(link)}

    hubs: dict[str, TransitHub] = {}
    routes = vpc_site_routes(section.links, cidrs)
    for region in transit_gateway_regions(section.links):
        net = networks[region]
        hubs[region] = TransitHub(f"hub-{region}", TransitHubArgs(
            environment=spec.name, region=region, amazon_side_asn=section.transit_gateway_asn, vpc_id=net.vpc_id,
            subnet_ids=net.private_subnet_ids, route_table_id=net.private_route_table_id,
            site_routes=tuple(r for r in routes if r.region == region),
            log_retention_days=section.tunnel_log_retention_days, masked_identifiers=identifiers),
            pulumi.ResourceOptions(provider=providers.for_aws(region)))

    azure_links = section.links_in("azure")
    gateways = None
    if azure_links and azure_network is not None and spec.regions.azure is not None:
        location = spec.regions.azure.location
        gateways = AzureGateways(f"gateways-{location}", AzureGatewaysArgs(
            environment=spec.name, location=location, resource_group_name=azure_network.resource_group_name,
            gateway_subnet_id=azure_network.gateway_subnet_id, vpn=any(link.has_vpn for link in azure_links),
            expressroute=any(link.transport == "expressroute" for link in azure_links),
            bgp_asn=section.azure_gateway_asn, production=spec.production, tags=platform_tags(spec)),
            pulumi.ResourceOptions(provider=providers.for_azure(location)))

    inside = inside_cidr_plan(spec)
    summaries: dict[str, Any] = {}
    for link in section.links:
        aws_side = azure_side = None
        if link.cloud == "aws":
            hub = hubs[str(link.region)]
            aws_side = AwsSide(
                transit_gateway_id=hub.transit_gateway_id, route_table_id=hub.route_table_id,
                tunnel_log_group_arn=hub.tunnel_log_group_arn, amazon_side_asn=section.transit_gateway_asn,
                inside_cidrs=(inside.get(f"{link.name}/1"), inside.get(f"{link.name}/2")),
                advertised_prefixes=tuple(advertised_prefixes([region_cidrs[str(link.region)]])),
                direct_connect_gateway_asn=section.direct_connect_gateway_asn,
                dpd_timeout_seconds=section.dpd_timeout_seconds)
            opts = pulumi.ResourceOptions(provider=providers.for_aws(str(link.region)))
        else:
            if gateways is None or spec.regions.azure is None:
                continue  # the spec check already reported the missing Azure region
            location = spec.regions.azure.location
            azure_side = AzureSide(
                location=location, resource_group_name=azure_network.resource_group_name,
                vpn_gateway_id=gateways.vpn_gateway_id, expressroute_gateway_id=gateways.expressroute_gateway_id,
                gateway_asn=section.azure_gateway_asn, dpd_timeout_seconds=section.dpd_timeout_seconds,
                tags=platform_tags(spec))
            opts = pulumi.ResourceOptions(provider=providers.for_azure(location))
        component = HybridLink(f"link-{link.name}", HybridLinkArgs(
            environment=spec.name, account=spec.accounts.aws.account_id, link=link, site=sites[link.site],
            preshared_keys={e: keys[e] for e in psk_entries(link)}, aws=aws_side, azure=azure_side,
            protect=spec.production, alerts=alerts), opts)
        summaries[link.name] = component.device_summary
    outputs: dict[str, object] = {"hybrid_links": summaries}
    if hubs:
        outputs["transit_gateway_ids"] = {region: hub.transit_gateway_id for region, hub in hubs.items()}
    if gateways is not None and gateways.vpn_public_ips is not None:
        outputs["azure_vpn_gateway_ips"] = gateways.vpn_public_ips
    return outputs
