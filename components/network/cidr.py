"""CIDR arithmetic as pure functions, so subnet plans can be tested without any cloud."""

from __future__ import annotations

from ipaddress import IPv4Network


def split(network: IPv4Network, count: int, extra_bits: int) -> list[IPv4Network]:
    """The first `count` subnets of `network` that are `extra_bits` longer, in address order.

    Raises ValueError when the network is too small to hold them.
    """
    if count < 0 or extra_bits < 0:
        raise ValueError("count and extra_bits must not be negative")
    if network.prefixlen + extra_bits > 28:
        raise ValueError(f"{network} is too small: /{network.prefixlen + extra_bits} subnets are below AWS's /28 minimum")
    if count > 2 ** extra_bits:
        raise ValueError(f"{network} holds only {2 ** extra_bits} subnets of /{network.prefixlen + extra_bits}, not {count}")
    subnets = network.subnets(prefixlen_diff=extra_bits)
    return [next(subnets) for _ in range(count)]


def az_subnets(network: IPv4Network, zones: int = 3) -> list[IPv4Network]:
    """One private subnet per availability zone, each a quarter of the network.

    Quarters (not thirds, which CIDR cannot express) leave the last quarter free for
    gateway, endpoint and future tiers without renumbering.
    """
    if zones > 3:
        raise ValueError("at most three availability zones fit the quarter layout (the fourth quarter is reserved)")
    return split(network, zones, 2)


def reserved_quarter(network: IPv4Network) -> IPv4Network:
    """The fourth quarter of the network, kept for gateway and service subnets."""
    return list(network.subnets(prefixlen_diff=2))[3]
