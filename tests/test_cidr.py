"""CIDR arithmetic: pure functions, checked on generated networks."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.network.cidr import az_subnets, reserved_quarter, split

networks = st.builds(lambda addr, prefix: IPv4Network((addr, prefix), strict=False),
                     st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=8, max_value=24))


@given(networks, st.integers(min_value=1, max_value=3))
def test_az_subnets_are_disjoint_inside_the_network_and_leave_the_reserved_quarter_free(network, zones):
    subnets = az_subnets(network, zones)
    assert len(subnets) == zones
    assert all(s.subnet_of(network) and s.prefixlen == network.prefixlen + 2 for s in subnets)
    assert all(not a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1:])
    assert all(not s.overlaps(reserved_quarter(network)) for s in subnets)


@given(networks, st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=16))
def test_split_returns_the_first_subnets_in_order(network, extra_bits, count):
    if network.prefixlen + extra_bits > 28 or count > 2 ** extra_bits:
        with pytest.raises(ValueError):
            split(network, count, extra_bits)
        return
    subnets = split(network, count, extra_bits)
    assert subnets == sorted(subnets)
    assert len(subnets) == count
    if subnets:
        assert subnets[0].network_address == network.network_address


def test_az_subnets_refuse_a_fourth_zone():
    with pytest.raises(ValueError, match="fourth quarter is reserved"):
        az_subnets(IPv4Network("10.0.0.0/16"), 4)


def test_split_refuses_networks_too_small_for_aws():
    with pytest.raises(ValueError, match="below AWS's /28 minimum"):
        split(IPv4Network("10.0.0.0/27"), 2, 2)


def test_known_layout():
    assert [str(s) for s in az_subnets(IPv4Network("10.10.0.0/16"))] == ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"]
    assert str(reserved_quarter(IPv4Network("10.10.0.0/16"))) == "10.10.192.0/18"
