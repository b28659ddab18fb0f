"""The AWS queue-and-topic backend: SQS queues with DLQs and SNS topics fanning out to them.

Practices: 1.3 (brokers over point-to-point), 3.3 (dead-letter queues), 1.6 (idempotency through FIFO
deduplication), 5.1 (TLS only, and encryption at rest with customer-managed keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

import pulumi
from pulumi_aws import kms, sns, sqs

from ..naming import physical_name, queue_physical_name, region_code, topic_physical_name
from ..spec.brokers import SqsSnsBroker
from ..spec.messaging import QueueSpec, TopicSpec
from .alarms import cloudwatch_alarms
from .backend import BackendResult, BrokerArgs, DedupTable, LagMetric
from .documents import broker_key_policy, queue_policy, topic_policy
from .idempotency import dynamodb_store
from .registry import glue_registry


@dataclass
class RegionalBroker:
    """What one region's copy of a broker exposes to other components."""

    region: str
    key_arn: pulumi.Output[str]
    # Outputs of the queues and topics themselves, so whatever names them depends on them.
    queue_urls: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    queue_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    dlq_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    topic_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    dedup_tables: dict[str, Any] = field(default_factory=dict)
    """Queue name -> its idempotency table (compute.node.DedupTable), for queues that ask for one."""
    lag_metrics: list[LagMetric] = field(default_factory=list)


def queue_name(environment: str, broker: str, queue: QueueSpec, dead_letter: bool = False) -> str:
    return queue_physical_name(environment, broker, queue.name, queue.fifo, dead_letter)


def topic_name(environment: str, broker: str, topic: TopicSpec) -> str:
    return topic_physical_name(environment, broker, topic.name, topic.fifo)


def topic_subscribers(spec: SqsSnsBroker, queue: str) -> list[str]:
    return [t.name for t in spec.topics if queue in t.subscribers]


def lag_metrics(spec: SqsSnsBroker, environment: str) -> list[LagMetric]:
    """Practice 3.6: the oldest message's age says a consumer is stuck; any DLQ depth says messages failed."""
    metrics = []
    for queue in spec.queues:
        metrics.append(LagMetric(f"queue:{queue.name}", "oldest-message-age", "ApproximateAgeOfOldestMessage",
                                 "AWS/SQS", "Maximum", spec.slo.max_message_age_seconds,
                                 {"QueueName": queue_name(environment, spec.name, queue)}))
        metrics.append(LagMetric(f"queue:{queue.name}", "dead-letters", "ApproximateNumberOfMessagesVisible",
                                 "AWS/SQS", "Maximum", spec.slo.max_dead_letters,
                                 {"QueueName": queue_name(environment, spec.name, queue, True)}, severity="warning"))
    return metrics


def build(parent: pulumi.Resource, logical: str, args: BrokerArgs) -> BackendResult:
    """The primary copy and, when the spec asks, a warm standby copy in another region."""
    spec = args.spec
    assert isinstance(spec, SqsSnsBroker)
    regions = spec.copy_regions()
    places = {region: args.places.aws_in(region, spec.name) for region in regions}
    copies = {region: build_copy(parent, logical, args, spec, region, place.provider) for region, place in places.items()}
    return BackendResult(regions=copies, lag_metrics=copies[regions[0]].lag_metrics,
                         queue_names={q.name: queue_name(args.estate.environment, spec.name, q) for q in spec.queues})


def build_copy(parent: pulumi.Resource, logical: str, args: BrokerArgs, spec: SqsSnsBroker, region: str,
               provider: pulumi.ProviderResource) -> RegionalBroker:
    """One region's copy with its alarms, deduplication stores and schema registry."""
    environment, protection = args.estate.environment, args.protection
    out = build_region(parent, logical, spec, environment, args.estate.aws_account, region, provider,
                       protection.protect, protection.key_deletion_days, args.publishers)
    prefix = f"{logical}-{region_code(region)}"
    out.lag_metrics = lag_metrics(spec, environment)
    cloudwatch_alarms(parent, args, provider, region, out.lag_metrics, prefix)
    for queue in spec.queues:
        if queue.idempotency is not None:
            table = dynamodb_store(parent, args, provider, queue.name, queue.idempotency, out.key_arn, prefix)
            out.dedup_tables[queue.name] = DedupTable(name=table.name, arn=table.arn)
    glue_registry(parent, args, provider, prefix)
    return out


