"""Internal APIs as API Gateway HTTP APIs: cheaper and faster, with the native JWT authorizer on every route.

HTTP APIs have no usage plans, WAF or X-Ray; internal callers are integration services, not partners, so
the JWT authorizer, stage throttling and access logs are the controls here (practice 2.4, 2.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
from pulumi_aws import apigatewayv2, ec2

from ..naming import physical_name
from ..log_group import protected_log_group
from ..spec.gateway import ApiSpec
from .aws_rest import lifecycle_of
from .documents import access_log_format, route_keys


@dataclass(frozen=True)
class PrivateNetwork:
    """Where the VPC link's network interfaces live, and which networks private backends sit in."""

    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    backend_cidrs: list[str]


@dataclass(frozen=True)
class HttpContext:
    environment: str
    stage: str
    documents: dict[str, dict[str, Any]]
    network: Optional[PrivateNetwork]
    protect: bool
    masked_identifiers: tuple[str, ...]


def build_http(parent: pulumi.Resource, name: str, api: ApiSpec, ctx: HttpContext) -> dict[str, pulumi.Output[str]]:
    """Create the internal API's resources under `parent`; returns each version's stage invoke URL."""
    opts = pulumi.ResourceOptions(parent=parent)
    domain = apigatewayv2.DomainName(
        f"{name}-domain", domain_name=api.domain.name,
        domain_name_configuration=apigatewayv2.DomainNameDomainNameConfigurationArgs(
            certificate_arn=api.domain.certificate_arn, endpoint_type="REGIONAL", security_policy="TLS_1_2"),
        mutual_tls_authentication=apigatewayv2.DomainNameMutualTlsAuthenticationArgs(
            truststore_uri=api.domain.mtls_truststore_uri) if api.domain.mtls_truststore_uri else None,
        opts=pulumi.ResourceOptions(parent=parent, protect=ctx.protect))
    vpc_link = None
    if any(v.backend.private for v in api.versions):
        if ctx.network is None:
            raise ValueError(f"API {api.name}: private backends need the region's network")
        group = ec2.SecurityGroup(
            f"{name}-vpc-link-sg", vpc_id=ctx.network.vpc_id,
            description=f"{api.name} VPC link: TLS to private backends only",
            egress=[ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                                cidr_blocks=sorted(ctx.network.backend_cidrs),
                                                description="TLS to backends in the VPC and on-prem sites")],
            opts=opts)
        vpc_link = apigatewayv2.VpcLink(f"{name}-vpc-link", name=physical_name(ctx.environment, api.name),
                                        subnet_ids=ctx.network.subnet_ids, security_group_ids=[group.id], opts=opts)

    urls = {}
    for version in api.versions:
        label = f"{name}-{version.version}"
        http_api = apigatewayv2.Api(label, name=physical_name(ctx.environment, api.name, version.version),
                                    protocol_type="HTTP", disable_execute_api_endpoint=True, opts=opts)
        authorizer = apigatewayv2.Authorizer(
            f"{label}-jwt", api_id=http_api.id, authorizer_type="JWT", name="jwt",
            identity_sources=["$request.header.Authorization"],
            jwt_configuration=apigatewayv2.AuthorizerJwtConfigurationArgs(issuer=api.auth.issuer,
                                                                          audiences=[api.auth.audience]),
            opts=opts)
        lifecycle = lifecycle_of(api, version.version)
        backend = version.backend
        for route_key, operation_id, codes in route_keys(ctx.documents[version.version]):
            method, path = route_key.split(" ", 1)
            extra: dict[str, Any] = {}
            if backend.private:
                # Through the VPC link to the internal load balancer's listener, re-addressed to the backend path.
                base = "/" + backend.url.split("://", 1)[1].partition("/")[2].strip("/")
                extra = dict(connection_type="VPC_LINK", connection_id=vpc_link.id,
                             integration_uri=backend.vpc_link_target_arn,
                             request_parameters={"overwrite:path": (base.rstrip("/") + path) if base != "/" else path},
                             tls_config=apigatewayv2.IntegrationTlsConfigArgs(
                                 server_name_to_verify=backend.url.split("://", 1)[1].split("/")[0]))
            else:
                extra = dict(integration_uri=backend.url.rstrip("/") + path)
            if lifecycle:
                extra["response_parameters"] = [
                    apigatewayv2.IntegrationResponseParameterArgs(
                        status_code=code, mappings={f"overwrite:header.{k}": v for k, v in lifecycle.headers().items()})
                    for code in codes]
            integration = apigatewayv2.Integration(
                f"{label}-{operation_id}-integration", api_id=http_api.id, integration_type="HTTP_PROXY",
                integration_method=method, payload_format_version="1.0", timeout_milliseconds=29000, **extra,
                opts=opts)
            apigatewayv2.Route(f"{label}-{operation_id}", api_id=http_api.id, route_key=route_key,
                               operation_name=operation_id, authorization_type="JWT", authorizer_id=authorizer.id,
                               target=integration.id.apply(lambda i: f"integrations/{i}"), opts=opts)
        access_logs = protected_log_group(
            f"{label}-access-logs", f"/aws/apigateway/{physical_name(ctx.environment, api.name, version.version)}",
            api.log_retention_days, ctx.masked_identifiers, opts)
        stage = apigatewayv2.Stage(
            f"{label}-stage", api_id=http_api.id, name=ctx.stage, auto_deploy=True,
            stage_variables={"environment": ctx.environment},
            default_route_settings=apigatewayv2.StageDefaultRouteSettingsArgs(
                throttling_rate_limit=api.throttle.rate_limit, throttling_burst_limit=api.throttle.burst_limit,
                detailed_metrics_enabled=True),
            # HTTP API access logs cannot read request headers: the request id is the correlation id here.
            access_log_settings=apigatewayv2.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn,
                format=access_log_format("$context.authorizer.claims.sub", "$context.requestId")),
            opts=opts)
        apigatewayv2.ApiMapping(f"{label}-mapping", api_id=http_api.id, domain_name=domain.domain_name,
                                stage=stage.name, api_mapping_key=version.version, opts=opts)
        urls[version.version] = stage.invoke_url
    return urls
