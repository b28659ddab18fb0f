"""Data-residency zones: which cloud regions and on-premises countries belong to which zone.

Kept as plain data and pure functions so the spec validator and the policy config writer agree.
"""

from __future__ import annotations

ZONE_AWS_REGIONS: dict[str, frozenset[str]] = {
    "eu": frozenset({"eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
                     "eu-north-1", "eu-south-1", "eu-south-2"}),
    "us": frozenset({"us-east-1", "us-east-2", "us-west-1", "us-west-2"}),
    "uk": frozenset({"eu-west-2"}),
    "apac": frozenset({"ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-south-1"}),
}

ZONE_AZURE_LOCATIONS: dict[str, frozenset[str]] = {
    "eu": frozenset({"westeurope", "northeurope", "germanywestcentral", "francecentral",
                     "swedencentral", "italynorth", "polandcentral", "spaincentral"}),
    "us": frozenset({"eastus", "eastus2", "westus2", "westus3", "centralus"}),
    "uk": frozenset({"uksouth", "ukwest"}),
    "apac": frozenset({"southeastasia", "australiaeast", "japaneast", "centralindia"}),
}

ZONE_COUNTRIES: dict[str, frozenset[str]] = {
    "eu": frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
                     "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}),
    "us": frozenset({"US"}),
    "uk": frozenset({"GB"}),
    "apac": frozenset({"SG", "AU", "JP", "IN"}),
}

ZONES = frozenset(ZONE_AWS_REGIONS)


def onprem_region(site: str) -> str:
    """The region label of an on-premises site, as it appears in allowed-region lists and policy config."""
    return f"onprem:{site}"


def region_in_zone(region: str, zone: str, site_countries: dict[str, str]) -> bool:
    """Whether a cloud region, Azure location or on-prem site (``onprem:<site>``) lies inside a residency zone."""
    if region.startswith("onprem:"):
        country = site_countries.get(region.removeprefix("onprem:"))
        return country is not None and country in ZONE_COUNTRIES[zone]
    return region in ZONE_AWS_REGIONS[zone] or region in ZONE_AZURE_LOCATIONS[zone]
