"""IAM and KMS documents of a reference table (practice 5.4: each grant names exactly the replicas it needs).

The entity's owner writes every replica (a node writes the replica of its own region; a standby writes its
region's after failover), its consumers only read, and a named resolver also reads the replicas' streams.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html (item actions),
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html (customer managed keys).
"""

from __future__ import annotations

import json
from typing import Iterable, Mapping

READ_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
                "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")
WRITE_ACTIONS = ("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
# A resolver follows every replica's changes (new and old images) to see which regional write was overwritten.
STREAM_ACTIONS = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
READ_KEY_ACTIONS = ("kms:Decrypt",)
WRITE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")

ACCESS_LEVELS = ("read", "write", "resolve")


def actions(level: str) -> tuple[str, ...]:
    """The item actions of an access level: read (consumers), write (the owner), resolve (the owner's resolver)."""
    if level not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {level!r}; expected one of {', '.join(ACCESS_LEVELS)}")
    return tuple(sorted(READ_ACTIONS + (() if level == "read" else WRITE_ACTIONS)))


def access_policy(level: str, table_arns: Iterable[str], stream_arns: Iterable[str],
                  keys_by_region: Mapping[str, str]) -> str:
    """`table_arns`: the table and its replicas; `keys_by_region`: each replica region's key ARN (used only
    through DynamoDB in that region, never directly)."""
    statements: list[dict] = [{"Sid": "WriteReferenceItems" if level != "read" else "ReadReferenceItems",
                               "Effect": "Allow", "Action": list(actions(level)), "Resource": sorted(set(table_arns))}]
    if level == "resolve":
        statements.append({"Sid": "FollowReplicaStreams", "Effect": "Allow", "Action": list(STREAM_ACTIONS),
                           "Resource": sorted(set(stream_arns))})
    key_actions = READ_KEY_ACTIONS if level == "read" else WRITE_KEY_ACTIONS
    statements += [{"Sid": f"UseReplicaKey{index}", "Effect": "Allow", "Action": list(key_actions),
                    "Resource": [key], "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}}}
                   for index, (region, key) in enumerate(sorted(keys_by_region.items()))]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def key_policy(account: str) -> str:
    """A replica key: the account administers it, so the IAM grants above (and DynamoDB's replication
    service-linked role, an IAM role of the account) take effect; no principal outside the account."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"}]}, sort_keys=True)
