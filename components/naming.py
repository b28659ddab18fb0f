"""Naming helpers shared by components: short region codes and physical names within cloud limits."""

from __future__ import annotations

import re

_DIRECTIONS = {"central": "c", "north": "n", "south": "s", "east": "e", "west": "w",
               "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def region_code(region: str) -> str:
    """A compact, stable code for a region used in logical names: eu-central-1 -> euc1, westeurope -> westeurope."""
    match = re.fullmatch(r"([a-z]{2})-(?:gov-)?([a-z]+)-(\d)", region)
    if not match:
        return region
    area, direction, number = match.groups()
    return f"{area}{_DIRECTIONS.get(direction, direction[:2])}{number}"


def physical_name(*parts: str, limit: int = 80, suffix: str = "") -> str:
    """Join name parts with dashes, truncated so that name + suffix fits a service's length limit."""
    name = "-".join(p for p in parts if p)
    return name[: limit - len(suffix)].rstrip("-") + suffix
