"""HybridLink: one spec link to an on-premises site, over AWS VPN / Direct Connect or Azure VPN / ExpressRoute.

The regional hubs (TransitHub, AzureGateways) are shared; a link adds what belongs to the site: its
customer or local network gateway, tunnels, circuit, static routes and the alarms that say it is down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any, Optional

import pulumi
from pulumi_aws import cloudwatch, directconnect, ec2, ec2transitgateway
from pulumi_azure_native import network

from ..alerting import AlertRoutes
from ..spec.connectivity import LinkSpec
from ..spec.foundation import Site
from . import crypto
from .inside_cidrs import tunnel_addresses


@dataclass(frozen=True)
class AwsSide:
    """The region's hub and what the link's tunnels need from it."""

    transit_gateway_id: pulumi.Input[str]
    """Transit gateway every path of the region lands on."""
    route_table_id: pulumi.Input[str]
    """The hub's route table (static routes go here)."""
    tunnel_log_group_arn: pulumi.Input[str]
    """Log group for tunnel (IKE, and BGP) logs."""
    amazon_side_asn: int
    """The hub's ASN, for the device summary."""
    inside_cidrs: tuple[IPv4Network, IPv4Network]
    """Inside /30s of tunnel 1 and 2."""
    advertised_prefixes: tuple[IPv4Network, ...]
    """Prefixes the Direct Connect gateway may advertise to the site."""
    direct_connect_gateway_asn: int
    """ASN of the Direct Connect gateway."""
    dpd_timeout_seconds: int
    """Dead-peer detection timeout."""


@dataclass(frozen=True)
class AzureSide:
    location: str
    """Azure location of the gateways."""
    resource_group_name: pulumi.Input[str]
    """The foundation's resource group."""
    vpn_gateway_id: Optional[pulumi.Input[str]]
    """The location's VPN gateway (VPN links and backups)."""
    expressroute_gateway_id: Optional[pulumi.Input[str]]
    """The location's ExpressRoute gateway (ExpressRoute links)."""
    gateway_asn: int
    """ASN of the VPN gateway, for the device summary."""
    dpd_timeout_seconds: int
    """Dead-peer detection timeout."""
    tags: dict[str, str]
    """Tags for every resource."""


