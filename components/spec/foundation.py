"""Spec models for where an environment lives: accounts, residency, regions, on-prem sites, clusters."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal, Optional

from pydantic import Field, model_validator

from .base import AwsRegion, Cidr, IpAddress, Name, SecretRef, SpecModel


class Tier(str, Enum):
    """Environment tier: drives sizes, protection and policy enforcement levels."""

    development = "development"
    staging = "staging"
    production = "production"


class AwsAccount(SpecModel):
    account_id: str = Field(pattern=r"^\d{12}$", description="12-digit AWS account id the stack deploys into")
    deploy_role_arn: str = Field(pattern=r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$",
                                 description="IAM role every AWS provider assumes")

    @model_validator(mode="after")
    def _role_in_account(self) -> "AwsAccount":
        if self.deploy_role_arn.split(":")[4] != self.account_id:
            raise ValueError("deploy_role_arn must be a role in account_id "
                             f"{self.account_id}, got one in {self.deploy_role_arn.split(':')[4]}")
        return self


class AzureAccount(SpecModel):
    subscription_id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                 description="Azure subscription id (a GUID) the Azure provider deploys into")
    tenant_id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                           description="Entra ID tenant id (a GUID) of that subscription")


class Accounts(SpecModel):
    aws: AwsAccount = Field(description="the AWS account and the role every AWS provider assumes")
    azure: Optional[AzureAccount] = Field(default=None,
        description="the Azure subscription and tenant; needed when anything runs on Azure")


class Residency(SpecModel):
    """Practice 5.6 (data residency): the zone the data must stay in and the regions allowed within it."""

    zone: Literal["eu", "us", "uk", "apac"] = Field(description="residency zone the environment's data must stay in")
    allowed_regions: list[str] = Field(min_length=1, description="AWS regions, Azure locations and onprem:<site>")


class AwsRegionSpec(SpecModel):
    region: AwsRegion = Field(description="AWS region code such as eu-central-1")
    cidr: Cidr = Field(
        description="IPv4 CIDR of the region's VPC; must not overlap another region, the Azure network or a site")
    availability_zones: Optional[list[str]] = Field(default=None, min_length=3, max_length=3,
        description="three AZ names; default <region>a, b and c",
        examples=[["eu-central-1a", "eu-central-1b", "eu-central-1c"]])

    @property
    def azs(self) -> list[str]:
        return self.availability_zones or [f"{self.region}{suffix}" for suffix in "abc"]


class AwsRegions(SpecModel):
    primary: AwsRegionSpec = Field(description="the AWS region everything runs in unless a resource names another")
    secondary: Optional[AwsRegionSpec] = Field(default=None,
        description="the AWS failover region: warm standbys, replicas and the drill's target")

    def all(self) -> list[AwsRegionSpec]:
        return [r for r in (self.primary, self.secondary) if r is not None]


class AzureRegionSpec(SpecModel):
    location: str = Field(pattern=r"^[a-z0-9]+$", description="Azure location name such as westeurope")
    cidr: Cidr = Field(description="IPv4 CIDR of the Azure virtual network")


class Regions(SpecModel):
    aws: AwsRegions = Field(description="the AWS primary and optional secondary region")
    azure: Optional[AzureRegionSpec] = Field(default=None,
        description="the Azure location and its virtual network; absent when nothing runs on Azure")


class Site(SpecModel):
    """An on-premises data centre reached over VPN or Direct Connect / ExpressRoute."""

    name: Name
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 country code; decides its residency zone")
    cidr: Cidr = Field(description="the site's on-premises IPv4 network, routed to the clouds over its links")
    bgp_asn: int = Field(ge=1, le=4294967294, description="the site router's BGP autonomous system number")
    public_ip: IpAddress = Field(description="public IPv4 address of the site's VPN device (customer gateway)")


class KubeconfigRef(SecretRef):
    context: Optional[str] = Field(default=None, description="context within the kubeconfig; default its current one")


class Cluster(SpecModel):
    name: Name
    cloud: Literal["aws", "azure", "onprem"] = Field(
        description="where the cluster runs: a cloud region or an on-premises site")
    region: Optional[str] = Field(default=None, description="AWS region or Azure location (cloud clusters)")
    site: Optional[str] = Field(default=None, description="on-prem site name (onprem clusters)")
    kubernetes_version: str = Field(pattern=r"^1\.\d{2}$",
        description="Kubernetes minor version, such as 1.30; manifests are checked against its API")
    kubeconfig: KubeconfigRef = Field(description="secret config key holding the cluster's kubeconfig")
    oidc_provider_arn: Optional[str] = Field(
        default=None, pattern=r"^arn:aws:iam::\d{12}:oidc-provider/[\w./-]+$",
        description="IAM OIDC provider of the cluster's service-account issuer (IRSA for processing nodes)")
    oidc_issuer_url: Optional[str] = Field(
        default=None, pattern=r"^https://[^\s/]+/.*$",
        description="AKS: the cluster's service-account issuer URL (az aks show --query oidcIssuerProfile.issuerUrl); "
                    "the External Secrets managed identity's federated credential trusts it")

    @model_validator(mode="after")
    def _placement(self) -> "Cluster":
        if self.cloud == "onprem" and (self.site is None or self.region is not None):
            raise ValueError("an onprem cluster names its site and no region")
        if self.cloud != "onprem" and (self.region is None or self.site is not None):
            raise ValueError(f"an {self.cloud} cluster names its region and no site")
        return self

    @property
    def placement(self) -> str:
        """Region label used by residency checks: the cloud region, or onprem:<site>."""
        return self.region if self.region else f"onprem:{self.site}"


class Exemption(SpecModel):
    """A justified, expiring exception to one policy rule for matching resources."""

    rule: str = Field(description="id of the policy rule the exemption applies to")
    resource: str = Field(description="resource name or URN suffix the exemption covers ('*' for every resource)")
    justification: str = Field(min_length=20, description="why the exception is acceptable (at least 20 characters)")
    expires: date = Field(description="last day the exemption applies; afterwards the rule applies again")


class PolicySettings(SpecModel):
    enforcement: dict[str, Literal["advisory", "mandatory", "disabled"]] = Field(default_factory=dict,
        description="enforcement level per rule id, overriding the tier's default")
    exemptions: list[Exemption] = Field(default_factory=list,
                                        description="justified, expiring exceptions to one rule for matching resources")
