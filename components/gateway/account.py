"""The API Gateway account setting of one region: the IAM role REST stages write execution logs with.

API Gateway keeps one CloudWatch Logs role per account and region; until it is set, a stage with execution
logging or access logs fails ("CloudWatch Logs role ARN must be set in account settings to enable logging").
Because the setting is account-wide, the stack creates it only when the spec says it owns it
(`gateways.execution_logging_role: created`); otherwise it is a declared prerequisite and nothing is built here.
"""

from __future__ import annotations

import json

import pulumi
from pulumi_aws import apigateway, iam

from ..naming import physical_name, region_code

# AWS's managed policy for exactly this role (create and write the API-Gateway-Execution-Logs_* groups).
# https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
PUSH_TO_CLOUDWATCH_LOGS = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"


def trust_policy() -> str:
    """API Gateway itself assumes the role, as the set-up-logging page above shows (no source condition: the
    service does not document sending aws:SourceAccount for this role)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        sort_keys=True)


class ExecutionLogging(pulumi.ComponentResource):
    """The role and the `aws:apigateway/account` setting naming it, in the region of the provider passed in.

    https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/account/ (one per account and region;
    destroying it leaves the setting in place)."""

    role_arn: pulumi.Output[str]
    setting: apigateway.Account

    def __init__(self, name: str, environment: str, region: str,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:gateway:ExecutionLogging", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = iam.Role(f"{name}-role", name=physical_name(environment, "apigw-logs", region_code(region), limit=64),
                        description=f"API Gateway CloudWatch Logs role of {region} (account setting)",
                        assume_role_policy=trust_policy(), max_session_duration=3600, opts=child)
        attachment = iam.RolePolicyAttachment(f"{name}-push-logs", role=role.name,
                                              policy_arn=PUSH_TO_CLOUDWATCH_LOGS, opts=child)
        # The setting is validated when written: the role must already carry its permissions.
        self.setting = apigateway.Account(f"{name}-account", cloudwatch_role_arn=role.arn,
                                          opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]))
        self.role_arn = role.arn
        self.register_outputs({"role_arn": self.role_arn})
