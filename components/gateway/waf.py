"""A regional WAF web ACL per partner API: a per-IP rate-based rule and AWS's common rule set."""

from __future__ import annotations

import pulumi
from pulumi_aws import wafv2

from ..naming import physical_name


def _visibility(metric: str) -> wafv2.WebAclVisibilityConfigArgs:
    return wafv2.WebAclVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric,
                                            sampled_requests_enabled=True)


def build_web_acl(parent: pulumi.Resource, prefix: str, environment: str, api: str, rate_limit: int) -> wafv2.WebAcl:
    name = physical_name(environment, api, limit=128)
    return wafv2.WebAcl(
        f"{prefix}-waf", name=name, scope="REGIONAL", description=f"{api} API ({environment})",
        default_action=wafv2.WebAclDefaultActionArgs(allow=wafv2.WebAclDefaultActionAllowArgs()),
        rules=[
            # Rate limiting before the gateway's own throttles: one noisy source cannot starve the others (2.2).
            wafv2.WebAclRuleArgs(
                name="rate-per-ip", priority=1,
                action=wafv2.WebAclRuleActionArgs(block=wafv2.WebAclRuleActionBlockArgs()),
                statement=wafv2.WebAclRuleStatementArgs(rate_based_statement=wafv2.WebAclRuleStatementRateBasedStatementArgs(
                    limit=rate_limit, aggregate_key_type="IP", evaluation_window_sec=300)),
                visibility_config=_visibility(f"{name}-rate")),
            wafv2.WebAclRuleArgs(
                name="aws-common", priority=2,
                override_action=wafv2.WebAclRuleOverrideActionArgs(none=wafv2.WebAclRuleOverrideActionNoneArgs()),
                statement=wafv2.WebAclRuleStatementArgs(managed_rule_group_statement=wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                    vendor_name="AWS", name="AWSManagedRulesCommonRuleSet")),
                visibility_config=_visibility(f"{name}-common")),
        ],
        visibility_config=_visibility(name),
        opts=pulumi.ResourceOptions(parent=parent))
