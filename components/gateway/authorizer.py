"""The Lambda JWT authorizer for REST APIs: function, its log group, and the role API Gateway invokes it with."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
from pulumi_aws import iam, lambda_

from ..naming import physical_name
from ..log_group import protected_log_group
from ..spec.gateway import JwtAuth

ASSUME = {"lambda": "lambda.amazonaws.com", "apigateway": "apigateway.amazonaws.com"}


def assume_role_policy(service: str, account: str) -> str:
    # The source-account condition stops another account's API from borrowing this role (confused deputy).
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": ASSUME[service]}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})


@dataclass
class Authorizer:
    invoke_arn: pulumi.Output[str]
    invoker_role_arn: pulumi.Output[str]


def build_authorizer(parent: pulumi.Resource, prefix: str, environment: str, api: str, auth: JwtAuth,
                     code: dict[str, str], account: str, retention_days: int,
                     masked_identifiers: tuple[str, ...], region_label: str = "") -> Authorizer:
    """`region_label` tells a standby region's copy apart in IAM role names, which are global to the account
    (the function and log group names are regional and stay the same in both regions)."""
    opts = pulumi.ResourceOptions(parent=parent)
    regional = (region_label,) if region_label else ()
    function_name = physical_name(environment, api, "jwt-authorizer", limit=64)
    log_group = protected_log_group(f"{prefix}-authorizer-logs", f"/aws/lambda/{function_name}", retention_days,
                                    masked_identifiers, opts)
    role = iam.Role(f"{prefix}-authorizer-role", name=physical_name(environment, api, *regional, "authorizer", limit=64),
                    assume_role_policy=assume_role_policy("lambda", account), opts=opts)
    # Least privilege (practice 5.4): write its own log group and traces, nothing else.
    iam.RolePolicy(f"{prefix}-authorizer-policy", role=role.id, policy=log_group.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{arn}:*"},
            {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"}]})),
        opts=opts)
    function = lambda_.Function(
        f"{prefix}-authorizer", name=function_name, role=role.arn, runtime="python3.12", handler="app.handler",
        architectures=["arm64"], timeout=5, memory_size=256,
        code=pulumi.AssetArchive({file: pulumi.StringAsset(text) for file, text in sorted(code.items())}),
        environment=lambda_.FunctionEnvironmentArgs(variables={
            "ISSUER": auth.issuer, "AUDIENCE": auth.audience, "JWKS_URL": auth.keys_url,
            "SCOPES_CLAIM": auth.scopes_claim}),
        tracing_config=lambda_.FunctionTracingConfigArgs(mode="Active"),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[log_group]))
    invoker = iam.Role(f"{prefix}-authorizer-invoker", name=physical_name(environment, api, *regional, "authorizer-invoker", limit=64),
                       assume_role_policy=assume_role_policy("apigateway", account), opts=opts)
    iam.RolePolicy(f"{prefix}-authorizer-invoke", role=invoker.id, policy=function.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn}]})),
        opts=opts)
    return Authorizer(invoke_arn=function.invoke_arn, invoker_role_arn=invoker.arn)
