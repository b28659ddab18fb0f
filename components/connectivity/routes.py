"""Route computation for hybrid links as pure functions over the spec (no cloud SDKs).

Which VPC route tables need a route to which site, which regions need a transit gateway, and what a
Direct Connect gateway may advertise to a site: tested on their own (tests/test_connectivity_arithmetic.py).
"""

from __future__ import annotations

from ipaddress import IPv4Network, collapse_addresses
from typing import Iterable, NamedTuple

from ..spec.connectivity import LinkSpec


class SiteRoute(NamedTuple):
    region: str
    """AWS region whose VPC route table gets the route."""
    destination: IPv4Network
    """The on-prem site's CIDR."""
    site: str


def transit_gateway_regions(links: Iterable[LinkSpec]) -> list[str]:
    """AWS regions that need a transit gateway: every region an AWS link lands in, sorted."""
    return sorted({str(link.region) for link in links if link.cloud == "aws"})


def vpc_site_routes(links: Iterable[LinkSpec], site_cidrs: dict[str, IPv4Network]) -> list[SiteRoute]:
    """One VPC route per (region, site) reached by an AWS link, sorted; a site reached twice (circuit
    plus backup VPN, or two links) still needs one route, because the transit gateway picks the path."""
    routes = {(str(link.region), link.site) for link in links if link.cloud == "aws"}
    return sorted(SiteRoute(region, site_cidrs[site], site) for region, site in routes)


def advertised_prefixes(region_cidrs: Iterable[IPv4Network]) -> list[IPv4Network]:
    """What a Direct Connect gateway may advertise to on-prem: the VPC CIDRs behind it, collapsed.

    AWS caps allowed prefixes per association at 20, so adjacent CIDRs are merged first."""
    prefixes = list(collapse_addresses(region_cidrs))
    if len(prefixes) > 20:
        raise ValueError(f"{len(prefixes)} prefixes exceed the 20 a Direct Connect gateway association allows")
    return prefixes


def static_routes(link: LinkSpec, site_cidr: IPv4Network) -> list[IPv4Network]:
    """Transit gateway static routes for a VPN link: the site CIDR when the link is static, none with BGP."""
    return [site_cidr] if link.has_vpn and link.static_routes else []
