"""IAM documents of the MSK Connect service execution role, as pure functions (practice 5.4, least privilege).

MSK IAM access control names topics and groups by ARNs derived from the cluster's own ARN:
arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid> -> .../topic/<name>/<uuid>/<topic> and
.../group/<name>/<uuid>/<group>. https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
"""

from __future__ import annotations

import json

from ..spec.cdc import CdcSource
from .settings import MSK_CONNECT_INTERNAL, schema_history_group


def child_arn(cluster_arn: str, kind: str, name: str) -> str:
    return cluster_arn.replace(":cluster/", f":{kind}/", 1) + f"/{name}"


def connect_trust_policy(account: str, region: str, connector: str) -> str:
    """Only MSK Connect may assume the role, and only for this account's connector of that name (the confused
    deputy guard the service documents). https://docs.aws.amazon.com/msk/latest/developerguide/msk-connect-service-execution-role.html"""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "kafkaconnect.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account},
                      "ArnLike": {"aws:SourceArn": f"arn:aws:kafkaconnect:{region}:{account}:connector/{connector}/*"}}}]},
        sort_keys=True)


def execution_policy(source: CdcSource, cluster_arn: str, secret_arn: str, key_arn: str, heartbeat_arn: str,
                     history_arn: str | None) -> str:
    """Connect to the one cluster, write the source's topics, keep MSK Connect's internal topics and groups and
    the schema history, read the one login secret (decrypting via Secrets Manager only). The heartbeat and
    history topics are the stack's own (their ARNs are their Outputs)."""
    topic = lambda name: child_arn(cluster_arn, "topic", name)  # noqa: E731
    group = lambda name: child_arn(cluster_arn, "group", name)  # noqa: E731
    written = [topic(f"{source.prefix}.*"), heartbeat_arn]
    read_write = [topic(f"{MSK_CONNECT_INTERNAL}*")]
    groups = [group(f"{MSK_CONNECT_INTERNAL}*")]
    if history_arn is not None:
        read_write.append(history_arn)
        groups.append(group(schema_history_group(source)))
    statements = [
        {"Sid": "ConnectToCluster", "Effect": "Allow", "Action": ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
         "Resource": [cluster_arn]},
        {"Sid": "WriteChangeTopics", "Effect": "Allow",
         "Action": ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
         "Resource": written},
        {"Sid": "InternalTopics", "Effect": "Allow",
         "Action": ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData",
                    "kafka-cluster:WriteData"], "Resource": read_write},
        {"Sid": "InternalGroups", "Effect": "Allow", "Action": ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
         "Resource": groups},
        {"Sid": "ReadLogin", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": [secret_arn]},
        {"Sid": "DecryptLoginViaSecretsManager", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": [key_arn],
         "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)
