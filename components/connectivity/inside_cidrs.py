"""Tunnel inside addresses (169.254.x.x/30 link-local blocks) as pure, deterministic functions.

Each block carries one tunnel's BGP session: AWS takes the first host, the customer device the second.
A block is derived from a hash of the tunnel's key (e.g. "fra-dc1/1"), not from the link's position,
so adding or reordering links never renumbers, and so never replaces, an existing tunnel.
"""

from __future__ import annotations

import hashlib
from ipaddress import IPv4Address, IPv4Network
from typing import Iterable, Mapping, Optional

LINK_LOCAL = IPv4Network("169.254.0.0/16")
BLOCKS = 2 ** (30 - 16)
# AWS refuses these /30s as tunnel inside CIDRs (they collide with its own link-local services).
AWS_RESERVED = frozenset(IPv4Network(c) for c in (
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30",
    "169.254.5.0/30", "169.254.169.252/30"))


def block(index: int) -> IPv4Network:
    """The index-th /30 of 169.254.0.0/16."""
    return IPv4Network((int(LINK_LOCAL.network_address) + 4 * (index % BLOCKS), 30))


def inside_cidr_problem(cidr: IPv4Network) -> Optional[str]:
    """Why a CIDR cannot be a tunnel inside CIDR, or None when it can."""
    if cidr.prefixlen != 30 or not cidr.subnet_of(LINK_LOCAL):
        return f"expected a /30 inside 169.254.0.0/16, got {cidr}"
    if cidr in AWS_RESERVED:
        return f"{cidr} is reserved by AWS; expected another /30 of 169.254.0.0/16"
    return None


def _start(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % BLOCKS


def allocate(keys: Iterable[str], fixed: Mapping[str, IPv4Network] | None = None) -> dict[str, IPv4Network]:
    """One distinct, valid /30 per key; `fixed` entries (from the spec) are kept and never handed out again.

    Keys are placed in sorted order, each at the block its hash names or the next free one after it.
    """
    fixed = dict(fixed or {})
    for key, cidr in fixed.items():
        problem = inside_cidr_problem(cidr)
        if problem:
            raise ValueError(f"{key}: {problem}")
    if len(set(fixed.values())) != len(fixed):
        raise ValueError("fixed inside CIDRs must be distinct")
    taken = set(fixed.values()) | AWS_RESERVED
    result = dict(fixed)
    for key in sorted(set(keys) - set(fixed)):
        index = _start(key)
        for probe in range(BLOCKS):
            candidate = block(index + probe)
            if candidate not in taken:
                break
        else:
            raise ValueError("169.254.0.0/16 has no free /30 left")
        taken.add(candidate)
        result[key] = candidate
    return result


def tunnel_addresses(cidr: IPv4Network) -> tuple[IPv4Address, IPv4Address]:
    """(cloud side, customer side) addresses of a tunnel's /30, in AWS's convention."""
    first, second = list(cidr.hosts())
    return first, second
