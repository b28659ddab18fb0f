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

from ..naming import physical_name
from ..observability.log_group import protected_log_group
from ..spec.gateway import ApiSpec
from .authorizer import build_authorizer
from .documents import Lifecycle, access_log_format, rest_body
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


def lifecycle_of(api: ApiSpec, version: str) -> Optional[Lifecycle]:
    spec = next(v for v in api.versions if v.version == version)
    if not spec.deprecation:
        return None
    successor = f"https://{api.domain.name}/{spec.deprecation.successor}" if spec.deprecation.successor else None
    return Lifecycle(spec.deprecation.announced, spec.deprecation.sunset, successor)


def resource_policy(allowed_callers: list[str]) -> str:
    """Who may call (practice 2.6): everyone authenticated, or only the listed partner networks."""
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]
    if allowed_callers:
        statements.append({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                           "Resource": "execute-api:/*",
                           "Condition": {"NotIpAddress": {"aws:SourceIp": sorted(allowed_callers)}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def build_rest(parent: pulumi.Resource, name: str, api: ApiSpec, ctx: RestContext) -> dict[str, pulumi.Output[str]]:
    """Create the partner API's resources under `parent`; returns each version's stage ARN."""
    opts = pulumi.ResourceOptions(parent=parent)
    stateful = pulumi.ResourceOptions(parent=parent, protect=ctx.protect)
    authorizer = build_authorizer(parent, name, ctx.environment, api.name, api.auth, ctx.authorizer_code,
                                  ctx.account, api.log_retention_days,
                                  ctx.masked_identifiers)
    web_acl = build_web_acl(parent, name, ctx.environment, api.name, api.waf_rate_limit)
    domain = apigateway.DomainName(
        f"{name}-domain", domain_name=api.domain.name, regional_certificate_arn=api.domain.certificate_arn,
        security_policy="TLS_1_2",
        endpoint_configuration=apigateway.DomainNameEndpointConfigurationArgs(types="REGIONAL"),
        mutual_tls_authentication=apigateway.DomainNameMutualTlsAuthenticationArgs(
            truststore_uri=api.domain.mtls_truststore_uri) if api.domain.mtls_truststore_uri else None,
        opts=stateful)
    vpc_links = {}
    for target in sorted({v.backend.vpc_link_target_arn for v in api.versions if v.backend.vpc_link_target_arn}):
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
            policy=resource_policy([str(c) for c in api.allowed_callers]), opts=opts)
        deployment = apigateway.Deployment(
            f"{label}-deployment", rest_api=rest_api.id,
            # A new deployment whenever the body changes; otherwise the stage keeps serving the old one.
            triggers={"body": body.apply(lambda text: hashlib.sha256(text.encode()).hexdigest())},
            opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False))
        access_logs = protected_log_group(
            f"{label}-access-logs", f"/aws/apigateway/{physical_name(ctx.environment, api.name, version.version)}",
            api.log_retention_days, ctx.masked_identifiers, opts)
        variables = {"backendUrl": version.backend.url.rstrip("/"), "environment": ctx.environment}
        if version.backend.vpc_link_target_arn:
            variables["vpcLinkId"] = vpc_links[version.backend.vpc_link_target_arn].id
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
        apigateway.BasePathMapping(f"{label}-mapping", domain_name=domain.domain_name, rest_api=rest_api.id,
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
    for client in api.clients:
        # The key value is generated by API Gateway and handed to the partner out of band, never in the spec.
        key = apigateway.ApiKey(f"{name}-key-{client.name}", name=physical_name(ctx.environment, api.name, client.name),
                                description=f"{client.name} ({client.tier} tier)", enabled=True, opts=stateful)
        apigateway.UsagePlanKey(f"{name}-key-{client.name}-plan", key_id=key.id, key_type="API_KEY",
                                usage_plan_id=plans[client.tier].id, opts=opts)
    return {v: s.arn for v, s in stages.items()}