def build_region(parent: pulumi.Resource, name: str, spec: SqsSnsBroker, environment: str, account: str,
                 region: str, provider: pulumi.ProviderResource, protect: bool,
                 key_deletion_days: int, publishers: Mapping[str, str] | None = None) -> RegionalBroker:
    """Create one region's copy of an SQS/SNS broker as children of `parent`; `publishers` names the one context
    that may publish to each entity change topic (BrokerArgs.publishers)."""
    prefix = f"{name}-{region_code(region)}"
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    stateful = pulumi.ResourceOptions(parent=parent, provider=provider, protect=protect)

    key = kms.Key(f"{prefix}-key", description=f"{environment} {spec.name} broker messages ({region})",
                  enable_key_rotation=True, deletion_window_in_days=key_deletion_days,
                  policy=broker_key_policy(account, region), opts=stateful)
    kms.Alias(f"{prefix}-key-alias", name=f"alias/{environment}-{spec.name}-broker", target_key_id=key.key_id,
              opts=opts)
    out = RegionalBroker(region=region, key_arn=key.arn)

    topic_names = {t.name: topic_name(environment, spec.name, t) for t in spec.topics}
    # Topics first: the queue policies admit them by their ARN outputs.
    for topic in spec.topics:
        fifo = dict(fifo_topic=True, content_based_deduplication=True) if topic.fifo else {}
        resource = sns.Topic(f"{prefix}-{topic.name}", name=topic_names[topic.name], kms_master_key_id=key.arn,
                             **fifo, opts=stateful)
        sns.TopicPolicy(f"{prefix}-{topic.name}-policy", arn=resource.arn,
                        policy=resource.arn.apply(lambda arn, owner=(publishers or {}).get(topic.name):
                                                  topic_policy(arn, account, owner)), opts=opts)
        out.topic_arns[topic.name] = resource.arn
    for queue in spec.queues:
        main_name, dlq_name = queue_name(environment, spec.name, queue), queue_name(environment, spec.name, queue, True)
        encryption = dict(kms_master_key_id=key.arn, kms_data_key_reuse_period_seconds=300)
        fifo = dict(fifo_queue=True, content_based_deduplication=queue.content_based_deduplication) if queue.fifo else {}
        dlq = sqs.Queue(
            f"{prefix}-{queue.name}-dlq", name=dlq_name, message_retention_seconds=queue.dlq_retention_seconds,
            tags={"role": "dead-letter", "source-queue": main_name}, **encryption, **fifo, opts=stateful)
        main = sqs.Queue(
            f"{prefix}-{queue.name}", name=main_name, visibility_timeout_seconds=queue.visibility_timeout_seconds,
            message_retention_seconds=queue.retention_seconds,
            redrive_policy=dlq.arn.apply(lambda arn, receives=queue.max_receive_count: json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": receives})),
            tags={"role": "work"}, **encryption, **fifo, opts=stateful)
        # Only this queue may dead-letter into the DLQ, so a misrouted redrive cannot hide messages there. A
        # separate resource, because the DLQ's own redrive_allow_policy would need the source queue's ARN
        # before the source queue (which needs the DLQ's ARN) exists; this one depends on both.
        # https://www.pulumi.com/registry/packages/aws/api-docs/sqs/redriveallowpolicy/
        sqs.RedriveAllowPolicy(
            f"{prefix}-{queue.name}-dlq-redrive-allow", queue_url=dlq.url,
            redrive_allow_policy=main.arn.apply(
                lambda arn: json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [arn]})), opts=opts)
        sources = [out.topic_arns[t] for t in topic_subscribers(spec, queue.name)]
        sqs.QueuePolicy(f"{prefix}-{queue.name}-policy", queue_url=main.url,
                        policy=pulumi.Output.all(main.arn, *sources).apply(
                            lambda arns: queue_policy(arns[0], account, list(arns[1:]))), opts=opts)
        sqs.QueuePolicy(f"{prefix}-{queue.name}-dlq-policy", queue_url=dlq.url,
                        policy=dlq.arn.apply(lambda arn: queue_policy(arn, account, [])), opts=opts)
        out.queue_urls[queue.name] = main.url
        out.queue_arns[queue.name] = main.arn
        out.dlq_arns[queue.name] = dlq.arn

    for topic in spec.topics:
        resource_arn = out.topic_arns[topic.name]
        for queue in topic.subscribers:
            sns.TopicSubscription(f"{prefix}-{topic.name}-to-{queue}", topic=resource_arn, protocol="sqs",
                                  endpoint=out.queue_arns[queue], raw_message_delivery=True, opts=opts)
    return out
