"""Partner-facing APIs as API Gateway REST APIs: one REST API per version, built from its OpenAPI body.

REST (not HTTP) APIs because usage plans with API keys, request validators, WAF and X-Ray exist only there.
Each version is a base-path mapping (/v1, /v2) on one custom domain with the TLS 1.2 policy (practice 1.4, 5.1).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
from pulumi_aws import apigateway, wafv2

from ..naming import physical_name, region_code
from ..log_group import protected_log_group
from ..spec.gateway import ApiSpec
from .authorizer import build_authorizer
from .documents import Lifecycle, access_log_format, documented_resources, rest_body
from .waf import build_web_acl


@dataclass(frozen=True)
class RestContext:
    environment: str
    stage: str
    account: str
    region: str
    documents: dict[str, dict[str, Any]]
    authorizer_code: dict[str, str]
    protect: bool
    masked_identifiers: tuple[str, ...]
    execution_logging: Optional[pulumi.Resource] = None
    """The region's API Gateway account setting when the stack creates it (stages and method settings wait for it)."""
    standby: bool = False
    """This is the standby region's copy: its certificate and load balancers, region-labelled IAM role names."""
    key_values: Optional[dict[str, pulumi.Output[str]]] = None
    """The standby copy: each client's key value from the primary's ApiKey, so partners' keys keep working."""


@dataclass
class RestRegion:
    """What one region's copy of a REST API exposes: stages, keys, and the regional name DNS points at."""

    stage_arns: dict[str, pulumi.Output[str]]
    key_values: dict[str, pulumi.Output[str]]
    hostname: str
    """The regional custom domain (orders-euc1.api.example.com): health checks probe it."""
    regional_domain_name: pulumi.Output[str]
    """The regional custom domain's API Gateway target (d-xxxx.execute-api.<region>.amazonaws.com)."""
    regional_zone_id: pulumi.Output[str]
    """The hosted zone of that target, for a Route 53 alias."""


def lifecycle_of(api: ApiSpec, version: str) -> Optional[Lifecycle]:
    spec = next(v for v in api.versions if v.version == version)
    if not spec.deprecation:
        return None
    successor = f"https://{api.domain.name}/{spec.deprecation.successor}" if spec.deprecation.successor else None
    return Lifecycle(spec.deprecation.announced, spec.deprecation.sunset, successor)


