"""IAM documents for a node's service identity (IRSA): who may assume it, and exactly what it may do.

Practice 5.4 (least privilege): the workload role trusts one service account subject on one cluster's
OIDC provider and grants only the queue and topic actions the node needs on only its own ARNs; the
scaler role (assumed by KEDA's operator) may only read those queues' attributes.
"""

from __future__ import annotations

import json
from typing import Iterable, Mapping

# Receiving from an SSE-KMS queue needs Decrypt on its key; GetQueueAttributes lets the worker report depth.
CONSUME_ACTIONS = ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                   "sqs:GetQueueUrl", "sqs:ReceiveMessage")
PUBLISH_ACTIONS = ("sns:Publish",)
SCALER_ACTIONS = ("sqs:GetQueueAttributes",)
# Recording and checking processed idempotency keys (conditional puts, reads, expiry by TTL, no scans).
DEDUP_ACTIONS = ("dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
                 "dynamodb:UpdateItem")
KEDA_NAMESPACE = "keda"
KEDA_SERVICE_ACCOUNT = "keda-operator"
KEDA_SUBJECT = f"system:serviceaccount:{KEDA_NAMESPACE}:{KEDA_SERVICE_ACCOUNT}"


def _kms_statement(sid: str, actions: Iterable[str], keys_by_service: Mapping[str, list[str]]) -> list[dict]:
    # Keys are usable only through the broker service of their region, never directly.
    return [{"Sid": f"{sid}{index}", "Effect": "Allow", "Action": sorted(actions), "Resource": sorted(keys),
             "Condition": {"StringEquals": {"kms:ViaService": service}}}
            for index, (service, keys) in enumerate(sorted(keys_by_service.items()))]


def access_policy(queue_arns: Iterable[str], topic_arns: Iterable[str],
                  queue_keys: Mapping[str, list[str]], topic_keys: Mapping[str, list[str]],
                  table_arns: Iterable[str] = (), table_keys: Mapping[str, list[str]] | None = None) -> str:
    """`*_keys` map a KMS via-service (sqs.<region>.amazonaws.com) to the key ARNs behind those queues/topics."""
    statements: list[dict] = [{"Sid": "ConsumeOwnQueues", "Effect": "Allow", "Action": list(CONSUME_ACTIONS),
                               "Resource": sorted(set(queue_arns))}]
    statements += _kms_statement("DecryptOwnQueues", ["kms:Decrypt"], queue_keys)
    topics = sorted(set(topic_arns))
    if topics:
        statements.append({"Sid": "PublishOwnTopics", "Effect": "Allow", "Action": list(PUBLISH_ACTIONS),
                           "Resource": topics})
        statements += _kms_statement("EncryptOwnTopics", ["kms:Decrypt", "kms:GenerateDataKey"], topic_keys)
    tables = sorted(set(table_arns))
    if tables:
        statements.append({"Sid": "RecordIdempotencyKeys", "Effect": "Allow", "Action": list(DEDUP_ACTIONS),
                           "Resource": tables})
        statements += _kms_statement("EncryptIdempotencyKeys", ["kms:Decrypt", "kms:GenerateDataKey"],
                                     table_keys or {})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def scaler_policy(queue_arns: Iterable[str]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "ReadQueueDepth", "Effect": "Allow", "Action": list(SCALER_ACTIONS),
        "Resource": sorted(set(queue_arns))}]}, sort_keys=True)


def operator_trust_policy(operator_role_arn: str) -> str:
    """A scaler role trusts only KEDA's operator role, which assumes it (sts:AssumeRole) per TriggerAuthentication:
    the `aws` pod identity provider with `roleArn` (https://keda.sh/docs/2.16/authentication-providers/aws/)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": operator_role_arn}, "Action": "sts:AssumeRole"}]}, sort_keys=True)


def operator_policy(scaler_role_arns: Iterable[str]) -> str:
    """KEDA's operator may assume the scaler roles of its own cluster's nodes, and nothing else."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AssumeScalerRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
        "Resource": sorted(set(scaler_role_arns))}]}, sort_keys=True)
