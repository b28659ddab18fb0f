"""The Amazon States Language definition of a saga, generated from its spec (practice 4.1). Pure: no Pulumi.

Steps run in order, each a Task sending its message through SQS and waiting for the service's callback
(`.waitForTaskToken`: the token travels in the message body; the service answers with SendTaskSuccess or
SendTaskFailure). A step that fails after its retries jumps into one chain of compensations, which undoes the
completed steps in reverse order and ends in a Fail state:

    step 1 -> step 2 -> step 3 (end)
       |         |  (Catch)
       v         v
    saga-failed <- undo step 1 <- undo step 2 ...

A step that timed out may have acted without answering, so its own compensation runs first (compensations are
idempotent); a step that reported failure did not commit, so the chain starts at the step before it. The pivot
is never undone, and the retriable steps after it never start the chain: once the pivot commits, the saga can
only go forward, and a retriable step that exhausts its retries ends in a Fail state for an operator.
https://states-language.net/spec.html, https://docs.aws.amazon.com/step-functions/latest/dg/connect-sqs.html
"""

from __future__ import annotations

from typing import Any, Mapping

from ..spec.sagas import SagaSpec, SagaStep, StepRetry

SEND_AND_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
TIMEOUT_ERRORS = ["States.Timeout"]  # the task's TimeoutSeconds or HeartbeatSeconds ran out
SAGA_FAILED = "saga-failed"
COMPENSATION_FAILED = "compensation-failed"
FORWARD_RECOVERY_FAILED = "forward-recovery-failed"
FAILURES = {
    SAGA_FAILED: ("Saga.Compensated", "a step failed; the completed steps were compensated in reverse order"),
    COMPENSATION_FAILED: ("Saga.CompensationFailed", "a compensation failed after its retries; reconcile by hand"),
    FORWARD_RECOVERY_FAILED: ("Saga.ForwardRecoveryFailed",
                              "a step after the pivot failed after its retries; complete it by hand"),
}

QueueUrls = Mapping[tuple[str, str], str]
"""(broker, queue) -> the queue's URL (an Output's value, never rebuilt)."""


def undo_state(step: SagaStep) -> str:
    return f"undo-{step.name}"


def retrier(retry: StepRetry) -> dict[str, Any]:
    out: dict[str, Any] = {"ErrorEquals": list(retry.errors), "MaxAttempts": retry.max_attempts,
                           "IntervalSeconds": retry.interval_seconds, "BackoffRate": retry.backoff_rate,
                           "JitterStrategy": "FULL"}
    if retry.max_delay_seconds is not None:
        out["MaxDelaySeconds"] = retry.max_delay_seconds
    return out


def _task(saga: SagaSpec, step: SagaStep, operation: str, url: str, result_path: str) -> dict[str, Any]:
    """A Task that sends the step's message and waits for the callback; the service reads the token, the saga,
    step and operation (an action and its compensation may share a queue), the execution (its idempotency key)
    and the saga's state so far."""
    task: dict[str, Any] = {
        "Type": "Task", "Resource": SEND_AND_WAIT,
        "Parameters": {"QueueUrl": url, "MessageBody": {
            "TaskToken.$": "$$.Task.Token", "Saga": saga.name, "Step": step.name, "Operation": operation,
            "ExecutionId.$": "$$.Execution.Id", "Input.$": "$"}},
        "TimeoutSeconds": step.timeout_seconds, "ResultPath": result_path, "Retry": [retrier(step.retry)]}
    if step.heartbeat_seconds is not None:
        task["HeartbeatSeconds"] = step.heartbeat_seconds
    return task


def _catch(errors: list[str], target: str) -> dict[str, Any]:
    return {"ErrorEquals": errors, "Next": target, "ResultPath": "$.error"}


def definition(saga: SagaSpec, queue_urls: QueueUrls) -> dict[str, Any]:
    """The state machine's definition as a JSON-ready dict."""
    states: dict[str, dict[str, Any]] = {}
    steps = saga.steps

    def undo_from(index: int) -> str:
        """Where compensation starts for a failure that leaves steps[:index] completed."""
        for earlier in reversed(steps[:index]):
            if earlier.compensable:
                return undo_state(earlier)
        return SAGA_FAILED

    for index, step in enumerate(steps):
        state = _task(saga, step, "action", queue_urls[(step.action.broker, step.action.queue)],
                      f"$.results.{step.key}")
        if step.retriable:
            state["Catch"] = [_catch(["States.ALL"], FORWARD_RECOVERY_FAILED)]
        elif step.compensable:
            state["Catch"] = [_catch(TIMEOUT_ERRORS, undo_state(step)), _catch(["States.ALL"], undo_from(index))]
        else:  # the pivot: it reported failure or never answered, so it did not commit
            state["Catch"] = [_catch(["States.ALL"], undo_from(index))]
        if index + 1 < len(steps):
            state["Next"] = steps[index + 1].name
        else:
            state["End"] = True
        states[step.name] = state
    for index, step in enumerate(steps):
        if step.compensation is None:
            continue
        undo = _task(saga, step, "compensation", queue_urls[(step.compensation.broker, step.compensation.queue)],
                     f"$.compensations.{step.key}")
        undo["Catch"] = [_catch(["States.ALL"], COMPENSATION_FAILED)]
        undo["Next"] = undo_from(index)
        states[undo_state(step)] = undo
    targets = {t for s in states.values() for t in [s.get("Next")] + [c["Next"] for c in s.get("Catch", [])] if t}
    for name, (error, cause) in FAILURES.items():
        if name in targets:
            states[name] = {"Type": "Fail", "Error": error, "Cause": cause}
    return {"Comment": saga.description or f"saga {saga.name}", "StartAt": steps[0].name, "States": states}
