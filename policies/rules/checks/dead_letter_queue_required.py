"""A dead-letter path on every queue and subscription (practice 3.3)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging import QUEUE_TYPES, RABBITMQ_QUEUE, SERVICE_BUS_PATHS, is_dead_letter_name
from ..values import document, get, is_map


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type in SERVICE_BUS_PATHS:
        if props.get("forwardTo"):
            if not props.get("maxDeliveryCount"):
                yield "forwarding subscription has no maxDeliveryCount: a message that cannot be forwarded retries forever"
            return  # the destination queue's own dead-letter settings apply after forwarding
        # Service Bus dead-letters after maxDeliveryCount (default 10) always; expiry dead-letters only when asked.
        if not props.get("maxDeliveryCount") or props.get("deadLetteringOnMessageExpiration") is not True:
            yield "no dead-letter path: set maxDeliveryCount and deadLetteringOnMessageExpiration"
        return
    if resource.type == RABBITMQ_QUEUE:
        arguments = get(props, "spec", "arguments")
        if get(arguments, "x-dead-letter-exchange") and get(arguments, "x-delivery-limit"):
            return
        if is_dead_letter_name(get(props, "spec", "name", default="")):
            return  # a dead-letter queue is the end of the path
        yield "queue has no dead-letter exchange and delivery limit: poison messages would redeliver forever"
        return
    if resource.type not in QUEUE_TYPES:
        raise NotApplicable("not a queue")
    redrive = document(props.get("redrivePolicy"))
    if is_map(redrive) and redrive.get("deadLetterTargetArn") and redrive.get("maxReceiveCount"):
        return
    if document(props.get("redriveAllowPolicy")) or is_dead_letter_name(props.get("name")):
        # This queue is itself a dead-letter queue. Its fence to the source queues is usually a separate
        # aws:sqs/redriveAllowPolicy resource (inline it would need the source queue's ARN before the source
        # queue, which needs the DLQ's ARN first: a cycle), so its name is what this resource shows.
        return
    yield "queue has no dead-letter queue: failed messages would retry forever or be lost"


RULE = Rule(
    id="dead-letter-queue-required", concern="dead-letter-queues",
    description="Every queue and subscription (SQS, Service Bus, RabbitMQ) has a dead-letter path with a bounded "
                "delivery count (or is itself a dead-letter queue).",
    severity="high",
    remediation="Give the queue a redrivePolicy naming its DLQ and maxReceiveCount (the Broker component does "
                "this from max_receive_count in the spec).",
    check=check, types=frozenset(QUEUE_TYPES | SERVICE_BUS_PATHS | {RABBITMQ_QUEUE}))
