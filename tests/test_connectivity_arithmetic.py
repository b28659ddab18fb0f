"""Tunnel inside CIDRs and hybrid route computation: pure functions, property-based where it pays."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given, settings, strategies as st

from components.connectivity.inside_cidrs import AWS_RESERVED, LINK_LOCAL, allocate, block, inside_cidr_problem, tunnel_addresses
from components.connectivity.routes import advertised_prefixes, static_routes, transit_gateway_regions, vpc_site_routes
from components.spec.connectivity import LinkSpec

keys = st.lists(st.from_regex(r"[a-z][a-z0-9-]{1,12}/[12]", fullmatch=True), max_size=40, unique=True)


@settings(max_examples=150, deadline=None)
@given(keys)
def test_every_tunnel_gets_a_distinct_valid_block(names):
    allocated = allocate(names)
    assert set(allocated) == set(names)
    assert len(set(allocated.values())) == len(names)
    for cidr in allocated.values():
        assert inside_cidr_problem(cidr) is None, cidr
        assert cidr.prefixlen == 30 and cidr.subnet_of(LINK_LOCAL) and cidr not in AWS_RESERVED


@settings(max_examples=100, deadline=None)
@given(keys, st.randoms())
def test_allocation_ignores_input_order(names, rnd):
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert allocate(names) == allocate(shuffled)


@settings(max_examples=100, deadline=None)
@given(keys, st.integers(min_value=6, max_value=16000))
def test_fixed_blocks_are_kept_and_never_handed_out_again(names, index):
    pinned = block(index)
    if pinned in AWS_RESERVED:
        return
    allocated = allocate(names + ["pinned/1"], {"pinned/1": pinned})
    assert allocated["pinned/1"] == pinned
    assert [k for k, v in allocated.items() if v == pinned] == ["pinned/1"]


def test_a_key_keeps_its_block_when_other_links_are_added():
    before = allocate(["fra-dc1/1", "fra-dc1/2"])
    after = allocate(["ams-dc2/1", "ams-dc2/2", "fra-dc1/1", "fra-dc1/2", "lab/1", "lab/2"])
    assert {k: after[k] for k in before} == before


@pytest.mark.parametrize("cidr, fragment", [
    ("169.254.0.0/30", "reserved by AWS"), ("169.254.169.252/30", "reserved by AWS"),
    ("169.254.10.0/29", "expected a /30"), ("10.0.0.0/30", "expected a /30 inside 169.254.0.0/16")])
def test_invalid_inside_cidrs_are_explained(cidr, fragment):
    assert fragment in inside_cidr_problem(IPv4Network(cidr))


def test_reserved_fixed_block_is_refused():
    with pytest.raises(ValueError, match="reserved by AWS"):
        allocate(["a/1"], {"a/1": IPv4Network("169.254.5.0/30")})


def test_cloud_side_takes_the_first_host():
    cloud, customer = tunnel_addresses(IPv4Network("169.254.44.8/30"))
    assert (str(cloud), str(customer)) == ("169.254.44.9", "169.254.44.10")


def _link(name, site, region="eu-central-1", **extra):
    return LinkSpec(name=name, site=site, cloud="aws", region=region, transport="vpn", **extra)


SITES = {"fra": IPv4Network("172.16.0.0/20"), "ams": IPv4Network("172.16.16.0/20")}


def test_one_vpc_route_per_region_and_site():
    dx = LinkSpec(name="fra-dx", site="fra", cloud="aws", region="eu-central-1", transport="direct-connect",
                  vpn_backup=True, direct_connect={"connection_id": "dxcon-abcdefgh", "vlan": 7})
    links = [dx, _link("ams", "ams", "eu-west-1"), _link("fra-euw1", "fra", "eu-west-1")]
    routes = vpc_site_routes(links, SITES)
    assert [(r.region, str(r.destination)) for r in routes] == [
        ("eu-central-1", "172.16.0.0/20"), ("eu-west-1", "172.16.0.0/20"), ("eu-west-1", "172.16.16.0/20")]
    assert transit_gateway_regions(links) == ["eu-central-1", "eu-west-1"]


def test_static_routes_only_when_the_spec_says_so():
    assert static_routes(_link("ab", "fra"), SITES["fra"]) == []
    assert static_routes(_link("ab", "fra", static_routes=True), SITES["fra"]) == [SITES["fra"]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=255), min_size=1, max_size=20))
def test_advertised_prefixes_cover_exactly_the_vpcs(seconds):
    cidrs = [IPv4Network(f"10.{n}.0.0/16") for n in seconds]
    prefixes = advertised_prefixes(cidrs)
    assert len(prefixes) <= 20
    for cidr in cidrs:
        assert any(cidr.subnet_of(p) for p in prefixes)
    assert sum(p.num_addresses for p in prefixes) == len(set(cidrs)) * 65536


def test_more_than_twenty_disjoint_prefixes_are_refused():
    with pytest.raises(ValueError, match="exceed the 20"):
        advertised_prefixes([IPv4Network(f"10.{2 * n}.0.0/16") for n in range(21)])
