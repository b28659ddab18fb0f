"""The root of an environment spec (environments/<env>.yaml)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from .base import Name, SpecModel
from .foundation import Accounts, Cluster, PolicySettings, Regions, Residency, Site, Tier
from .gateway import Gateways
from .messaging import Messaging
from .observability import ObservabilitySpec
from .secrets import SecretsSpec
from .windows import DeploymentPolicy
from .connectivity import ConnectivitySpec
from .routing import RoutingSpec
from .nodes import ProcessingSpec
from .failover import FailoverSpec
from .prerequisites import Prerequisites


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
    gateways: Gateways = Field(default_factory=Gateways)
    secrets: SecretsSpec = Field(default_factory=SecretsSpec)
    observability: ObservabilitySpec = Field(default_factory=ObservabilitySpec)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    deployment: DeploymentPolicy = Field(default_factory=DeploymentPolicy, description="deployment windows and freezes; default always open")
    connectivity: ConnectivitySpec = Field(default_factory=ConnectivitySpec, description="hybrid links to on-prem sites")
    routing: RoutingSpec = Field(default_factory=RoutingSpec, description="DNS traffic routing with health checks")
    processing: ProcessingSpec = Field(default_factory=ProcessingSpec, description="region-pinned processing nodes")
    failover: Optional[FailoverSpec] = Field(default=None, description="failover drill objectives; absent: not drilled")
    prerequisites: Prerequisites = Field(default_factory=Prerequisites,
                                         description="what exists before the stack (roles, certificates, circuits, zones)")

    @property
    def production(self) -> bool:
        return self.tier is Tier.production

    def aws_region_names(self) -> list[str]:
        return [r.region for r in self.regions.aws.all()]

    def site_countries(self) -> dict[str, str]:
        return {site.name: site.country for site in self.sites}
