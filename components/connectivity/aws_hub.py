"""One Transit Gateway per AWS region that has hybrid links, attached to that region's foundation VPC.

Every VPN and Direct Connect path of the region lands on this hub, so the VPC needs one route per site
(to the hub) however many paths reach the site; the hub, with BGP, picks the best live path.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network

import pulumi
from pulumi_aws import ec2, ec2transitgateway

from ..naming import region_code
from ..log_group import protected_log_group
from .routes import SiteRoute


@dataclass(frozen=True)
class TransitHubArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    region: str
    """AWS region of the hub."""
    amazon_side_asn: int
    """Private ASN the hub speaks BGP with."""
    vpc_id: pulumi.Input[str]
    """The foundation VPC of the region."""
    subnet_ids: pulumi.Input[list[str]]
    """Private subnets the VPC attachment uses (one per availability zone)."""
    route_table_id: pulumi.Input[str]
    """The VPC's private route table, which gets a route per site."""
    site_routes: tuple[SiteRoute, ...]
    """Sites reached from this region (destination CIDRs for the VPC route table)."""
    log_retention_days: int
    """Retention of the tunnel log group."""
    masked_identifiers: tuple[str, ...]
    """Identifiers the log group's data protection policy masks."""


class TransitHub(pulumi.ComponentResource):
    transit_gateway_id: pulumi.Output[str]
    route_table_id: pulumi.Output[str]
    vpc_attachment_id: pulumi.Output[str]
    tunnel_log_group_arn: pulumi.Output[str]

    def __init__(self, name: str, args: TransitHubArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:connectivity:TransitHub", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        label = f"{args.environment}-{region_code(args.region)}"

        tgw = ec2transitgateway.TransitGateway(
            f"{name}-tgw", amazon_side_asn=args.amazon_side_asn, description=f"{label} hybrid hub",
            # The default route table keeps every attachment reachable and learns BGP routes from the tunnels;
            # ECMP spreads traffic over both tunnels of a connection instead of idling one.
            default_route_table_association="enable", default_route_table_propagation="enable",
            vpn_ecmp_support="enable", dns_support="enable", auto_accept_shared_attachments="disable",
            tags={"Name": f"{label}-hub"}, opts=child)
        attachment = ec2transitgateway.VpcAttachment(
            f"{name}-vpc-attachment", transit_gateway_id=tgw.id, vpc_id=args.vpc_id, subnet_ids=args.subnet_ids,
            dns_support="enable", tags={"Name": f"{label}-vpc"}, opts=child)
        for route in args.site_routes:
            # The route needs the attachment to exist first, or EC2 rejects the transit gateway as a target.
            ec2.Route(f"{name}-to-{route.site}", route_table_id=args.route_table_id,
                      destination_cidr_block=str(route.destination), transit_gateway_id=tgw.id,
                      opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]))
        logs = protected_log_group(f"{name}-tunnel-logs", f"/hybrid/{args.environment}/vpn/{args.region}",
                                   args.log_retention_days, args.masked_identifiers, child)

        self.transit_gateway_id = tgw.id
        self.route_table_id = tgw.association_default_route_table_id
        self.vpc_attachment_id = attachment.id
        self.tunnel_log_group_arn = logs.arn
        self.register_outputs({"transit_gateway_id": self.transit_gateway_id, "route_table_id": self.route_table_id,
                               "vpc_attachment_id": self.vpc_attachment_id,
                               "tunnel_log_group_arn": self.tunnel_log_group_arn})


def site_cidrs(sites) -> dict[str, IPv4Network]:
    return {site.name: site.cidr for site in sites}
