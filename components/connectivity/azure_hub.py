"""The Azure side's gateways: at most one VPN gateway and one ExpressRoute gateway per VNet (Azure's limit),
both in the foundation VNet's GatewaySubnet and shared by every link of the location."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

ZONES = ["1", "2", "3"]


@dataclass(frozen=True)
class AzureGatewaysArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    location: str
    """Azure location of the VNet."""
    resource_group_name: pulumi.Input[str]
    """The foundation's resource group."""
    gateway_subnet_id: pulumi.Input[str]
    """The foundation VNet's GatewaySubnet."""
    vpn: bool
    """Build the VPN gateway (some link is a VPN or has a VPN backup)."""
    expressroute: bool
    """Build the ExpressRoute gateway (some link is an ExpressRoute circuit)."""
    bgp_asn: int
    """ASN of the VPN gateway."""
    production: bool
    """Zone-redundant SKUs and public addresses in production."""
    tags: dict[str, str]
    """Tags for every resource (Azure has no provider-level default tags)."""


def vpn_sku(production: bool) -> str:
    """Zone-redundant in production (survives a zone loss); the cheaper regional SKU elsewhere."""
    return "VpnGw2AZ" if production else "VpnGw1"


class AzureGateways(pulumi.ComponentResource):
    vpn_gateway_id: pulumi.Output[str] | None
    expressroute_gateway_id: pulumi.Output[str] | None
    vpn_public_ips: pulumi.Output[list[str]] | None

    def __init__(self, name: str, args: AzureGatewaysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:connectivity:AzureGateways", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        label = f"{args.environment}-{args.location}"
        self.vpn_gateway_id = self.expressroute_gateway_id = self.vpn_public_ips = None

        def public_ip(suffix: str, zonal: bool) -> network.PublicIPAddress:
            return network.PublicIPAddress(
                f"{name}-{suffix}-pip", public_ip_address_name=f"pip-{label}-{suffix}", resource_group_name=args.resource_group_name,
                location=args.location, sku=network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
                public_ip_allocation_method="Static", zones=ZONES if zonal else None, tags=args.tags,
                opts=child)

        def ip_configuration(name_: str, address: network.PublicIPAddress) -> network.VirtualNetworkGatewayIPConfigurationArgs:
            return network.VirtualNetworkGatewayIPConfigurationArgs(
                name=name_, private_ip_allocation_method="Dynamic",
                subnet=network.SubResourceArgs(id=args.gateway_subnet_id),
                public_ip_address=network.SubResourceArgs(id=address.id))

        if args.vpn:
            # Active-active: two instances, two public addresses, so the on-prem device keeps a tunnel
            # up through maintenance or an instance failure.
            ips = [public_ip("vpn-a", args.production), public_ip("vpn-b", args.production)]
            sku = vpn_sku(args.production)
            gateway = network.VirtualNetworkGateway(
                f"{name}-vpn", virtual_network_gateway_name=f"vgw-{label}", resource_group_name=args.resource_group_name,
                location=args.location, gateway_type="Vpn", vpn_type="RouteBased",
                vpn_gateway_generation="Generation2" if sku.startswith("VpnGw2") else "Generation1",
                sku=network.VirtualNetworkGatewaySkuArgs(name=sku, tier=sku),
                active_active=True, enable_bgp=True, bgp_settings=network.BgpSettingsArgs(asn=args.bgp_asn),
                ip_configurations=[ip_configuration("active-a", ips[0]), ip_configuration("active-b", ips[1])],
                tags=args.tags, opts=child)
            self.vpn_gateway_id = gateway.id
            self.vpn_public_ips = pulumi.Output.all(*[ip.ip_address for ip in ips])
        if args.expressroute:
            address = public_ip("er", True)  # ErGw*AZ SKUs need zone-redundant addresses
            gateway = network.VirtualNetworkGateway(
                f"{name}-er", virtual_network_gateway_name=f"ergw-{label}", resource_group_name=args.resource_group_name,
                location=args.location, gateway_type="ExpressRoute",
                sku=network.VirtualNetworkGatewaySkuArgs(name="ErGw1AZ", tier="ErGw1AZ"),
                ip_configurations=[ip_configuration("default", address)], tags=args.tags, opts=child)
            self.expressroute_gateway_id = gateway.id
        self.register_outputs({"vpn_gateway_id": self.vpn_gateway_id,
                               "expressroute_gateway_id": self.expressroute_gateway_id,
                               "vpn_public_ips": self.vpn_public_ips})
