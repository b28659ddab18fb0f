"""Policy documents for the alert topics and their key, as pure functions returning JSON strings."""

from __future__ import annotations

import json


def alert_key_policy(account: str) -> str:
    """CloudWatch must encrypt what it publishes to the KMS-encrypted alert topics, scoped to this account."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
    ]}, sort_keys=True)


def alert_topic_policy(topic_arn: str, account: str, region: str) -> str:
    """Only this account's alarms (and principals) publish; nothing arrives without TLS."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
         "Resource": topic_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "CloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn,
         "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account}:alarm:*"}}},
        {"Sid": "AccountPublishers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": ["sns:Publish", "sns:GetTopicAttributes"], "Resource": topic_arn},
    ]}, sort_keys=True)


def appconfig_trust_policy(account: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "appconfig.amazonaws.com"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]}, sort_keys=True)


def appconfig_monitor_policy(account: str, environment: str) -> str:
    """AppConfig only needs to read the state of this environment's alarms to roll back."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
         "Resource": f"arn:aws:cloudwatch:*:{account}:alarm:{environment}-*"}]}, sort_keys=True)
