"""The cloud-agnostic Broker: one spec entry in, the right backend's resources out (practice 8.3)."""

from __future__ import annotations

from typing import Optional

import pulumi

from . import sqs_sns
from .backend import BrokerArgs, KafkaFacts, LagMetric
from .kinds import kind_for

__all__ = ["Broker", "BrokerArgs"]


class Broker(pulumi.ComponentResource):
    """A broker with its primary copy and, for sqs-sns when the spec asks, a warm standby copy in another region."""

    regions: dict[str, sqs_sns.RegionalBroker]
    queue_urls: pulumi.Output[dict]
    queue_arns: pulumi.Output[dict]
    topic_arns: pulumi.Output[dict]
    endpoints: pulumi.Output[dict]
    namespace_id: Optional[pulumi.Output[str]]
    """Resource id of the Azure namespace (Service Bus, Event Hubs); None for other kinds."""
    metric_namespace: Optional[str]
    """Azure Monitor metric namespace of that namespace (what alerts scoped to it name); None for other kinds."""
    queue_names: dict[str, str]
    """Spec queue name -> its physical SQS queue name (sqs-sns; the same in every region): CloudWatch's
    QueueName dimension. Empty for other kinds."""
    lag_metrics: pulumi.Output[dict]
    """Consumer path -> [{signal, metric, namespace, statistic, threshold, dimensions}]: what to scale on."""
    kafka: Optional[KafkaFacts]
    """Kafka kinds (msk, strimzi-kafka): bootstrap servers, client auth, cluster name and ARN or namespace."""

    def __init__(self, name: str, args: BrokerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:messaging:Broker", name, None, opts)
        spec = args.spec
        result = kind_for(spec).build(self, name, args)
        self.regions = result.regions
        self.queue_urls = pulumi.Output.from_input({r: b.queue_urls for r, b in self.regions.items()})
        self.queue_arns = pulumi.Output.from_input({r: b.queue_arns for r, b in self.regions.items()})
        self.topic_arns = pulumi.Output.from_input({r: b.topic_arns for r, b in self.regions.items()})
        self.endpoints = pulumi.Output.from_input(result.endpoints)
        self.namespace_id = result.namespace_id
        self.metric_namespace = result.metric_namespace
        self.queue_names = result.queue_names
        self.kafka = result.kafka
        self.lag_metrics = pulumi.Output.from_input(metrics_by_path(result.lag_metrics))
        self.register_outputs({"queue_urls": self.queue_urls, "queue_arns": self.queue_arns,
                               "topic_arns": self.topic_arns, "endpoints": self.endpoints,
                               "lag_metrics": self.lag_metrics})


def metrics_by_path(metrics: list[LagMetric]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for metric in metrics:
        out.setdefault(metric.path, []).append(metric.as_output())
    return out
