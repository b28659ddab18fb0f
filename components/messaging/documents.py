"""IAM policy documents for queues, topics and broker keys, as pure functions returning JSON strings."""

from __future__ import annotations

import json
from typing import Optional

from ..ownership import publisher_fence


def _deny_insecure_transport(action: str, resource: str) -> dict:
    """Practice 5.1 (TLS everywhere): refuse any request that did not arrive over TLS."""
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": action,
            "Resource": resource, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def queue_policy(queue_arn: str, account: str, topic_arns: list[str]) -> str:
    statements = [_deny_insecure_transport("sqs:*", queue_arn)]
    if topic_arns:
        statements.append({
            "Sid": "AllowSubscribedTopics", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": sorted(topic_arns)},
                          "StringEquals": {"aws:SourceAccount": account}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def topic_policy(topic_arn: str, account: str, owner: Optional[str] = None) -> str:
    """The account's IAM policies decide who publishes and subscribes; an entity's change topic (`owner` set)
    also refuses Publish to every principal not tagged with the owning context (practice 4.5)."""
    statements = [
        _deny_insecure_transport("sns:Publish", topic_arn),
        {"Sid": "AccountPublishers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": ["sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes"], "Resource": topic_arn},
    ]
    if owner is not None:
        statements.append(publisher_fence(topic_arn, owner))
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def broker_key_policy(account: str, region: str) -> str:
    """Key policy for a broker's customer-managed key: the account administers it, SNS may encrypt
    messages it delivers to encrypted queues, and nothing else is granted here (IAM grants the rest)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "SnsDeliveryToEncryptedQueues", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
        {"Sid": "SqsViaService", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"sqs.{region}.amazonaws.com"}}},
    ]}, sort_keys=True)


def kafka_key_policy(account: str, region: str) -> str:
    """Key policy for an MSK cluster's key: MSK encrypts data at rest through the account's grants, and
    CloudWatch Logs may use it for this environment's broker log groups only (it needs an explicit grant)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "MskViaService", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": f"kafka.{region}.amazonaws.com"}}},
        {"Sid": "BrokerLogGroups", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
         "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:/hybrid/*"}}},
    ]}, sort_keys=True)
