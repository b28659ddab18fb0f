"""The cloud-agnostic Gateway: one API spec entry in, the right gateways out (practice 8.3).

Partner APIs become REST APIs on AWS, internal ones HTTP APIs; an API that also lists azure is imported
into the environment's API Management instance. The same OpenAPI documents drive both clouds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional

import pulumi

from ..spec.gateway import ApiSpec
from ..spec.observability import DEFAULT_MASKED_IDENTIFIERS
from .aws_http import HttpContext, PrivateNetwork, build_http
from ..naming import region_code
from .aws_rest import RestContext, RestRegion, build_rest
from .azure_apim import ApimHost, build_apim_api


@dataclass(frozen=True)
class GatewayArgs:
    spec: ApiSpec
    """The API's spec entry: audience, versions, domain, auth, throttles and tiers."""
    environment: str
    """Environment name: the prefix of physical names and the stage name (one stage per environment's stack)."""
    aws_account: str
    """Account the API deploys into (roles trust only this account)."""
    documents: dict[str, dict[str, Any]]
    """Parsed OpenAPI document per version label (v1, v2...), read by the program from apis/."""
    authorizer_code: dict[str, str]
    """Source files of the Lambda JWT authorizer (file name -> text), read by the program from functions/."""
    protect: bool
    """Protect stateful children (custom domains, API keys): true in production."""
    masked_identifiers: tuple[str, ...] = DEFAULT_MASKED_IDENTIFIERS
    """CloudWatch Logs data identifiers masked in every log group (practice 5.2)."""
    network: Optional[PrivateNetwork] = None
    """The API region's VPC, for the HTTP API VPC link to private backends."""
    apim: Optional[ApimHost] = None
    """The environment's API Management instance, when the API lists azure."""
    execution_logging: Optional[pulumi.Resource] = None
    """The API region's API Gateway account setting when this stack creates it (None when it is a prerequisite)."""
    standby_provider: Optional[pulumi.ProviderResource] = None
    """The standby region's AWS provider, when the spec has a standby: the REST API's copy is built with it."""
    standby_execution_logging: Optional[pulumi.Resource] = None
    """The standby region's API Gateway account setting when this stack creates it."""


@dataclass(frozen=True)
class RegionalEndpoint:
    """One region's copy of a REST API, as DNS sees it: health checks probe `hostname`, and the region's alias
    record points at the regional custom domain's API Gateway target."""

    hostname: str
    regional_domain_name: pulumi.Output[str]
    regional_zone_id: pulumi.Output[str]


class StandbyRegion(pulumi.ComponentResource):
    """The REST API's copy in its standby region: every child inherits that region's provider."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions):
        super().__init__("hybrid:gateway:StandbyRegion", name, None, opts)


def _endpoint(region: RestRegion) -> RegionalEndpoint:
    return RegionalEndpoint(region.hostname, region.regional_domain_name, region.regional_zone_id)


class Gateway(pulumi.ComponentResource):
    """One API, every version, on every cloud its spec lists."""

    base_urls: dict[str, str]
    regions: dict[str, RegionalEndpoint]
    """Region -> its copy's regional endpoint (partner APIs on AWS; empty otherwise)."""
    lifecycle: dict[str, dict[str, Optional[str]]]
    stage_arns: pulumi.Output[dict]
    apim_health_path: Optional[str]
    """Where API Management answers for this API's health (Traffic Manager probes it); None off Azure."""

    def __init__(self, name: str, args: GatewayArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:gateway:Gateway", name, None, opts)
        api = args.spec
        missing = [v.version for v in api.versions if v.version not in args.documents]
        if missing:  # `hybrid validate` reports this first; guard against a program that skipped it
            raise ValueError(f"API {api.name}: no OpenAPI document for {', '.join(missing)}")
        stage_arns: dict[str, Any] = {}
        self.regions = {}
        self.apim_health_path = None
        if "aws" in api.clouds:
            if api.audience == "partner":
                context = RestContext(
                    environment=args.environment, stage=args.environment, account=args.aws_account,
                    region=api.region, documents=args.documents, authorizer_code=args.authorizer_code,
                    protect=args.protect, masked_identifiers=args.masked_identifiers,
                    execution_logging=args.execution_logging)
                primary = build_rest(self, name, api, context)
                stage_arns = primary.stage_arns
                self.regions[api.region] = _endpoint(primary)
                if api.standby:
                    if args.standby_provider is None:
                        raise ValueError(f"API {api.name}: a standby in {api.standby.region} needs that region's provider")
                    code = region_code(api.standby.region)
                    copy = StandbyRegion(f"{name}-{code}", pulumi.ResourceOptions(
                        parent=self, providers={"aws": args.standby_provider}))
                    standby = build_rest(copy, f"{name}-{code}", api, dataclasses.replace(
                        context, region=api.standby.region, execution_logging=args.standby_execution_logging,
                        standby=True, key_values=primary.key_values))
                    self.regions[api.standby.region] = _endpoint(standby)
                    copy.register_outputs({"hostname": standby.hostname})
            else:
                build_http(self, name, api, HttpContext(environment=args.environment, stage=args.environment,
                                                        documents=args.documents, network=args.network,
                                                        protect=args.protect, masked_identifiers=args.masked_identifiers))
        if "azure" in api.clouds:
            if args.apim is None:
                raise ValueError(f"API {api.name} lists azure but the environment has no API Management")
            self.apim_health_path = build_apim_api(self, name, api, args.environment, args.apim, args.documents)
        self.base_urls = {v.version: f"https://{api.domain.name}/{v.version}" for v in api.versions}
        # What the service catalog shows (practice 7.5): each version's state and retirement dates.
        self.lifecycle = {v.version: {
            "status": "deprecated" if v.deprecation else "current",
            "deprecation": v.deprecation.announced.isoformat() if v.deprecation else None,
            "sunset": v.deprecation.sunset.isoformat() if v.deprecation else None,
            "successor": v.deprecation.successor if v.deprecation else None} for v in api.versions}
        self.stage_arns = pulumi.Output.from_input(stage_arns)
        self.register_outputs({"base_urls": self.base_urls, "lifecycle": self.lifecycle,
                               "stage_arns": self.stage_arns,
                               "regional_hostnames": {r: e.hostname for r, e in self.regions.items()}})
