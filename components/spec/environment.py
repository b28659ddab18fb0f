"""The root of an environment spec (environments/<env>.yaml)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from ..naming import EstateNames
from .base import Name, SpecModel
from .foundation import Accounts, Cluster, PolicySettings, Regions, Residency, Site, Tier
from .gateway import Gateways
from .brokers import Messaging
from .observability import ObservabilitySpec
from .secrets import SecretsSpec
from .windows import DeploymentPolicy
from .connectivity import ConnectivitySpec
from .routing import RoutingSpec
from .nodes import ProcessingSpec
from .failover import FailoverSpec
from .prerequisites import Prerequisites
from .naming import NamingSpec, estate_hash
from .data import DataSpec


class EnvironmentSpec(SpecModel):
    name: Name
    tier: Tier = Field(
        description="environment tier: drives sizes, protection of stateful resources and policy enforcement levels")
    owner: str = Field(min_length=1, description="owning team, used in tags and the catalog")
    accounts: Accounts = Field(description="the cloud accounts the stack deploys into")
    residency: Residency = Field(description="the data-residency zone and the regions allowed within it")
    regions: Regions = Field(description="the AWS regions (primary, optional secondary) and the Azure location")
    sites: list[Site] = Field(default_factory=list,
                              description="on-premises data centres reached over the hybrid links")
    clusters: list[Cluster] = Field(default_factory=list,
                                    description="Kubernetes clusters the stack installs operators and workloads into")
    tags: dict[str, str] = Field(default_factory=dict,
                                 description="tags added to every taggable cloud resource, beside the blueprint's own")
    messaging: Messaging = Field(default_factory=Messaging, description="the brokers: the asynchronous backbone")
    gateways: Gateways = Field(default_factory=Gateways,
                               description="API gateways: versioned, authenticated, rate-limited APIs")
    secrets: SecretsSpec = Field(default_factory=SecretsSpec,
                                 description="secrets, replicated configuration and the Azure Key Vault")
    observability: ObservabilitySpec = Field(default_factory=ObservabilitySpec,
        description="alarms from SLOs, on-call routing, log hygiene, audit retention and rollback switches")
    policy: PolicySettings = Field(default_factory=PolicySettings,
                                   description="policy enforcement overrides and justified, expiring exemptions")
    deployment: DeploymentPolicy = Field(
        default_factory=DeploymentPolicy, description="deployment windows and freezes; default always open")
    connectivity: ConnectivitySpec = Field(
        default_factory=ConnectivitySpec, description="hybrid links to on-prem sites")
    routing: RoutingSpec = Field(default_factory=RoutingSpec, description="DNS traffic routing with health checks")
    processing: ProcessingSpec = Field(default_factory=ProcessingSpec, description="region-pinned processing nodes")
    failover: Optional[FailoverSpec] = Field(default=None, description="failover drill objectives; absent: not drilled")
    prerequisites: Prerequisites = Field(default_factory=Prerequisites,
        description="what exists before the stack (roles, certificates, circuits, zones)")
    data: DataSpec = Field(default_factory=DataSpec,
        description="data synchronisation: entity ownership, sagas, change data capture, reference data, caches")
    naming: NamingSpec = Field(default_factory=NamingSpec,
                               description="estate prefix/suffix of globally unique names (Key Vault, Service Bus ...)")

    @property
    def production(self) -> bool:
        return self.tier is Tier.production

    def estate_names(self) -> EstateNames:
        """The affixes of globally unique names; with none declared, a suffix only this estate's accounts hash to."""
        if self.naming.prefix is None and self.naming.suffix is None:
            azure = self.accounts.azure.subscription_id if self.accounts.azure else ""
            return EstateNames(suffix=estate_hash(self.accounts.aws.account_id, azure))
        return EstateNames(prefix=self.naming.prefix or "", suffix=self.naming.suffix or "")

    def secret_config_keys(self) -> list[str]:
        """Every secret stack config key the spec refers to: what CI must supply (ESC or CI secrets)."""
        return sorted({c.kubeconfig.secret for c in self.clusters} | self.observability.secret_keys()
                      | self.messaging.secret_keys() | self.connectivity.secret_keys())

    def aws_region_names(self) -> list[str]:
        return [r.region for r in self.regions.aws.all()]

    def site_countries(self) -> dict[str, str]:
        return {site.name: site.country for site in self.sites}
