"""The root of an environment spec (environments/<env>.yaml)."""

from __future__ import annotations

from pydantic import Field

from .base import Name, SpecModel
from .foundation import Accounts, Cluster, PolicySettings, Regions, Residency, Site, Tier
from .messaging import Messaging


class EnvironmentSpec(SpecModel):
    name: Name
    tier: Tier
    owner: str = Field(min_length=1, description="owning team, used in tags and the catalog")
    accounts: Accounts
    residency: Residency
    regions: Regions
    sites: list[Site] = Field(default_factory=list)
    clusters: list[Cluster] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)
    messaging: Messaging = Field(default_factory=Messaging)
    policy: PolicySettings = Field(default_factory=PolicySettings)

    @property
    def production(self) -> bool:
        return self.tier is Tier.production

    def aws_region_names(self) -> list[str]:
        return [r.region for r in self.regions.aws.all()]

    def site_countries(self) -> dict[str, str]:
        return {site.name: site.country for site in self.sites}