def resource_policy(allowed_callers: list[str], documented: list[str]) -> str:
    """Who may call (practice 2.6): everyone authenticated, or only the listed partner networks. The Deny
    lists the documented operations (documented_resources), not execute-api:/*, so GET /health answers
    Route 53's and Traffic Manager's checkers, which call from the clouds' own addresses."""
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]
    if allowed_callers:
        statements.append({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                           "Resource": documented,
                           "Condition": {"NotIpAddress": {"aws:SourceIp": sorted(allowed_callers)}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _vpc_link_targets(api: ApiSpec, standby: bool) -> dict[str, str]:
    """Version -> the NLB its VPC link targets in this region (the standby region has its own)."""
    if standby and api.standby:
        return dict(api.standby.vpc_link_target_arns)
    return {v.version: v.backend.vpc_link_target_arn for v in api.versions if v.backend.vpc_link_target_arn}


def build_rest(parent: pulumi.Resource, name: str, api: ApiSpec, ctx: RestContext) -> RestRegion:
    """Create one region's copy of the partner API under `parent` (whose providers pick the region)."""
    opts = pulumi.ResourceOptions(parent=parent)
    stateful = pulumi.ResourceOptions(parent=parent, protect=ctx.protect)
    authorizer = build_authorizer(parent, name, ctx.environment, api.name, api.auth, ctx.authorizer_code,
                                  ctx.account, api.log_retention_days,
                                  ctx.masked_identifiers, region_label=region_code(ctx.region) if ctx.standby else "")
    hostname = api.regional_hostname(ctx.region)
    web_acl = build_web_acl(parent, name, ctx.environment, api.name, api.waf_rate_limit, hostname)
    certificate = api.certificate_of(ctx.region)
    mtls = apigateway.DomainNameMutualTlsAuthenticationArgs(
        truststore_uri=api.domain.mtls_truststore_uri) if api.domain.mtls_truststore_uri else None
    # The API's own name (what partners call, failed over by DNS) and the region's name (what health checks
    # probe and the failover record points at); one certificate in the region covers both. Route 53 health
    # checkers present no client certificate, so the regional name has no mTLS and the web ACL lets it
    # answer /health only (waf.health_only_rule).
    domains = [apigateway.DomainName(
        f"{name}-{suffix}", domain_name=domain_name, regional_certificate_arn=certificate, security_policy="TLS_1_2",
        endpoint_configuration=apigateway.DomainNameEndpointConfigurationArgs(types="REGIONAL"),
        mutual_tls_authentication=tls, opts=stateful)
        for suffix, domain_name, tls in (("domain", api.domain.name, mtls), ("regional-domain", hostname, None))]
    targets = _vpc_link_targets(api, ctx.standby)
    vpc_links = {}
    for target in sorted(set(targets.values())):
        label = hashlib.sha256(target.encode()).hexdigest()[:8]
        vpc_links[target] = apigateway.VpcLink(f"{name}-vpc-link-{label}", name=physical_name(ctx.environment, api.name, label),
                                               target_arn=target, opts=opts)

    # Stages and method settings log through the account's CloudWatch Logs role: they wait for the setting.
    logged = pulumi.ResourceOptions(parent=parent, depends_on=[ctx.execution_logging] if ctx.execution_logging else [])
    stages: dict[str, apigateway.Stage] = {}
    for version in api.versions:
        label = f"{name}-{version.version}"
        body = pulumi.Output.all(authorizer.invoke_arn, authorizer.invoker_role_arn).apply(
            lambda arns, v=version: json.dumps(rest_body(
                ctx.documents[v.version], title=physical_name(ctx.environment, api.name, v.version),
                authorizer_uri=arns[0], authorizer_role_arn=arns[1], private=v.backend.private,
                require_idempotency_key=api.require_idempotency_key, lifecycle=lifecycle_of(api, v.version),
                api_keys=bool(api.tiers)), sort_keys=True))
        rest_api = apigateway.RestApi(
            label, name=physical_name(ctx.environment, api.name, version.version), body=body,
            endpoint_configuration=apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            # Only the custom domain answers, so TLS 1.2, mTLS and the base-path versioning cannot be bypassed.
            disable_execute_api_endpoint=True, put_rest_api_mode="overwrite", fail_on_warnings=True,
            policy=resource_policy([str(c) for c in api.allowed_callers], documented_resources(ctx.documents[version.version])),
            opts=opts)
        deployment = apigateway.Deployment(
            f"{label}-deployment", rest_api=rest_api.id,
            # A new deployment whenever the body changes; otherwise the stage keeps serving the old one.
            triggers={"body": body.apply(lambda text: hashlib.sha256(text.encode()).hexdigest())},
            opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False))
        access_logs = protected_log_group(
            f"{label}-access-logs", f"/aws/apigateway/{physical_name(ctx.environment, api.name, version.version)}",
            api.log_retention_days, ctx.masked_identifiers, opts)
        variables = {"backendUrl": version.backend.url.rstrip("/"), "environment": ctx.environment}
        if version.version in targets:
            variables["vpcLinkId"] = vpc_links[targets[version.version]].id
        stage = apigateway.Stage(
            f"{label}-stage", rest_api=rest_api.id, deployment=deployment.id, stage_name=ctx.stage,
            variables=variables, xray_tracing_enabled=True,
            access_log_settings=apigateway.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn,
                format=access_log_format("$context.authorizer.principalId", "$context.authorizer.correlationId")),
            opts=logged)
        apigateway.MethodSettings(
            f"{label}-method-settings", rest_api=rest_api.id, stage_name=stage.stage_name, method_path="*/*",
            settings=apigateway.MethodSettingsSettingsArgs(
                throttling_rate_limit=api.throttle.rate_limit, throttling_burst_limit=api.throttle.burst_limit,
                metrics_enabled=True, logging_level="ERROR",
                # Request and response bodies never reach the execution log (practice 5.2, redaction).
                data_trace_enabled=False),
            opts=logged)
        for domain, suffix in zip(domains, ("mapping", "regional-mapping")):
            apigateway.BasePathMapping(f"{label}-{suffix}", domain_name=domain.domain_name, rest_api=rest_api.id,
                                       stage_name=stage.stage_name, base_path=version.version, opts=opts)
        wafv2.WebAclAssociation(f"{label}-waf", resource_arn=stage.arn, web_acl_arn=web_acl.arn, opts=opts)
        stages[version.version] = stage

    api_stages = [apigateway.UsagePlanApiStageArgs(api_id=s.rest_api, stage=s.stage_name) for s in stages.values()]
    plans = {}
    for tier in api.tiers:
        plans[tier.name] = apigateway.UsagePlan(
            f"{name}-plan-{tier.name}", name=physical_name(ctx.environment, api.name, tier.name),
            description=f"{tier.name} tier of {api.name}", api_stages=api_stages,
            throttle_settings=apigateway.UsagePlanThrottleSettingsArgs(rate_limit=tier.rate_limit,
                                                                       burst_limit=tier.burst_limit),
            quota_settings=apigateway.UsagePlanQuotaSettingsArgs(limit=tier.quota, period=tier.quota_period),
            opts=opts)
    key_values = {}
    for client in api.clients:
        # The key value is generated by API Gateway and handed to the partner out of band, never in the spec;
        # the standby copy takes the primary's value (a secret Output), so a partner's key works after failover.
        key = apigateway.ApiKey(f"{name}-key-{client.name}", name=physical_name(ctx.environment, api.name, client.name),
                                description=f"{client.name} ({client.tier} tier)", enabled=True,
                                value=ctx.key_values[client.name] if ctx.key_values else None, opts=stateful)
        apigateway.UsagePlanKey(f"{name}-key-{client.name}-plan", key_id=key.id, key_type="API_KEY",
                                usage_plan_id=plans[client.tier].id, opts=opts)
        key_values[client.name] = key.value
    regional = domains[1]
    return RestRegion(stage_arns={v: s.arn for v, s in stages.items()}, key_values=key_values, hostname=hostname,
                      regional_domain_name=regional.regional_domain_name, regional_zone_id=regional.regional_zone_id)
