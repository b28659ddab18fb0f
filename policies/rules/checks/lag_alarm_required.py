"""Every consumer path (queue, subscription, Kafka topic or cluster, event hub, CDC connector) has a lag or backlog alarm that
notifies someone. Shapes shared with sibling rules: policies/rules/messaging_alarms.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import Resource, Rule, RuleContext
from ..messaging_transport import get
from ..messaging_alarms import (AZ_ALERT, CW_ALARM, EVENT_HUB, KAFKA_CONNECTOR, KAFKA_TOPIC, MSK, MSK_CONNECTOR, PATHS,
                               PROM_RULE, SB_QUEUE, SB_SUBSCRIPTION, SQS, _is_dead_letter, _watched)


def check(resources: list[Resource], ctx: RuleContext) -> Iterable[tuple[str, str]]:
    cloudwatch, azure, exprs = _watched(resources)
    for r in resources:
        if r.type not in PATHS or _is_dead_letter(r):
            continue
        props = r.props
        if r.type == SQS:
            ok = ("QueueName", str(props.get("name"))) in cloudwatch
        elif r.type == MSK:
            ok = ("Cluster Name", str(props.get("clusterName"))) in cloudwatch
        elif r.type == SB_QUEUE:
            ok = str(props.get("queueName")) in azure
        elif r.type == SB_SUBSCRIPTION:
            # a forwarding subscription's messages are watched on the queue it forwards to
            ok = (str(props.get("forwardTo")) in azure) if props.get("forwardTo") else \
                f"{props.get('topicName')}/subscriptions/{props.get('subscriptionName')}" in azure
        elif r.type == EVENT_HUB:
            ok = str(props.get("eventHubName")) in azure
        elif r.type == KAFKA_TOPIC:
            ok = any(f'topic="{get(props, "metadata.name")}"' in e for e in exprs)
        elif r.type == MSK_CONNECTOR:
            ok = ("ConnectorName", str(props.get("name"))) in cloudwatch
        elif r.type == KAFKA_CONNECTOR:
            ok = any(f'connector="{get(props, "metadata.name")}"' in e for e in exprs)
        else:
            ok = any(f'queue="{get(props, "spec.name")}"' in e for e in exprs)
        if not ok:
            yield r.urn, "consumer path has no lag or backlog alarm routed to an alert destination"


RULE = Rule(
    id="lag-alarm-required", concern="lag-alarms",
    description="Every consumer path (queue, subscription, Kafka topic or cluster, event hub, CDC connector) has a lag "
                "or backlog alarm that notifies someone.",
    severity="high",
    remediation="Declare the path through the Broker component (or a CDC source through data.cdc), which creates the "
                "alarm from the spec and routes it to the environment's alert topic / action group.",
    check=check, stack=True,
    types=frozenset(PATHS | {CW_ALARM, AZ_ALERT, PROM_RULE}))
