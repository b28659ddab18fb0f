"""Builds every gateway of an environment from its spec: called once by build_platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi

from ..providers import ProviderSet, platform_tags
from ..spec import EnvironmentSpec
from ..naming import region_code
from .account import ExecutionLogging
from .documents import HEALTH_PATH
from .aws_http import PrivateNetwork
from .azure_apim import ApiManagement, KeyVaultRef
from .gateway import Gateway, GatewayArgs


@dataclass(frozen=True)
class GatewaySources:
    """Repository files the gateways are built from, read by the program entry point."""

    documents: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """API name -> version -> parsed OpenAPI document."""
    authorizer_code: dict[str, str] = field(default_factory=dict)
    """The Lambda JWT authorizer's source files."""


@dataclass
class BuiltGateways:
    """The environment's gateways, for the stack outputs and for DNS routing (which points at them)."""

    outputs: dict[str, object] = field(default_factory=dict)
    gateways: dict[str, Gateway] = field(default_factory=dict)
    apim_hostname: Optional[pulumi.Output[str]] = None
    """API Management's gateway hostname (<service>.azure-api.net), read from the service."""
    health_path: str = HEALTH_PATH
    """The health route every API version answers under /<version>: what DNS health checks probe."""


def build_gateways(spec: EnvironmentSpec, providers: ProviderSet, networks: dict[str, Any],
                   azure_resource_group: Optional[pulumi.Input[str]], sources: GatewaySources,
                   key_vault: Optional[KeyVaultRef] = None) -> BuiltGateways:
    """One Gateway per API (and the API Management instance when an API lists azure)."""
    apis = spec.gateways.apis
    if not apis:
        return BuiltGateways()
    apim = None
    azure_apis = [a for a in apis if "azure" in a.clouds]
    if azure_apis and spec.gateways.api_management and spec.regions.azure and azure_resource_group is not None:
        location = spec.regions.azure.location
        apim = ApiManagement(f"apim-{location}", spec.gateways.api_management, spec.name, location,
                             azure_resource_group, azure_apis, platform_tags(spec), spec.production,
                             pulumi.ResourceOptions(provider=providers.for_azure(location)),
                             names=spec.estate_names(), key_vault=key_vault)
    # One account setting per region with REST stages, when the spec says this stack owns it.
    logging = {region: ExecutionLogging(f"apigw-account-{region_code(region)}", spec.name, region,
                                        pulumi.ResourceOptions(provider=providers.for_aws(region)))
               for region in spec.gateways.rest_regions()} if spec.gateways.execution_logging_role == "created" else {}
    site_cidrs = [str(s.cidr) for s in spec.sites]
    gateways = {}
    for api in apis:
        region = next(r for r in spec.regions.aws.all() if r.region == api.region)
        network = networks[api.region]
        component_providers: dict[str, pulumi.ProviderResource] = {"aws": providers.for_aws(api.region)}
        standby = api.standby.region if api.standby and api.audience == "partner" and "aws" in api.clouds else None
        if apim is not None and "azure" in api.clouds:
            component_providers["azure-native"] = providers.for_azure(spec.regions.azure.location)
        gateways[api.name] = Gateway(f"api-{api.name}", GatewayArgs(
            spec=api, environment=spec.name, aws_account=spec.accounts.aws.account_id,
            documents=sources.documents[api.name], authorizer_code=sources.authorizer_code, protect=spec.production,
            masked_identifiers=tuple(spec.observability.masked_identifiers),
            network=PrivateNetwork(vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids,
                                   backend_cidrs=[str(region.cidr), *site_cidrs]),
            apim=apim.host if apim is not None and "azure" in api.clouds else None,
            execution_logging=logging[api.region].setting if api.region in logging else None,
            standby_provider=providers.for_aws(standby) if standby else None,
            standby_execution_logging=logging[standby].setting if standby in logging else None),
            pulumi.ResourceOptions(providers=component_providers))
    outputs: dict[str, object] = {
        "api_base_urls": {name: g.base_urls for name, g in gateways.items()},
        "api_lifecycle": {name: g.lifecycle for name, g in gateways.items()},
    }
    if apim is not None:
        outputs["apim_gateway_url"] = apim.gateway_url
    outputs["api_regional_hostnames"] = {name: {r: e.hostname for r, e in g.regions.items()}
                                         for name, g in gateways.items() if g.regions}
    return BuiltGateways(outputs, gateways, apim.gateway_hostname if apim is not None else None)
