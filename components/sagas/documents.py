"""IAM and KMS documents of a saga's state machine (practice 5.4: each grant names exactly what it needs).

Step Functions assumes the saga's role to send the step messages, to use its customer-managed key and to
deliver its logs and traces; the processing nodes answering the task tokens get the callback actions.
https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html (SendMessage, and KMS on encrypted queues),
https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html (log delivery; no resource-level permissions),
https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html (the key, its encryption context).
"""

from __future__ import annotations

import json
from typing import Iterable, Mapping

# Vended log delivery to CloudWatch Logs: these actions support no resource-level permissions.
LOG_DELIVERY_ACTIONS = ("logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups",
                        "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries",
                        "logs:PutResourcePolicy", "logs:UpdateLogDelivery")
TRACE_ACTIONS = ("xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords",
                 "xray:PutTraceSegments")
# The callback pattern's answers. They support no resource-level permissions (the IAM console says "Selected
# actions only support the all resources wildcard"); the unguessable task token is the capability, and the
# key's encryption context below ties the caller to this state machine.
CALLBACK_ACTIONS = ("states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess")
STATE_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
STATES_CONTEXT = "kms:EncryptionContext:aws:states:stateMachineArn"


def state_machine_arn(region: str, account: str, name: str) -> str:
    """The ARN the state machine will have: its role and key must name it before it exists (the machine names
    the role, so the role cannot wait for the machine's output)."""
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def trust_policy(account: str, machine_arn: str) -> str:
    """Only Step Functions, acting for this account's state machine of this name, may assume the role
    (confused-deputy protection with aws:SourceAccount and aws:SourceArn)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": machine_arn}}}]},
        sort_keys=True)


def execution_policy(queue_arns: Iterable[str], queue_keys: Mapping[str, list[str]], saga_key_arn: str,
                     machine_arn: str) -> str:
    """`queue_keys` maps the KMS via-service (sqs.<region>.amazonaws.com) to the keys of the step queues."""
    statements: list[dict] = [
        {"Sid": "SendStepMessages", "Effect": "Allow", "Action": ["sqs:SendMessage"],
         "Resource": sorted(set(queue_arns))}]
    statements += [{"Sid": f"EncryptStepMessages{index}", "Effect": "Allow",
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": sorted(set(keys)),
                    "Condition": {"StringEquals": {"kms:ViaService": service}}}
                   for index, (service, keys) in enumerate(sorted(queue_keys.items()))]
    statements += [
        {"Sid": "UseOwnStateKey", "Effect": "Allow", "Action": list(STATE_KEY_ACTIONS), "Resource": [saga_key_arn],
         "Condition": {"StringEquals": {STATES_CONTEXT: machine_arn}}},
        {"Sid": "DeliverExecutionLogs", "Effect": "Allow", "Action": list(LOG_DELIVERY_ACTIONS), "Resource": "*"},
        {"Sid": "SendTraces", "Effect": "Allow", "Action": list(TRACE_ACTIONS), "Resource": "*"}]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def callback_policy(saga_key_arn: str, machine_arn: str) -> str:
    """What a node answering the saga's task tokens needs: the callbacks, and the state machine's key (its
    answers are encrypted with it; SendTaskSuccess reports KmsAccessDeniedException otherwise)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AnswerSagaTaskTokens", "Effect": "Allow", "Action": list(CALLBACK_ACTIONS), "Resource": "*"},
        {"Sid": "UseSagaStateKey", "Effect": "Allow", "Action": list(STATE_KEY_ACTIONS), "Resource": [saga_key_arn],
         "Condition": {"StringEquals": {STATES_CONTEXT: machine_arn}}}]}, sort_keys=True)


def key_policy(account: str, region: str, log_group_name: str) -> str:
    """The saga key: the account administers it (so the IAM grants above take effect), CloudWatch Logs encrypts
    the saga's own log group with it, and log delivery may decrypt what Step Functions hands it."""
    log_group_arn = f"arn:aws:logs:{region}:{account}:log-group:{log_group_name}"
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "SagaLogGroup", "Effect": "Allow", "Principal": {"Service": f"logs.{region}.amazonaws.com"},
         "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
         "Resource": "*", "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}}},
        {"Sid": "LogDelivery", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": ["kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": account}}},
    ]}, sort_keys=True)
