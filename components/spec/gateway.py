"""Spec models for API gateways: versioned, authenticated, rate-limited APIs built from OpenAPI documents.

Practices: 1.4 (API versioning), 1.6 (idempotency keys), 2.2 (rate limiting per client tier), 2.3 (OpenAPI as
the source), 2.4 (OAuth 2.0 / JWT and API keys), 2.5 (cross-cutting concerns at the gateway), 2.6 (lifecycle
stages with their own routing and access rules), 5.1 (TLS 1.2+ and mTLS).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from ..naming import region_code
from .base import LOG_RETENTION_DAYS, Cidr, Name, PositiveInt, SpecModel
from .integration_design import ApiCall

Hostname = Annotated[str, Field(pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", max_length=253,
                                description="fully qualified lower-case DNS name")]
HttpsUrl = Annotated[str, Field(pattern=r"^https://[^\s/$.?#][^\s]*$", description="an https:// URL")]
Version = Annotated[str, Field(pattern=r"^v[1-9][0-9]*$", description="major version label such as v1")]


class CustomDomain(SpecModel):
    """The API's public name. The certificate is issued outside IaC (ACM, DNS-validated) and named here."""

    name: Hostname
    certificate_arn: str = Field(pattern=r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$",
                                 description="ACM certificate for the name, in the API's region")
    mtls_truststore_uri: Optional[str] = Field(
        default=None, pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\.pem$",
        description="s3://bucket/key.pem of the CA bundle partners' client certificates chain to; turns mTLS on")
    azure_certificate_name: Optional[str] = Field(
        default=None, pattern=r"^[0-9a-zA-Z-]{1,127}$",
        description="name of the same certificate in the environment's Key Vault (secrets.key_vault), imported there "
                    "by its owners: API Management's custom host reads it")


class JwtAuth(SpecModel):
    """OAuth 2.0 bearer tokens: who issues them and for which audience (practice 2.4)."""

    issuer: HttpsUrl
    audience: str = Field(min_length=1, description="audience (aud claim) tokens must be issued for")
    jwks_uri: Optional[HttpsUrl] = Field(default=None, description="default <issuer>/.well-known/jwks.json",
        examples=["https://login.example.com/.well-known/jwks.json"])
    scopes_claim: str = Field(default="scope", description="claim listing granted scopes")

    @property
    def keys_url(self) -> str:
        return self.jwks_uri or f"{self.issuer.rstrip('/')}/.well-known/jwks.json"


class Throttle(SpecModel):
    rate_limit: float = Field(gt=0, description="steady-state requests per second")
    burst_limit: PositiveInt = Field(description="requests allowed in a burst above the rate")


class ClientTier(SpecModel):
    """A usage plan (AWS) / product (Azure): rate, burst and quota for a class of clients (practice 2.2)."""

    name: Name
    rate_limit: float = Field(gt=0, description="requests per second")
    burst_limit: PositiveInt = Field(description="requests allowed in a burst above the rate")
    quota: PositiveInt = Field(description="requests per quota_period")
    quota_period: Literal["DAY", "WEEK", "MONTH"] = Field(default="DAY", description="period the quota counts over")


class ApiClient(SpecModel):
    """A partner that gets an API key in the usage plan of its tier."""

    name: Name
    tier: Name


class Backend(SpecModel):
    url: HttpsUrl = Field(description="base URL the gateway forwards to (TLS to the backend too)")
    private: bool = Field(default=False, description="reachable only inside the VPC / over the hybrid links")
    vpc_link_target_arn: Optional[str] = Field(
        default=None, pattern=r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:(loadbalancer|listener)/.+$",
        description="private backends: the internal NLB (REST APIs) or ALB/NLB listener (HTTP APIs) in front")
    calls: list[ApiCall] = Field(default_factory=list,
        description="APIs the backend calls synchronously before it answers: the next hops of a synchronous chain")


class Deprecation(SpecModel):
    """Announced retirement of a version: surfaced as Deprecation/Sunset headers and in the catalog."""

    announced: date = Field(description="date the version was deprecated (Deprecation header)")
    sunset: date = Field(description="date after which it may stop answering (Sunset header)")
    successor: Optional[Version] = Field(default=None, description="version clients should move to (Link header)")

    @model_validator(mode="after")
    def _order(self) -> "Deprecation":
        if self.sunset <= self.announced:
            raise ValueError("sunset must come after the announced deprecation date")
        return self


class ApiVersionSpec(SpecModel):
    version: Version
    file: Optional[str] = Field(default=None, pattern=r"^apis/[a-z0-9-]+/v[1-9][0-9]*\.ya?ml$",
                                description="OpenAPI document; default apis/<api>/<version>.yaml",
        examples=["apis/partner-orders/v2.yaml"])
    backend: Backend = Field(description="where the version's requests go")
    deprecation: Optional[Deprecation] = Field(default=None, description="announced retirement of this version")


