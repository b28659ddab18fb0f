"""Policy documents and event selectors for the audit trail, as pure functions."""

from __future__ import annotations

import json

# Secrets Manager reads (GetSecretValue) are CloudTrail management events; message traffic on the
# brokers is data events and is only recorded when selected.
DATA_EVENT_TYPES = ("AWS::SQS::Queue", "AWS::SNS::Topic")


def event_selectors() -> list[dict]:
    selectors = [{"name": "all management events (includes Secrets Manager access)",
                  "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    for resource_type in DATA_EVENT_TYPES:
        selectors.append({"name": f"data events on {resource_type}",
                          "field_selectors": [{"field": "eventCategory", "equals": ["Data"]},
                                              {"field": "resources.type", "equals": [resource_type]}]})
    return selectors


def trail_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def bucket_policy(bucket: str, account: str, trail: str) -> str:
    """CloudTrail may write (for this trail only); nobody reaches the bucket without TLS."""
    arn = f"arn:aws:s3:::{bucket}"
    source = {"StringEquals": {"aws:SourceArn": trail}}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": arn, "Condition": source},
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{arn}/AWSLogs/{account}/*",
         "Condition": {**source, "StringEquals": {"aws:SourceArn": trail, "s3:x-amz-acl": "bucket-owner-full-control"}}},
    ]}, sort_keys=True)


def trail_key_policy(account: str, trail: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": trail},
                       "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"}}},
        {"Sid": "AuditorsDecrypt", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}},
    ]}, sort_keys=True)
