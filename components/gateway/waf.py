"""A regional WAF web ACL per partner API: a per-IP rate-based rule and AWS's common rule set."""

from __future__ import annotations

import pulumi
from pulumi_aws import wafv2

from ..naming import physical_name
from .documents import HEALTH_PATH


def _visibility(metric: str) -> wafv2.WebAclVisibilityConfigArgs:
    return wafv2.WebAclVisibilityConfigArgs(cloudwatch_metrics_enabled=True, metric_name=metric,
                                            sampled_requests_enabled=True)


def _matches(field: wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchArgs, constraint: str,
             text: str) -> wafv2.WebAclRuleStatementArgs:
    return wafv2.WebAclRuleStatementArgs(byte_match_statement=wafv2.WebAclRuleStatementByteMatchStatementArgs(
        field_to_match=field, positional_constraint=constraint, search_string=text,
        text_transformations=[wafv2.WebAclRuleStatementByteMatchStatementTextTransformationArgs(priority=0,
                                                                                                type="LOWERCASE")]))


def health_only_rule(hostname: str, metric: str) -> wafv2.WebAclRuleArgs:
    """The region's own name answers only .../health. Route 53 checkers present no client certificate, so that
    name carries no mTLS; without this rule it would be a way around the API domain's mTLS."""
    host = wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchArgs(
        single_header=wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchSingleHeaderArgs(name="host"))
    path = wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchArgs(
        uri_path=wafv2.WebAclRuleStatementByteMatchStatementFieldToMatchUriPathArgs())
    return wafv2.WebAclRuleArgs(
        name="regional-name-health-only", priority=0,
        action=wafv2.WebAclRuleActionArgs(block=wafv2.WebAclRuleActionBlockArgs()),
        statement=wafv2.WebAclRuleStatementArgs(and_statement=wafv2.WebAclRuleStatementAndStatementArgs(statements=[
            _matches(host, "EXACTLY", hostname),
            wafv2.WebAclRuleStatementArgs(not_statement=wafv2.WebAclRuleStatementNotStatementArgs(
                statement=_matches(path, "ENDS_WITH", HEALTH_PATH)))])),
        visibility_config=_visibility(metric))


def build_web_acl(parent: pulumi.Resource, prefix: str, environment: str, api: str, rate_limit: int,
                  regional_hostname: str) -> wafv2.WebAcl:
    name = physical_name(environment, api, limit=128)
    return wafv2.WebAcl(
        f"{prefix}-waf", name=name, scope="REGIONAL", description=f"{api} API ({environment})",
        default_action=wafv2.WebAclDefaultActionArgs(allow=wafv2.WebAclDefaultActionAllowArgs()),
        rules=[
            health_only_rule(regional_hostname, f"{name}-regional"),
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
