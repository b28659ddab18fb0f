"""Spec models for hybrid links to on-premises sites: VPN, Direct Connect and ExpressRoute.

Practice 8.1 (secure hybrid tunnels): IPsec over the internet, or a private circuit with an IPsec
tunnel as its backup. Pre-shared keys live in ONE secret config key (a JSON map), never in the spec.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Iterator, Literal, Optional

from pydantic import Field, model_validator

from .base import LOG_RETENTION_DAYS, IpAddress, Name, SecretRef, SpecModel, unresolved_secret

# Azure keeps these ASNs for itself (65515 is its gateways' default, which a spec may keep).
AZURE_RESERVED_ASNS = frozenset({8074, 8075, 12076, 65517, 65518, 65519, 65520})


def private_asn(value: int) -> bool:
    return 64512 <= value <= 65534 or 4200000000 <= value <= 4294967294


class DirectConnectSpec(SpecModel):
    """A transit virtual interface on a connection or LAG that the network team ordered outside IaC."""

    connection_id: str = Field(pattern=r"^dx(con|lag)-[a-z0-9]{8,}$",
                               description="Direct Connect connection (dxcon-...) or LAG (dxlag-...) id")
    vlan: int = Field(ge=1, le=4094, description="802.1Q VLAN the provider assigned to this interface")
    mtu: Literal[1500, 8500] = Field(default=8500, description="8500 (jumbo frames) unless the path cannot carry them")


class ExpressRouteSpec(SpecModel):
    """An ExpressRoute circuit through a connectivity provider (the provider provisions the layer 2 side)."""

    service_provider: str = Field(min_length=1, description="provider name as Azure lists it, e.g. Equinix",
        examples=["Equinix"])
    peering_location: str = Field(min_length=1, description="peering location, e.g. Amsterdam", examples=["Amsterdam"])
    bandwidth_mbps: int = Field(ge=50, le=10000, description="circuit bandwidth, Mbps (a value the provider offers)",
        examples=[1000])
    sku_tier: Literal["Standard", "Premium"] = Field(default="Standard",
        description="circuit tier; Premium reaches beyond the geopolitical region")
    sku_family: Literal["MeteredData", "UnlimitedData"] = Field(default="MeteredData",
                                                                description="billing model of the circuit")
    provisioned: bool = Field(
        default=False, description="the provider has provisioned the circuit; only then can the gateway connect")


class LinkSpec(SpecModel):
    """One link from a cloud region to an on-premises site."""

    name: Name
    site: str = Field(description="sites[].name this link reaches")
    cloud: Literal["aws", "azure"] = Field(description="the cloud end of the link")
    region: Optional[str] = Field(default=None, description="AWS region (aws links); azure links use regions.azure")
    transport: Literal["vpn", "direct-connect", "expressroute"] = Field(
        description="IPsec VPN, or a private circuit (Direct Connect on aws, ExpressRoute on azure)")
    vpn_backup: bool = Field(default=False, description="also build an IPsec VPN as the backup path of a circuit")
    static_routes: bool = Field(
        default=False, description="static routes instead of BGP (only when the device cannot speak BGP)")
    tunnel_inside_cidrs: Optional[list[IPv4Network]] = Field(default=None, min_length=2, max_length=2,
        description="AWS tunnel inside /30s in 169.254.0.0/16; default derived from the link name",
        examples=[["169.254.10.0/30", "169.254.10.4/30"]])
    bgp_peer_ip: Optional[IpAddress] = Field(default=None, description="on-prem BGP router address (azure BGP links)")
    direct_connect: Optional[DirectConnectSpec] = Field(default=None,
        description="direct-connect links: the virtual interface on an ordered connection")
    expressroute: Optional[ExpressRouteSpec] = Field(default=None,
        description="expressroute links: the circuit through a connectivity provider")

    @model_validator(mode="after")
    def _transport_matches(self) -> "LinkSpec":
        if self.transport == "direct-connect" and (self.cloud != "aws" or self.direct_connect is None):
            raise ValueError("a direct-connect link is an aws link with a direct_connect block")
        if self.transport == "expressroute" and (self.cloud != "azure" or self.expressroute is None):
            raise ValueError("an expressroute link is an azure link with an expressroute block")
        if self.transport != "direct-connect" and self.direct_connect is not None:
            raise ValueError("direct_connect is only allowed with transport: direct-connect")
        if self.transport != "expressroute" and self.expressroute is not None:
            raise ValueError("expressroute is only allowed with transport: expressroute")
        if self.transport == "vpn" and self.vpn_backup:
            raise ValueError("vpn_backup applies to direct-connect and expressroute links; a vpn link is already a VPN")
        if self.cloud == "aws" and self.region is None:
            raise ValueError("an aws link names its region")
        if self.cloud == "azure" and self.region is not None:
            raise ValueError("an azure link uses regions.azure.location and names no region")
        if self.cloud == "azure" and self.tunnel_inside_cidrs is not None:
            raise ValueError("tunnel_inside_cidrs applies to aws links only")
        return self

    @property
    def has_vpn(self) -> bool:
        return self.transport == "vpn" or self.vpn_backup

    @property
    def bgp(self) -> bool:
        return not self.static_routes


class ConnectivitySpec(SpecModel):
    preshared_keys: SecretRef = Field(
        default=SecretRef(secret="vpnPresharedKeys"),
        description="secret config key holding a JSON map of pre-shared keys: '<link>/1', '<link>/2' (aws), '<link>' (azure)")
    transit_gateway_asn: int = Field(default=64512, description="Amazon-side ASN of every transit gateway")
    direct_connect_gateway_asn: int = Field(default=64513, description="ASN of the Direct Connect gateway")
    azure_gateway_asn: int = Field(default=65515, description="ASN of the Azure VPN gateway")
    tunnel_log_retention_days: int = Field(default=365, description="retention of the VPN tunnel log groups")
    dpd_timeout_seconds: int = Field(default=30, ge=30, le=3600, description="dead-peer detection timeout")
    links: list[LinkSpec] = Field(default_factory=list, description="links from cloud regions to on-premises sites")

    def secret_keys(self) -> set[str]:
        return {self.preshared_keys.secret} if any(link.has_vpn for link in self.links) else set()

    def links_in(self, cloud: str) -> list[LinkSpec]:
        return [link for link in self.links if link.cloud == cloud]


def psk_entries(link: LinkSpec) -> list[str]:
    """Entries of the pre-shared key map a link reads: one per AWS tunnel, one per Azure connection."""
    if not link.has_vpn:
        return []
    return [f"{link.name}/1", f"{link.name}/2"] if link.cloud == "aws" else [link.name]


def check_connectivity(spec, declared_secret_keys: set[str] | None) -> Iterator[tuple[str, str]]:
    """Cross-field checks for the `connectivity` section; `spec` is the EnvironmentSpec."""
    from ..connectivity.inside_cidrs import inside_cidr_problem  # pure arithmetic shared with the component

    section = spec.connectivity
    sites = {s.name: s for s in spec.sites}
    aws_regions = set(spec.aws_region_names())
    if section.tunnel_log_retention_days not in LOG_RETENTION_DAYS:
        yield ("connectivity.tunnel_log_retention_days",
               f"expected one of CloudWatch's retention periods ({', '.join(map(str, sorted(LOG_RETENTION_DAYS)))})")
    for field in ("transit_gateway_asn", "direct_connect_gateway_asn", "azure_gateway_asn"):
        if not private_asn(getattr(section, field)):
            yield f"connectivity.{field}", "expected a private ASN (64512-65534 or 4200000000-4294967294)"
    if section.azure_gateway_asn in AZURE_RESERVED_ASNS:
        yield "connectivity.azure_gateway_asn", "Azure reserves this ASN; expected another private ASN"
    if section.transit_gateway_asn == section.direct_connect_gateway_asn:
        yield "connectivity.direct_connect_gateway_asn", "must differ from transit_gateway_asn (AWS refuses the association)"
    cloud_asns = {section.transit_gateway_asn, section.direct_connect_gateway_asn, section.azure_gateway_asn}
    for i, site in enumerate(spec.sites):
        if site.bgp_asn in cloud_asns and any(link.site == site.name for link in section.links):
            yield f"sites[{i}].bgp_asn", "the site's ASN equals a cloud-side ASN; expected distinct ASNs on each side of BGP"
    if section.secret_keys():
        yield from unresolved_secret("connectivity.preshared_keys.secret", section.preshared_keys.secret,
                                     declared_secret_keys)
    names: set[str] = set()
    used_inside: dict[IPv4Network, str] = {}
    for i, link in enumerate(section.links):
        path = f"connectivity.links[{i}]"
        if link.name in names:
            yield f"{path}.name", f"duplicate name {link.name!r}: names must be unique here"
        names.add(link.name)
        if link.site not in sites:
            yield f"{path}.site", f"undefined site {link.site!r}; expected one of: {', '.join(sorted(sites)) or 'no sites defined'}"
        if link.cloud == "aws" and link.region not in aws_regions:
            yield f"{path}.region", f"undefined AWS region {link.region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}"
        if link.cloud == "azure" and (spec.regions.azure is None or spec.accounts.azure is None):
            yield f"{path}.cloud", "an azure link needs regions.azure and accounts.azure"
        if link.cloud == "azure" and link.has_vpn and link.bgp and link.bgp_peer_ip is None:
            yield f"{path}.bgp_peer_ip", "an azure VPN link with BGP needs the on-prem BGP router address"
        if link.bgp_peer_ip is not None and link.site in sites and link.bgp_peer_ip not in sites[link.site].cidr:
            yield f"{path}.bgp_peer_ip", f"expected an address inside the site's CIDR {sites[link.site].cidr}"
        for j, cidr in enumerate(link.tunnel_inside_cidrs or []):
            problem = inside_cidr_problem(cidr)
            if problem:
                yield f"{path}.tunnel_inside_cidrs[{j}]", problem
            elif cidr in used_inside:
                yield f"{path}.tunnel_inside_cidrs[{j}]", f"{cidr} is already used by link {used_inside[cidr]!r}"
            used_inside.setdefault(cidr, link.name)
    # Two links from one site into one AWS region would need two customer gateways with the same public IP.
    seen_pairs: dict[tuple[str, str], int] = {}
    for i, link in enumerate(section.links):
        if link.cloud == "aws" and link.has_vpn:
            key = (link.site, str(link.region))
            if key in seen_pairs:
                yield (f"connectivity.links[{i}].site",
                       f"site {link.site!r} already has a VPN into {link.region} (links[{seen_pairs[key]}]); "
                       "expected one VPN per site and region")
            seen_pairs.setdefault(key, i)