class StandbySpec(SpecModel):
    """A warm copy of a partner (REST) API in a second region, for DNS failover (practice 8.6).

    The copy serves the same custom domain (with its own regional certificate), so TLS and the base paths match
    after failover; private versions reach the standby region's own load balancer."""

    region: str = Field(description="AWS region of the copy: one of regions.aws, not the API's own region")
    certificate_arn: str = Field(pattern=r"^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$",
                                 description="ACM certificate in the standby region covering the API's domain and "
                                             "its regional name <first label>-<region code>.<rest of the domain>")
    vpc_link_target_arns: dict[Version, str] = Field(
        default_factory=dict,
        description="private versions: the standby region's internal NLB the copy's VPC link targets, per version",
        examples=[{"v2": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0123456789abcdef"}])

    @model_validator(mode="after")
    def _arns(self) -> "StandbySpec":
        for version, arn in self.vpc_link_target_arns.items():
            if not re.fullmatch(r"arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/net/.+", arn):
                raise ValueError(f"vpc_link_target_arns.{version}: expected a network load balancer ARN, got {arn!r}")
        return self


class ApiObjectives(SpecModel):
    """What the API's owners commit to (practice 1.1): the design checks compose these along synchronous chains.

    Declared objectives, not alarms: the gateway's own metrics are not alarmed from them yet."""

    availability_percent: Optional[float] = Field(default=None, gt=0, lt=100,
                                                  description="share of requests answered without a 5xx, percent")
    latency_p99_ms: Optional[float] = Field(default=None, gt=0,
                                            description="99th-percentile response latency, milliseconds")


class ApiSpec(SpecModel):
    name: Name
    audience: Literal["partner", "internal"] = Field(
        description="partner: REST API with keys, usage plans and WAF; internal: HTTP API with the JWT authorizer")
    owner: str = Field(min_length=1, description="owning team, used in tags and the catalog")
    clouds: list[Literal["aws", "azure"]] = Field(default_factory=lambda: ["aws"], min_length=1,
        description="clouds serving the API: API Gateway on aws, API Management on azure")
    region: str = Field(description="AWS region the API lives in")
    domain: CustomDomain = Field(description="the API's public custom domain and certificate")
    auth: JwtAuth = Field(description="OAuth 2.0 / JWT bearer-token validation")
    versions: list[ApiVersionSpec] = Field(min_length=1,
        description="major versions served side by side, each from its own OpenAPI document")
    throttle: Throttle = Field(description="stage-wide default throttle (method throttling)")
    tiers: list[ClientTier] = Field(default_factory=list,
                                    description="client tiers: usage plans (AWS) / products (Azure)")
    clients: list[ApiClient] = Field(default_factory=list,
                                     description="partners given an API key in their tier's usage plan")
    require_idempotency_key: bool = Field(
        default=False, description="POST/PUT/PATCH/DELETE need an Idempotency-Key header")
    allowed_callers: list[Cidr] = Field(default_factory=list,
                                        description="partner APIs: source networks allowed to call (empty: anyone)")
    waf_rate_limit: int = Field(default=2000, ge=10, le=2_000_000_000,
                                description="requests per source IP per 5 minutes before WAF blocks")
    log_retention_days: int = Field(default=90,
        description="retention of the API's access logs, days (a value CloudWatch Logs accepts)")
    standby: Optional[StandbySpec] = Field(
        default=None, description="partner APIs: a copy in a second region that DNS fails over to")
    slo: Optional[ApiObjectives] = Field(default=None,
        description="availability and p99 latency objectives, composed along synchronous chains by `hybrid validate`")

    def serving_regions(self) -> list[str]:
        """The API's region, then its standby region when it has one."""
        return [self.region] + ([self.standby.region] if self.standby else [])

    def certificate_of(self, region: str) -> str:
        return self.standby.certificate_arn if self.standby and region == self.standby.region else self.domain.certificate_arn

    def current_version(self) -> str:
        """The newest version not deprecated (the spec check guarantees one): what health checks probe."""
        return [v.version for v in self.versions if not v.deprecation][-1]

    def regional_hostname(self, region: str) -> str:
        """The region's own name for the API (orders-euc1.api.example.com): what DNS health checks probe."""
        first, rest = self.domain.name.split(".", 1)
        return f"{first}-{region_code(region)}.{rest}"

    def file_of(self, version: ApiVersionSpec) -> str:
        return version.file or f"apis/{self.name}/{version.version}.yaml"

    @model_validator(mode="after")
    def _retention(self) -> "ApiSpec":
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days must be one CloudWatch accepts: {LOG_RETENTION_DAYS}")
        return self


class ApiManagementSettings(SpecModel):
    """The environment's Azure API Management instance (hosts every API that lists azure)."""

    publisher_name: str = Field(min_length=1, description="organisation name shown in the developer portal and e-mails")
    publisher_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
                                 description="address API Management sends system notifications to")
    sku: Literal["Developer", "Basic", "Standard", "Premium"] = Field(default="Developer",
                                                                      description="API Management pricing tier")
    capacity: PositiveInt = Field(default=1, description="scale units of the SKU")
    # Log Analytics keeps interactive data 30 to 730 days on the PerGB2018 plan the workspace uses.
    log_retention_days: int = Field(default=90, ge=30, le=730,
                                    description="retention of the gateway's request logs in its Log Analytics workspace")


class Gateways(SpecModel):
    apis: list[ApiSpec] = Field(default_factory=list,
                                description="APIs served by API Gateway (and API Management where they list azure)")
    api_management: Optional[ApiManagementSettings] = Field(default=None,
        description="the Azure API Management instance; required when an API lists azure")
    execution_logging_role: Literal["created", "declared"] = Field(
        default="declared",
        description="the API Gateway CloudWatch Logs role (one per account and region) of every region with a "
                    "partner (REST) API: created by this stack (only when no other stack in the account sets it), "
                    "or declared in prerequisites.api_gateway_accounts and verified before the stack")

    def rest_regions(self) -> list[str]:
        """Regions with REST stages (partner APIs on AWS): each needs the account's CloudWatch Logs role."""
        return sorted({r for a in self.apis if a.audience == "partner" and "aws" in a.clouds for r in a.serving_regions()})
