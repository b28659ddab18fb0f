"""Critical entities' changes into the object-locked audit bucket (practice 5.3), as pure functions.

One S3 sink connector per critical entity of a source reads only that entity's change topics and writes them,
as gzipped JSON lines, under `cdc/<source>/<entity>/` of the audit bucket. The bucket's default retention
(COMPLIANCE, in production) locks each object as it is written: the sink sets no retention itself.

The sink is Confluent's S3 sink connector (kafka-connect-s3, io.confluent.connect.s3.S3SinkConnector). It
always uploads with multipart uploads, and S3 refuses an UploadPart or PutObject into an Object Lock bucket that
carries neither Content-MD5 nor an x-amz-checksum-* header (InvalidRequest "Content-MD5 OR x-amz-checksum- HTTP
header is required for Put Part requests with Object Lock parameters"); `s3.send.digest=true`
(confluentinc/kafka-connect-storage-cloud#757) makes it send each part's MD5.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html (Content-MD5 with Object Lock)
https://docs.confluent.io/kafka-connectors/s3-sink/current/configuration_options.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi

from ..spec.cdc import CdcSource, audit_prefix
from .documents import child_arn
from .settings import MSK_CONNECT_INTERNAL

@dataclass(frozen=True)
class AuditStore:
    """The audit trail's bucket and key: Outputs of the audit component's resources."""

    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]
    """The bucket's default encryption key."""
    region: str
    """The bucket's region."""
    provider: pulumi.ProviderResource
    """An AWS provider (IAM roles of sinks that do not run in AWS)."""


SINK_CLASS = "io.confluent.connect.s3.S3SinkConnector"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"


def sink_group(connector: str) -> str:
    """The consumer group Kafka Connect gives a sink connector: connect-<connector name>."""
    return f"connect-{connector}"


def sink_settings(source: CdcSource, entity: str, topics: list[str], bucket: str, region: str,
                  key_arn: str) -> dict[str, str]:
    """The S3 sink's configuration: the entity's topics only, into its prefix, encrypted with the audit key.
    A failing record stops the task (errors.tolerance none) rather than leaving a gap in the audit record;
    Debezium's delete tombstones (null values) carry nothing the delete event before them does not."""
    assert source.audit_sink is not None
    sink = source.audit_sink
    return {
        "connector.class": SINK_CLASS, "tasks.max": "1", "topics": ",".join(topics),
        "s3.bucket.name": bucket, "s3.region": region, "topics.dir": audit_prefix(source, entity),
        "storage.class": "io.confluent.connect.s3.storage.S3Storage",
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "partitioner.class": "io.confluent.connect.storage.partitioner.DefaultPartitioner",
        "flush.size": str(sink.flush_records), "rotate.schedule.interval.ms": str(sink.rotate_seconds * 1000),
        "timezone": "UTC", "s3.compression.type": "gzip",
        "s3.ssea.name": "aws:kms", "s3.sse.kms.key.id": key_arn,
        # Object Lock: every part carries its Content-MD5 (see the module docstring).
        "s3.send.digest": "true",
        "behavior.on.null.values": "ignore", "errors.tolerance": "none",
        "key.converter": JSON_CONVERTER, "key.converter.schemas.enable": "false",
        "value.converter": JSON_CONVERTER, "value.converter.schemas.enable": "false",
    }


def audit_write_statements(source: CdcSource, entities: list[str], bucket_arn: str, key_arn: str,
                           bucket_region: str) -> list[dict]:
    """Write objects under the entities' prefixes only (multipart uploads included; aborting an unfinished upload
    deletes nothing), with the audit key through S3 only. S3 needs kms:Decrypt besides kms:GenerateDataKey for a
    multipart upload under SSE-KMS; kms:Encrypt is not used by S3.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions"""
    return [
        {"Sid": "WriteAuditObjects", "Effect": "Allow", "Action": ["s3:AbortMultipartUpload", "s3:PutObject"],
         "Resource": [f"{bucket_arn}/{audit_prefix(source, entity)}/*" for entity in sorted(entities)]},
        {"Sid": "EncryptWithAuditKeyViaS3", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": [key_arn], "Condition": {"StringEquals": {"kms:ViaService": f"s3.{bucket_region}.amazonaws.com"}}},
    ]


def msk_sink_policy(source: CdcSource, entity: str, cluster_arn: str, topic_arns: list[str], connector: str,
                    bucket_arn: str, key_arn: str, bucket_region: str) -> str:
    """The MSK Connect sink's execution role: read the entity's topics (nothing else of the source), commit its
    own group's offsets, MSK Connect's internal topics and groups, and the audit writes."""
    group = lambda name: child_arn(cluster_arn, "group", name)  # noqa: E731
    statements = [
        {"Sid": "ConnectToCluster", "Effect": "Allow", "Action": ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
         "Resource": [cluster_arn]},
        {"Sid": "ReadEntityTopics", "Effect": "Allow", "Action": ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
         "Resource": sorted(topic_arns)},
        # A consumer group exists only once used, so it is named by pattern: the sink's own group (and any
        # name continuing it, which only this connector's name produces) and MSK Connect's internal groups.
        {"Sid": "SinkGroup", "Effect": "Allow", "Action": ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
         "Resource": [group(f"{sink_group(connector)}*"), group(f"{MSK_CONNECT_INTERNAL}*")]},
        {"Sid": "InternalTopics", "Effect": "Allow",
         "Action": ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData",
                    "kafka-cluster:WriteData"], "Resource": [child_arn(cluster_arn, "topic", f"{MSK_CONNECT_INTERNAL}*")]},
        *audit_write_statements(source, [entity], bucket_arn, key_arn, bucket_region),
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def web_identity_sink_policy(source: CdcSource, entities: list[str], bucket_arn: str, key_arn: str,
                             bucket_region: str) -> str:
    """The Strimzi Connect cluster's web-identity role: the audit writes of its sinks, nothing else (its Kafka
    rights are the KafkaUser's ACLs)."""
    return json.dumps({"Version": "2012-10-17",
                       "Statement": audit_write_statements(source, entities, bucket_arn, key_arn, bucket_region)},
                      sort_keys=True)