@dataclass(frozen=True)
class HybridLinkArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    account: str
    """AWS account id the link's resources live in."""
    link: LinkSpec
    """The link from the spec."""
    site: Site
    """The on-prem site it reaches."""
    preshared_keys: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Secret pre-shared key per map entry ('<link>/1', '<link>/2' or '<link>')."""
    aws: Optional[AwsSide] = None
    """Set for aws links."""
    azure: Optional[AzureSide] = None
    """Set for azure links."""
    protect: bool = False
    """Protect stateful resources (VPN connections, circuits, virtual interfaces): production."""
    alerts: AlertRoutes = field(default_factory=AlertRoutes)
    """The alert topics the tunnel and connection alarms page through."""


class HybridLink(pulumi.ComponentResource):
    device_summary: pulumi.Output[dict[str, Any]]
    """What the network team configures on the on-prem device; never contains a key."""

    def __init__(self, name: str, args: HybridLinkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:connectivity:HybridLink", name, None, opts)
        self._child = pulumi.ResourceOptions(parent=self)
        self._stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        link = args.link
        summary: dict[str, Any] = {"site": link.site, "cloud": link.cloud, "transport": link.transport,
                                   "routing": "bgp" if link.bgp else "static", "customer_asn": args.site.bgp_asn,
                                   "customer_public_ip": str(args.site.public_ip)}
        if link.cloud == "aws":
            if args.aws is None:
                raise ValueError(f"link {link.name}: an aws link needs its region's hub")
            summary["region"] = link.region
            if link.transport == "direct-connect":
                summary["direct_connect"] = self._direct_connect(name, args)
            if link.has_vpn:
                summary["vpn"] = self._aws_vpn(name, args)
        else:
            if args.azure is None:
                raise ValueError(f"link {link.name}: an azure link needs the location's gateways")
            summary["region"] = args.azure.location
            if link.transport == "expressroute":
                summary["expressroute"] = self._expressroute(name, args)
            if link.has_vpn:
                summary["vpn"] = self._azure_vpn(name, args)
        self.device_summary = pulumi.Output.from_input(summary)
        self.register_outputs({"device_summary": self.device_summary})

    def _alarm(self, name: str, args: HybridLinkArgs, description: str, namespace: str, metric: str,
               dimensions: dict[str, pulumi.Input[str]], comparison: str, threshold: float, statistic: str) -> None:
        region = str(args.link.region)
        topic = args.alerts.topic(region, "critical")
        cloudwatch.MetricAlarm(
            name, alarm_description=description, namespace=namespace, metric_name=metric, dimensions=dimensions,
            statistic=statistic, period=300, evaluation_periods=3, datapoints_to_alarm=3, threshold=threshold,
            comparison_operator=comparison,
            # No data from a tunnel or connection means nobody can see it is up: treat that as down.
            treat_missing_data="breaching", alarm_actions=[topic], ok_actions=[topic],
            tags={"severity": "critical", "link": args.link.name}, opts=self._child)

    def _aws_vpn(self, name: str, args: HybridLinkArgs) -> dict[str, Any]:
        link, aws = args.link, args.aws
        assert aws is not None
        gateway = ec2.CustomerGateway(
            f"{name}-cgw", bgp_asn=str(args.site.bgp_asn), ip_address=str(args.site.public_ip), type="ipsec.1",
            device_name=f"{link.site}-edge", tags={"Name": f"{args.environment}-{link.name}"}, opts=self._child)
        tunnels: dict[str, Any] = {}
        for index, cidr in enumerate(aws.inside_cidrs, start=1):
            prefix = f"tunnel{index}"
            options_type = getattr(ec2, f"VpnConnectionTunnel{index}LogOptionsArgs")
            tunnels.update(crypto.aws_tunnel_options(prefix))
            tunnels[f"{prefix}_inside_cidr"] = str(cidr)
            tunnels[f"{prefix}_preshared_key"] = args.preshared_keys[f"{link.name}/{index}"]
            tunnels[f"{prefix}_dpd_timeout_seconds"] = aws.dpd_timeout_seconds
            tunnels[f"{prefix}_startup_action"] = "start"
            tunnels[f"{prefix}_log_options"] = options_type(cloudwatch_log_options=getattr(
                ec2, f"VpnConnectionTunnel{index}LogOptionsCloudwatchLogOptionsArgs")(
                log_enabled=True, log_group_arn=aws.tunnel_log_group_arn, log_output_format="json"))
        vpn = ec2.VpnConnection(
            f"{name}-vpn", customer_gateway_id=gateway.id, transit_gateway_id=aws.transit_gateway_id, type="ipsec.1",
            static_routes_only=link.static_routes, tunnel_inside_ip_version="ipv4",
            tags={"Name": f"{args.environment}-{link.name}"}, opts=self._stateful, **tunnels)
        if link.static_routes:
            ec2transitgateway.Route(f"{name}-static-{args.site.name}", destination_cidr_block=str(args.site.cidr),
                                    transit_gateway_attachment_id=vpn.transit_gateway_attachment_id,
                                    transit_gateway_route_table_id=aws.route_table_id, opts=self._child)
        # TunnelState per connection is 1 with both tunnels up, 0.5 with one, 0 with none.
        self._alarm(f"{name}-vpn-down", args, f"{link.name}: every VPN tunnel to {link.site} is down",
                    "AWS/VPN", "TunnelState", {"VpnId": vpn.id}, "LessThanOrEqualToThreshold", 0, "Maximum")
        self._alarm(f"{name}-vpn-degraded", args, f"{link.name}: a VPN tunnel to {link.site} is down (no redundancy)",
                    "AWS/VPN", "TunnelState", {"VpnId": vpn.id}, "LessThanThreshold", 1, "Minimum")
        return {"vpn_connection_id": vpn.id, "cloud_asn": aws.amazon_side_asn, "dpd_timeout_seconds": aws.dpd_timeout_seconds,
                "crypto": crypto.device_summary_crypto(),
                "tunnels": [{"outside_address": getattr(vpn, f"tunnel{i}_address"), "inside_cidr": str(cidr),
                             "cloud_inside_address": str(tunnel_addresses(cidr)[0]),
                             "customer_inside_address": str(tunnel_addresses(cidr)[1]),
                             "preshared_key_entry": f"{link.name}/{i}"}
                            for i, cidr in enumerate(aws.inside_cidrs, start=1)]}

    def _direct_connect(self, name: str, args: HybridLinkArgs) -> dict[str, Any]:
        link, aws = args.link, args.aws
        assert aws is not None and link.direct_connect is not None
        dx = link.direct_connect
        gateway = directconnect.Gateway(f"{name}-dxgw", name=f"{args.environment}-{link.name}",
                                        amazon_side_asn=str(aws.direct_connect_gateway_asn), opts=self._child)
        directconnect.GatewayAssociation(
            f"{name}-dxgw-tgw", dx_gateway_id=gateway.id, associated_gateway_id=aws.transit_gateway_id,
            # Only the VPC CIDRs behind the hub are advertised to the site, never a default route.
            allowed_prefixes=[str(p) for p in aws.advertised_prefixes], opts=self._child)
        interface = directconnect.TransitVirtualInterface(
            f"{name}-vif", name=f"{args.environment}-{link.name}", connection_id=dx.connection_id, vlan=dx.vlan,
            address_family="ipv4", bgp_asn=args.site.bgp_asn, dx_gateway_id=gateway.id, mtu=dx.mtu,
            opts=self._stateful)
        self._alarm(f"{name}-dx-down", args, f"{link.name}: Direct Connect connection to {link.site} is down",
                    "AWS/DX", "ConnectionState", {"ConnectionId": dx.connection_id}, "LessThanThreshold", 1, "Minimum")
        return {"connection_id": dx.connection_id, "vlan": dx.vlan, "mtu": dx.mtu,
                "cloud_asn": aws.direct_connect_gateway_asn, "virtual_interface_id": interface.id,
                "amazon_address": interface.amazon_address, "customer_address": interface.customer_address,
                "advertised_prefixes": [str(p) for p in aws.advertised_prefixes]}

    def _azure_vpn(self, name: str, args: HybridLinkArgs) -> dict[str, Any]:
        link, azure, site = args.link, args.azure, args.site
        assert azure is not None and azure.vpn_gateway_id is not None
        bgp = link.bgp and link.bgp_peer_ip is not None
        local = network.LocalNetworkGateway(
            f"{name}-lng", local_network_gateway_name=f"lgw-{args.environment}-{link.name}",
            resource_group_name=azure.resource_group_name, location=azure.location,
            gateway_ip_address=str(site.public_ip),
            # With BGP the site announces its own prefixes; the address space only needs the BGP peer.
            local_network_address_space=network.AddressSpaceArgs(
                address_prefixes=[f"{link.bgp_peer_ip}/32" if bgp else str(site.cidr)]),
            bgp_settings=network.BgpSettingsArgs(asn=site.bgp_asn, bgp_peering_address=str(link.bgp_peer_ip))
            if bgp else None,
            tags=azure.tags, opts=self._child)
        connection = network.VirtualNetworkGatewayConnection(
            f"{name}-connection", virtual_network_gateway_connection_name=f"cn-{args.environment}-{link.name}",
            resource_group_name=azure.resource_group_name, location=azure.location, connection_type="IPsec",
            connection_protocol="IKEv2", enable_bgp=bgp, shared_key=args.preshared_keys[link.name],
            virtual_network_gateway1=network.VirtualNetworkGatewayArgs(id=azure.vpn_gateway_id),
            local_network_gateway2=network.LocalNetworkGatewayArgs(id=local.id),
            ipsec_policies=[network.IpsecPolicyArgs(**crypto.AZURE_IPSEC_POLICY)],
            dpd_timeout_seconds=azure.dpd_timeout_seconds, use_policy_based_traffic_selectors=False,
            # A circuit's backup VPN gets a lower weight so traffic prefers the circuit while it is up.
            routing_weight=10 if link.vpn_backup else 0,
            tags=azure.tags, opts=self._stateful)
        return {"connection_id": connection.id, "cloud_asn": azure.gateway_asn, "bgp_peer_ip": str(link.bgp_peer_ip or ""),
                "ipsec_policy": dict(crypto.AZURE_IPSEC_POLICY), "dpd_timeout_seconds": azure.dpd_timeout_seconds,
                "preshared_key_entry": link.name}

    def _expressroute(self, name: str, args: HybridLinkArgs) -> dict[str, Any]:
        link, azure = args.link, args.azure
        assert azure is not None and link.expressroute is not None
        er = link.expressroute
        circuit = network.ExpressRouteCircuit(
            f"{name}-circuit", circuit_name=f"erc-{args.environment}-{link.name}",
            resource_group_name=azure.resource_group_name, location=azure.location,
            sku=network.ExpressRouteCircuitSkuArgs(name=f"{er.sku_tier}_{er.sku_family}", tier=er.sku_tier,
                                                   family=er.sku_family),
            service_provider_properties=network.ExpressRouteCircuitServiceProviderPropertiesArgs(
                service_provider_name=er.service_provider, peering_location=er.peering_location,
                bandwidth_in_mbps=er.bandwidth_mbps),
            allow_classic_operations=False, tags=azure.tags, opts=self._stateful)
        if er.provisioned and azure.expressroute_gateway_id is not None:
            # Azure refuses the connection until the provider has provisioned the circuit (spec: provisioned).
            network.VirtualNetworkGatewayConnection(
                f"{name}-er-connection", virtual_network_gateway_connection_name=f"cn-{args.environment}-{link.name}-er",
                resource_group_name=azure.resource_group_name, location=azure.location, connection_type="ExpressRoute",
                virtual_network_gateway1=network.VirtualNetworkGatewayArgs(id=azure.expressroute_gateway_id),
                peer=network.SubResourceArgs(id=circuit.id), routing_weight=100, tags=azure.tags, opts=self._child)
        return {"circuit_id": circuit.id, "service_key": "hand it to the provider from `az network express-route show` (not exported)",
                "provider": er.service_provider, "peering_location": er.peering_location,
                "bandwidth_mbps": er.bandwidth_mbps, "connected": er.provisioned}
