"""The generated saga definitions: structure (targets, reachability, terminals, reverse-order compensation)
and, on moto's Step Functions interpreter, a saga that fails at step N compensating in reverse (practice 4.1)."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws

from components.sagas.definition import (COMPENSATION_FAILED, FORWARD_RECOVERY_FAILED, SAGA_FAILED, SEND_AND_WAIT,
                                         definition, undo_state)
from components.spec.sagas import SagaSpec

REGION = "eu-west-1"


def saga(*steps: dict, **extra) -> SagaSpec:
    return SagaSpec.model_validate({"name": "order-to-cash", "region": REGION, "owner": "order-management",
                                    "steps": list(steps), **extra})


def step(name: str, queue: str | None = None, **kw) -> dict:
    out = {"name": name, "action": {"broker": "orders", "queue": queue or f"{name}-q"}, **kw}
    if not kw.get("pivot") and not kw.get("retriable"):
        out["compensation"] = {"broker": "orders", "queue": queue or f"{name}-q"}
    return out


def urls(spec: SagaSpec) -> dict:
    return {(r.broker, r.queue): f"https://sqs.{REGION}.amazonaws.com/111122223333/{r.queue}" for r in spec.queues()}


def targets(state: dict) -> list[str]:
    return ([state["Next"]] if "Next" in state else []) + [c["Next"] for c in state.get("Catch", [])]


def assert_well_formed(doc: dict) -> None:
    """Every target exists, every state is reachable, no cycles, and every path ends in End or a Fail state."""
    states = doc["States"]
    assert doc["StartAt"] in states
    for name, state in states.items():
        assert len(name) <= 80, name
        for target in targets(state):
            assert target in states, f"{name} -> missing {target}"
        if state["Type"] == "Task":
            assert ("Next" in state) != bool(state.get("End")), f"{name}: exactly one of Next and End"
            assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name
    seen, stack = set(), [doc["StartAt"]]
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(targets(states[name]))
    assert seen == set(states), f"unreachable: {set(states) - seen}"

    def walk(name: str, path: tuple) -> None:
        assert name not in path, f"cycle through {name}"
        nexts = targets(states[name])
        if not nexts:
            assert states[name]["Type"] == "Fail" or states[name].get("End"), name
        for target in nexts:
            walk(target, path + (name,))
    walk(doc["StartAt"], ())


def failure_path(doc: dict, failing: str, errors: str = "States.ALL") -> list[str]:
    """The states a failure of `failing` runs through, every compensation succeeding."""
    states = doc["States"]
    # the first catcher naming the error (or States.ALL) handles it, as the interpreter does
    catch = next(c for c in states[failing]["Catch"] if {errors, "States.ALL"} & set(c["ErrorEquals"]))
    path, name = [], catch["Next"]
    while states[name]["Type"] != "Fail":
        path.append(name)
        name = states[name]["Next"]
    return path + [name]


THREE = saga(step("reserve-stock"), step("charge-payment"), step("schedule-shipment"))
PIVOTED = saga(step("reserve-stock"), step("charge-payment", pivot=True), step("schedule-shipment", retriable=True))


@pytest.mark.parametrize("spec", [THREE, PIVOTED], ids=["compensated", "pivot"])
def test_definitions_are_well_formed(spec):
    doc = definition(spec, urls(spec))
    assert_well_formed(doc)
    assert doc["StartAt"] == spec.steps[0].name
    order = [s.name for s in spec.steps]
    chain = [doc["StartAt"]]
    while "Next" in doc["States"][chain[-1]]:
        chain.append(doc["States"][chain[-1]]["Next"])
    assert chain == order and doc["States"][order[-1]]["End"] is True


def test_a_failed_step_compensates_the_completed_steps_in_reverse():
    doc = definition(THREE, urls(THREE))
    assert failure_path(doc, "reserve-stock") == [SAGA_FAILED]
    assert failure_path(doc, "charge-payment") == ["undo-reserve-stock", SAGA_FAILED]
    assert failure_path(doc, "schedule-shipment") == ["undo-charge-payment", "undo-reserve-stock", SAGA_FAILED]


def test_a_timed_out_step_is_compensated_too_as_it_may_have_acted():
    doc = definition(THREE, urls(THREE))
    assert failure_path(doc, "schedule-shipment", "States.Timeout") == [
        "undo-schedule-shipment", "undo-charge-payment", "undo-reserve-stock", SAGA_FAILED]


def test_the_pivot_is_never_compensated_and_the_steps_after_it_only_go_forward():
    doc = definition(PIVOTED, urls(PIVOTED))
    assert undo_state(PIVOTED.steps[1]) not in doc["States"]
    assert undo_state(PIVOTED.steps[2]) not in doc["States"]
    assert failure_path(doc, "charge-payment") == ["undo-reserve-stock", SAGA_FAILED]
    assert failure_path(doc, "charge-payment", "States.Timeout") == ["undo-reserve-stock", SAGA_FAILED]
    assert doc["States"]["schedule-shipment"]["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "Next": FORWARD_RECOVERY_FAILED, "ResultPath": "$.error"}]
    assert doc["States"][FORWARD_RECOVERY_FAILED]["Type"] == "Fail"


def test_a_failing_compensation_stops_in_its_own_fail_state():
    doc = definition(THREE, urls(THREE))
    for name in ("undo-reserve-stock", "undo-charge-payment"):
        assert doc["States"][name]["Catch"][0]["Next"] == COMPENSATION_FAILED
    assert doc["States"][COMPENSATION_FAILED]["Error"] == "Saga.CompensationFailed"


def test_each_task_waits_for_the_token_with_a_timeout_retries_and_the_queue_url_it_was_given():
    spec = saga(step("reserve-stock", timeout_seconds=60, heartbeat_seconds=20,
                     retry={"max_attempts": 4, "interval_seconds": 5, "backoff_rate": 1.5, "max_delay_seconds": 30}),
                step("charge-payment", pivot=True))
    doc = definition(spec, urls(spec))
    task = doc["States"]["reserve-stock"]
    assert task["Resource"] == SEND_AND_WAIT
    assert task["TimeoutSeconds"] == 60 and task["HeartbeatSeconds"] == 20
    assert task["Parameters"]["QueueUrl"] == urls(spec)[("orders", "reserve-stock-q")]
    assert task["Parameters"]["MessageBody"]["TaskToken.$"] == "$$.Task.Token"
    assert task["Retry"] == [{"ErrorEquals": ["States.Timeout", "Saga.Transient"], "MaxAttempts": 4,
                              "IntervalSeconds": 5, "BackoffRate": 1.5, "JitterStrategy": "FULL",
                              "MaxDelaySeconds": 30}]
    assert "HeartbeatSeconds" not in doc["States"]["charge-payment"]
    assert doc["States"]["reserve-stock"]["ResultPath"] == "$.results.reserve_stock"


# --- executed on moto's Step Functions interpreter (SQS waitForTaskToken is supported there) -------------

NO_RETRY = {"max_attempts": 0}


def execute(spec: SagaSpec, fail: dict[str, str], silent: frozenset = frozenset()) -> tuple[str, list, dict]:
    """Run the saga; the fake services answer every message, failing the steps in `fail` (step -> error) and
    never answering the steps in `silent`. Returns status, the (step, operation) calls in order, and history."""
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sqs, sfn = boto3.client("sqs", region_name=REGION), boto3.client("stepfunctions", region_name=REGION)
        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="saga", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        queue_urls = {(r.broker, r.queue): sqs.create_queue(QueueName=r.queue)["QueueUrl"] for r in spec.queues()}
        machine = sfn.create_state_machine(name=spec.name, roleArn=role,
                                           definition=json.dumps(definition(spec, queue_urls)))["stateMachineArn"]
        run = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"order": "o-1"}))["executionArn"]
        calls: list[tuple[str, str]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for url in set(queue_urls.values()):
                for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                    body = json.loads(message["Body"])
                    calls.append((body["Step"], body["Operation"]))
                    assert body["Saga"] == spec.name and body["Input"]["order"] == "o-1"
                    if body["Operation"] == "action" and body["Step"] in silent:
                        continue
                    if body["Operation"] == "action" and body["Step"] in fail:
                        sfn.send_task_failure(taskToken=body["TaskToken"], error=fail[body["Step"]], cause="refused")
                    else:
                        sfn.send_task_success(taskToken=body["TaskToken"], output=json.dumps({"ok": body["Step"]}))
            described = sfn.describe_execution(executionArn=run)
            if described["status"] != "RUNNING":
                return described["status"], calls, described
            time.sleep(0.05)
        raise AssertionError(f"saga still running after 30 s; calls so far {calls}")


executed = pytest.mark.slow  # a few seconds each: moto runs the interpreter and we poll its queues

FOUR = saga(*(step(n, retry=NO_RETRY) for n in ("reserve-stock", "authorise-credit", "charge-payment",
                                                   "schedule-shipment")))


@executed
def test_a_saga_failing_at_step_three_runs_the_compensations_of_steps_two_and_one_in_that_order():
    status, calls, described = execute(FOUR, {"charge-payment": "PaymentDeclined"})
    assert status == "FAILED"
    assert calls == [("reserve-stock", "action"), ("authorise-credit", "action"), ("charge-payment", "action"),
                     ("authorise-credit", "compensation"), ("reserve-stock", "compensation")]
    assert described.get("error") == "Saga.Compensated"


@executed
def test_a_saga_whose_steps_succeed_completes_without_compensating():
    status, calls, _ = execute(FOUR, {})
    assert status == "SUCCEEDED"
    assert [operation for _, operation in calls] == ["action"] * 4


@executed
def test_a_silent_service_times_out_into_the_compensations_including_its_own():
    spec = saga(step("reserve-stock", retry=NO_RETRY),
                step("charge-payment", retry={"max_attempts": 0}, timeout_seconds=1))
    status, calls, _ = execute(spec, {}, silent=frozenset({"charge-payment"}))
    assert status == "FAILED"
    assert calls == [("reserve-stock", "action"), ("charge-payment", "action"),
                     ("charge-payment", "compensation"), ("reserve-stock", "compensation")]


@executed
def test_a_refused_pivot_compensates_the_steps_before_it_and_never_starts_the_retriable_ones():
    spec = saga(step("reserve-stock", retry=NO_RETRY), step("charge-payment", pivot=True, retry=NO_RETRY),
                step("schedule-shipment", retriable=True, retry=NO_RETRY))
    status, calls, _ = execute(spec, {"charge-payment": "PaymentDeclined"})
    assert status == "FAILED"
    assert calls == [("reserve-stock", "action"), ("charge-payment", "action"), ("reserve-stock", "compensation")]
