"""The cloud-agnostic Broker: one spec entry in, the right backend's resources out."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..spec.messaging import BrokerSpec
from . import sqs_sns


@dataclass(frozen=True)
class BrokerArgs:
    spec: BrokerSpec
    """The broker's spec entry; `kind` picks the backend."""
    environment: str
    """Environment name, the prefix of every physical name."""
    aws_account: str
    """Account the AWS backends deploy into (ARNs are derived from it)."""
    aws_providers: dict[str, pulumi.ProviderResource]
    """Explicit AWS provider per region the broker may use."""
    protect: bool
    """Protect stateful children (queues, topics, keys) from deletion: true in production."""
    key_deletion_days: int = 30
    """KMS deletion window for the broker's keys."""


class Broker(pulumi.ComponentResource):
    """A broker with its primary copy and, when the spec asks, a warm standby copy in another region."""

    regions: dict[str, sqs_sns.RegionalBroker]
    queue_urls: pulumi.Output[dict]
    queue_arns: pulumi.Output[dict]
    topic_arns: pulumi.Output[dict]

    def __init__(self, name: str, args: BrokerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:messaging:Broker", name, None, opts)
        spec = args.spec
        regions = [spec.region] + ([spec.standby_region] if spec.standby_region else [])
        if spec.kind != "sqs-sns":  # the spec model admits only implemented kinds; this guards future drift
            raise ValueError(f"broker {spec.name}: unsupported kind {spec.kind!r}")
        self.regions = {
            region: sqs_sns.build_region(self, name, spec, args.environment, args.aws_account, region,
                                         args.aws_providers[region], args.protect, args.key_deletion_days)
            for region in regions
        }
        self.queue_urls = pulumi.Output.from_input({r: b.queue_urls for r, b in self.regions.items()})
        self.queue_arns = pulumi.Output.from_input({r: b.queue_arns for r, b in self.regions.items()})
        self.topic_arns = pulumi.Output.from_input({r: b.topic_arns for r, b in self.regions.items()})
        self.register_outputs({"queue_urls": self.queue_urls, "queue_arns": self.queue_arns,
                               "topic_arns": self.topic_arns})
