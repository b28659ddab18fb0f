"""Escalation (practice 7.6): per region, one KMS-encrypted SNS topic per severity, named by
components/alerting.py so every capability's alarms already point at it, subscribed to the on-call
targets; on Azure, one action group per severity. Critical pages, warning notifies."""

from __future__ import annotations

import pulumi
from pulumi_aws import kms, sns
from pulumi_azure_native import monitor

from ..alerting import SEVERITIES, alert_topic_name
from ..naming import region_code
from ..spec.observability import ObservabilitySpec, OncallTarget
from .documents import alert_key_policy, alert_topic_policy
from .endpoints import endpoint

SNS_PROTOCOL = {"pagerduty": "https", "opsgenie": "https", "chat": "https", "email": "email"}


def build_region_topics(parent: pulumi.Resource, name: str, spec: ObservabilitySpec, environment: str, account: str,
                        region: str, provider: pulumi.ProviderResource, secrets: dict[str, pulumi.Output[str]],
                        protect: bool, key_deletion_days: int) -> tuple[dict[str, pulumi.Output[str]], pulumi.Output[str]]:
    """Create one region's alert topics; returns severity -> topic ARN (the topic's own output), and the ARN of
    the key they are encrypted with (publishers other than CloudWatch need it)."""
    prefix = f"{name}-{region_code(region)}"
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    stateful = pulumi.ResourceOptions(parent=parent, provider=provider, protect=protect)
    key = kms.Key(f"{prefix}-alerts-key", description=f"{environment} alert topics ({region})",
                  enable_key_rotation=True, deletion_window_in_days=key_deletion_days,
                  policy=alert_key_policy(account), opts=stateful)
    kms.Alias(f"{prefix}-alerts-key-alias", name=f"alias/{environment}-alerts", target_key_id=key.key_id, opts=opts)
    arns = {}
    for severity in SEVERITIES:
        topic = sns.Topic(f"{prefix}-alerts-{severity}", name=alert_topic_name(environment, severity),
                          kms_master_key_id=key.arn, tags={"severity": severity}, opts=stateful)
        sns.TopicPolicy(f"{prefix}-alerts-{severity}-policy", arn=topic.arn,
                        policy=topic.arn.apply(lambda arn: alert_topic_policy(arn, account, region)), opts=opts)
        for target in spec.targets_for(severity):
            sns.TopicSubscription(
                f"{prefix}-alerts-{severity}-to-{target.name}", topic=topic.arn, protocol=SNS_PROTOCOL[target.kind],
                endpoint=endpoint(secrets, target.endpoint),
                # PagerDuty and Opsgenie confirm SNS subscriptions themselves; mail and chat confirm by hand.
                endpoint_auto_confirms=target.pages, opts=opts)
        arns[severity] = topic.arn
    return arns, key.arn


def _receivers(targets: list[OncallTarget], secrets: dict[str, pulumi.Output[str]]) -> dict[str, list]:
    email, webhook = [], []
    for target in targets:
        if target.kind == "email":
            email.append(monitor.MicrosoftCommonEmailReceiverArgs(name=target.name, email_address=endpoint(secrets, target.endpoint),
                                                   use_common_alert_schema=True))
        else:
            webhook.append(monitor.WebhookReceiverArgs(name=target.name, service_uri=endpoint(secrets, target.endpoint),
                                                       use_common_alert_schema=True))
    return {"email_receivers": email, "webhook_receivers": webhook}


def build_action_groups(parent: pulumi.Resource, name: str, spec: ObservabilitySpec, environment: str,
                        resource_group: pulumi.Input[str], provider: pulumi.ProviderResource,
                        secrets: dict[str, pulumi.Output[str]], tags: dict[str, str]) -> dict[str, monitor.ActionGroup]:
    """Azure's equivalent of the alert topics: one action group per severity; returns severity -> group.

    The `paging-receivers` tag names the receivers that page (PagerDuty, Opsgenie), which a webhook alone
    does not reveal; the paging policy reads it."""
    groups = {}
    for severity in SEVERITIES:
        targets = spec.targets_for(severity)
        paging = ",".join(t.name for t in targets if t.pages) or "none"
        groups[severity] = monitor.ActionGroup(
            f"{name}-azure-{severity}", action_group_name=alert_topic_name(environment, severity),
            resource_group_name=resource_group, location="Global", enabled=True,
            group_short_name=f"{environment[:6]}-{severity[:4]}",
            tags={**tags, "severity": severity, "paging-receivers": paging},
            **_receivers(targets, secrets),
            opts=pulumi.ResourceOptions(parent=parent, provider=provider))
    return groups
