"""Spec models and cross-field checks for sagas: distributed transactions with compensations (practice 4.1).

A saga is an ordered list of steps. Each step calls its service through a queue of an sqs-sns broker and waits
for the service's callback (Step Functions' `.waitForTaskToken`); a step that fails runs the compensations of
the completed steps in reverse order. Every step says explicitly how it is undone: a compensation, or
`pivot: true` (the go/no-go step, which commits and is never undone) or `retriable: true` (after the pivot:
retried until it succeeds, never undone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from pydantic import Field, model_validator

from .base import AwsRegion, Name, Problem, SpecModel
from .brokers import SqsSnsBroker
from .nodes import QueueRef, read_region

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

ALL_ERRORS = "States.ALL"
# Retried by default: a silent service (the task's timeout or heartbeat) and a service reporting a transient
# failure through SendTaskFailure with this error name; business refusals fail the step at once.
DEFAULT_RETRY_ERRORS = ("States.Timeout", "Saga.Transient")
ERROR_NAME = r"^[A-Za-z][A-Za-z0-9_.-]{0,127}$"


class StepRetry(SpecModel):
    """An Amazon States Language Retrier: MaxAttempts, IntervalSeconds, BackoffRate and the errors it retries."""

    max_attempts: int = Field(default=3, ge=0, le=100, description="retries after the first attempt (0: none)")
    interval_seconds: int = Field(default=2, ge=1, le=3600, description="wait before the first retry")
    backoff_rate: float = Field(default=2.0, ge=1.0, le=10.0, description="multiplier of the wait per retry")
    max_delay_seconds: Optional[int] = Field(default=None, ge=1, le=86400,
                                             description="cap on the wait between retries")
    errors: list[str] = Field(default_factory=lambda: list(DEFAULT_RETRY_ERRORS), min_length=1,
                              description="error names retried (States.Timeout covers the heartbeat too); "
                                          "services report transient failures as Saga.Transient")

    @model_validator(mode="after")
    def _error_names(self) -> "StepRetry":
        import re
        for name in self.errors:
            if not re.match(ERROR_NAME, name):
                raise ValueError(f"error name {name!r} is not valid; expected letters, digits, '.', '_' or '-'")
        if ALL_ERRORS in self.errors and len(self.errors) > 1:
            raise ValueError("States.ALL must be the only error name of its retrier")
        return self


class SagaStep(SpecModel):
    """One local transaction of the saga and how it is undone."""

    name: Name = Field(description="step name, unique in the saga", examples=["reserve-stock"])
    action: QueueRef = Field(description="the queue (of an sqs-sns broker) of the service doing the step")
    compensation: Optional[QueueRef] = Field(
        default=None, description="the queue of the service undoing the step; required unless pivot or retriable")
    pivot: bool = Field(default=False, description="the go/no-go step: it commits the saga and has no compensation")
    retriable: bool = Field(default=False,
                            description="a step after the pivot: retried until it succeeds, no compensation")
    timeout_seconds: int = Field(default=300, ge=1, le=31536000,
                                 description="the step fails when the service has not called back by then")
    heartbeat_seconds: Optional[int] = Field(default=None, ge=1, le=31536000,
                                             description="the step fails when the service sends no heartbeat "
                                                         "for this long (below timeout_seconds)")
    retry: StepRetry = Field(default_factory=StepRetry,
                             description="retries of the step's action and of its compensation")

    @model_validator(mode="after")
    def _heartbeat_below_timeout(self) -> "SagaStep":
        if self.heartbeat_seconds is not None and self.heartbeat_seconds >= self.timeout_seconds:
            raise ValueError(f"heartbeat_seconds ({self.heartbeat_seconds}) must be below timeout_seconds "
                             f"({self.timeout_seconds})")
        return self

    @property
    def compensable(self) -> bool:
        return self.compensation is not None

    @property
    def key(self) -> str:
        """The step's key in the execution's JSON (reference paths take no dashes)."""
        return self.name.replace("-", "_")


class SagaSpec(SpecModel):
    """A distributed transaction run by an AWS Step Functions Standard state machine."""

    name: Name = Field(description="saga name, unique in the environment", examples=["order-to-cash"])
    region: AwsRegion = Field(description="AWS region of the state machine: one of regions.aws, where the step "
                                          "queues' brokers have a copy")
    owner: str = Field(min_length=1, description="bounded context (owning team) that runs the saga")
    description: str = Field(default="", max_length=256, description="what the transaction does")
    steps: list[SagaStep] = Field(min_length=1, description="the local transactions, in order")

    def queues(self) -> list[QueueRef]:
        """Every queue the saga sends to (actions and compensations), each once, in order."""
        seen: list[QueueRef] = []
        for step in self.steps:
            for ref in (step.action, step.compensation):
                if ref is not None and ref not in seen:
                    seen.append(ref)
        return seen


def check_sagas(spec: "EnvironmentSpec") -> Iterator[Problem]:
    names: set[str] = set()
    for i, saga in enumerate(spec.data.sagas):
        path = f"data.sagas[{i}]"
        if saga.name in names:
            yield f"{path}.name", f"duplicate saga name {saga.name!r}: names must be unique"
        names.add(saga.name)
        if saga.region not in spec.aws_region_names():
            yield f"{path}.region", (f"region {saga.region!r} is not one of regions.aws "
                                     f"({', '.join(spec.aws_region_names())})")
        yield from _check_steps(path, saga)
        for j, step in enumerate(saga.steps):
            for field, ref in (("action", step.action), ("compensation", step.compensation)):
                if ref is not None:
                    yield from _check_queue(spec, f"{path}.steps[{j}].{field}", saga.region, ref)


def _check_steps(path: str, saga: SagaSpec) -> Iterator[Problem]:
    steps: set[str] = set()
    no_return: Optional[int] = None  # the first step that is never undone: the point of no return
    for j, step in enumerate(saga.steps):
        at = f"{path}.steps[{j}]"
        if step.name in steps:
            yield f"{at}.name", f"duplicate step name {step.name!r}: names must be unique in the saga"
        steps.add(step.name)
        if step.pivot and step.retriable:
            yield f"{at}.retriable", "a step is either the pivot or retriable, not both"
        if step.compensation is not None and (step.pivot or step.retriable):
            what = "the pivot" if step.pivot else "a retriable step"
            yield f"{at}.compensation", f"step {step.name!r} is {what}, which is never compensated; expected no compensation"
        if step.compensation is None and not (step.pivot or step.retriable):
            yield f"{at}.compensation", (f"step {step.name!r} has no compensation; expected a compensation "
                                         "{broker, queue}, or pivot: true or retriable: true to say it has none")
        if no_return is not None and j > no_return:
            if step.pivot:
                yield f"{at}.pivot", (f"step {saga.steps[no_return].name!r} is already past the point of no "
                                      "return; expected one pivot, before every retriable step")
            elif not step.retriable:
                yield f"{at}.retriable", (f"step {step.name!r} follows the point of no return (step "
                                          f"{saga.steps[no_return].name!r}) and cannot be compensated; "
                                          "expected retriable: true")
        if no_return is None and (step.pivot or step.retriable):
            no_return = j


def _check_queue(spec: "EnvironmentSpec", path: str, region: str, ref: QueueRef) -> Iterator[Problem]:
    brokers = {b.name: b for b in spec.messaging.brokers}
    broker = brokers.get(ref.broker)
    if broker is None:
        yield f"{path}.broker", (f"undefined broker {ref.broker!r}; expected one of messaging.brokers[].name "
                                 f"({', '.join(sorted(brokers)) or 'none'})")
        return
    if not isinstance(broker, SqsSnsBroker):
        yield f"{path}.broker", f"broker {ref.broker!r} is {broker.kind}; saga steps call services through sqs-sns brokers"
        return
    copies = [broker.region] + ([broker.standby_region] if broker.standby_region else [])
    if region not in copies:
        yield f"{path}.broker", (f"broker {ref.broker!r} has no copy in the saga's region {region!r}; expected "
                                 f"the saga in {' or '.join(copies)}")
        return
    queue = next((q for q in broker.queues if q.name == ref.queue), None)
    if queue is None:
        yield f"{path}.queue", (f"undefined queue {ref.queue!r} in broker {ref.broker!r}; expected one of "
                                f"{', '.join(sorted(q.name for q in broker.queues)) or 'none'}")
        return
    if queue.fifo:
        yield f"{path}.queue", (f"queue {ref.queue!r} is FIFO; expected a standard queue (a task token is longer "
                                "than a FIFO deduplication id may be)")
    consumers = [n.name for n in spec.processing.nodes
                 if ref in n.consumes and read_region(n.region, broker.region, broker.standby_region) == region]
    if not consumers:
        yield f"{path}.queue", (f"no processing node consumes {ref.broker}/{ref.queue} in {region}; expected a node "
                                "whose consumes lists it, to answer the saga's task tokens")


def saga_consumers(spec: "EnvironmentSpec", saga: SagaSpec) -> list[str]:
    """The processing nodes that read the saga's queues in its region: they call back with the task tokens."""
    brokers = {b.name: b for b in spec.messaging.brokers}
    names = []
    for node in spec.processing.nodes:
        for ref in saga.queues():
            broker = brokers[ref.broker]
            if ref in node.consumes and read_region(node.region, broker.region, broker.standby_region) == saga.region:
                names.append(node.name)
                break
    return names
