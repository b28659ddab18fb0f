"""Ordering: an input that refers to another planned resource must come with a dependency on it.

The engine orders creates by dependencies alone. An input holding a string that merely equals another
resource's ARN, id or URL (built by hand instead of taken from its Output) gives the engine no edge, so the
first `pulumi up` creates both at once and the dependant fails (or, on Azure, gets "NotFound") at random.
Names count only in fields that are references by meaning (REFERENCE_FIELDS); names that coincide do not.

A forward reference is ordered too: when the named resource depends on the one naming it, the engine creates
the referrer first. That is the only way to write a policy the cloud checks before it creates what the policy
names (CloudTrail refuses a trail whose bucket and key policies do not already admit it by its own ARN:
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
"""

from __future__ import annotations

from typing import Callable, Iterator

from .context import Context
from .model import Document, Finding, State


def _service_bus_entity(doc: Document, state: State, value: str) -> set[str]:
    """Queues and topics of the same namespace named `value` (forwardTo and forwardDeadLetteredMessagesTo)."""
    namespace = state.inputs.get("namespaceName")
    return {other.urn for other in doc.of_type("azure-native:servicebus:Queue", "azure-native:servicebus:Topic")
            if other.inputs.get("namespaceName") == namespace
            and value in (other.inputs.get("queueName"), other.inputs.get("topicName"))}


REFERENCE_FIELDS: dict[tuple[str, str], Callable[[Document, State, str], set[str]]] = {
    # https://learn.microsoft.com/azure/service-bus-messaging/service-bus-auto-forwarding (the destination must exist)
    ("azure-native:servicebus:Subscription", "forwardTo"): _service_bus_entity,
    ("azure-native:servicebus:Subscription", "forwardDeadLetteredMessagesTo"): _service_bus_entity,
    ("azure-native:servicebus:Queue", "forwardTo"): _service_bus_entity,
    ("azure-native:servicebus:Queue", "forwardDeadLetteredMessagesTo"): _service_bus_entity,
}


def referenced(doc: Document, state: State, path: str, value: str) -> set[str]:
    """Planned resources (other than `state`) that `value` names, excluding those that only echo it as an input
    (a queue policy's id is its queue's URL; the queue is the one referred to)."""
    resolver = REFERENCE_FIELDS.get((state.type, path))
    if resolver:
        return resolver(doc, state, value) - {state.urn}
    owners = doc.owners(value) - {state.urn}
    return {urn for urn in owners if not any(v == value for _, v in doc.strings(doc.by_urn[urn]))} or set()


def check_ordering(doc: Document, context: Context) -> Iterator[Finding]:
    for state in doc.custom():
        missing: dict[str, list[str]] = {}  # target URN -> input paths naming it
        before: set[str] | None = None
        for path, value in doc.strings(state):
            targets = referenced(doc, state, path, value)
            if not targets:
                continue
            before = doc.upstream(state.urn) if before is None else before
            if targets & before or any(state.urn in doc.upstream(target) for target in targets):
                continue
            missing.setdefault(sorted(targets)[0], []).append(path)
        for target, paths in sorted(missing.items()):
            by_name = all((state.type, p) in REFERENCE_FIELDS for p in paths)
            yield Finding(state.urn, "missing-dependency",
                          f"{', '.join(paths)} refer{'s' if len(paths) == 1 else ''} to "
                          f"{doc.by_urn[target].type.split(':')[-1]} {target.split('::')[-1]!r} by a value equal to its "
                          f"{'name' if by_name else 'identifier'}, but this resource does not depend on it, so the engine "
                          "may create (or delete) them in either order and the first `pulumi up` races; pass the "
                          "resource's Output instead of a built string (or add depends_on)")

