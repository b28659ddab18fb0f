"""Saga spec errors name the field (practice 4.1): every step says how it is undone, the point of no return
is respected, and every step queue exists in the saga's region with a node answering its task tokens."""

from __future__ import annotations

import copy

import pytest

from components.spec import parse_environment

from .conftest import load_spec_data
from .test_spec import SECRET_KEYS, issues_for

QUEUES = ["stock-reservations", "payment-charges", "shipment-requests"]


@pytest.fixture()
def staging() -> dict:
    """Staging with three step queues on the orders broker, read by order-billing in the broker's region."""
    data = copy.deepcopy(load_spec_data("staging"))
    orders = next(b for b in data["messaging"]["brokers"] if b["name"] == "orders")
    present = {q["name"] for q in orders["queues"]}
    orders["queues"] += [{"name": q} for q in QUEUES if q not in present]
    node = next(n for n in data["processing"]["nodes"] if n["name"] == "order-billing")
    node["consumes"] += [{"broker": "orders", "queue": q} for q in QUEUES
                         if {"broker": "orders", "queue": q} not in node["consumes"]]
    data.setdefault("data", {})["sagas"] = [{
        "name": "order-to-cash", "region": "eu-west-1", "owner": "order-management",
        "steps": [
            {"name": "reserve-stock", "action": call("stock-reservations"), "compensation": call("stock-reservations")},
            {"name": "charge-payment", "action": call("payment-charges"), "pivot": True},
            {"name": "schedule-shipment", "action": call("shipment-requests"), "retriable": True}]}]
    return data


def call(queue: str, broker: str = "orders") -> dict:
    return {"broker": broker, "queue": queue}


def steps(data: dict) -> list[dict]:
    return data["data"]["sagas"][0]["steps"]


def test_a_valid_saga_parses(staging):
    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    assert [s.name for s in spec.data.sagas[0].steps] == ["reserve-stock", "charge-payment", "schedule-shipment"]


def test_a_step_without_compensation_or_mark_is_refused_naming_the_field(staging):
    del steps(staging)[0]["compensation"]
    issues = issues_for(staging)
    assert any(i.startswith("data.sagas[0].steps[0].compensation:") and "pivot: true or retriable: true" in i
               for i in issues), issues


def test_a_pivot_with_a_compensation_is_refused(staging):
    steps(staging)[1]["compensation"] = call("payment-charges")
    assert any(i.startswith("data.sagas[0].steps[1].compensation:") and "never compensated" in i
               for i in issues_for(staging))


def test_a_compensated_step_after_the_pivot_is_refused(staging):
    last = steps(staging)[2]
    del last["retriable"]
    last["compensation"] = call("shipment-requests")
    assert any(i.startswith("data.sagas[0].steps[2].retriable:") and "point of no return" in i
               for i in issues_for(staging))


def test_a_second_pivot_is_refused(staging):
    del steps(staging)[2]["retriable"]
    steps(staging)[2]["pivot"] = True
    assert any(i.startswith("data.sagas[0].steps[2].pivot:") for i in issues_for(staging))


@pytest.mark.parametrize("ref, field, expected", [
    (call("stock-reservations", broker="nowhere"), "broker", "undefined broker 'nowhere'"),
    (call("line-commands", broker="plant-commands"), "broker", "sqs-sns"),
    (call("no-such-queue"), "queue", "undefined queue 'no-such-queue'"),
    (call("billing-orders"), "queue", "is FIFO"),
])
def test_step_queues_must_resolve_to_a_standard_sqs_queue(staging, ref, field, expected):
    steps(staging)[0]["action"] = ref
    issues = issues_for(staging)
    assert any(i.startswith(f"data.sagas[0].steps[0].action.{field}:") and expected in i for i in issues), issues


def test_a_step_queue_nobody_consumes_in_the_saga_region_is_refused(staging):
    node = next(n for n in staging["processing"]["nodes"] if n["name"] == "order-billing")
    node["consumes"] = [c for c in node["consumes"] if c["queue"] != "payment-charges"]
    assert any(i.startswith("data.sagas[0].steps[1].action.queue:") and "no processing node consumes" in i
               for i in issues_for(staging))


def test_the_saga_runs_where_the_broker_has_a_copy(staging):
    staging["data"]["sagas"][0]["region"] = "eu-south-1"
    issues = issues_for(staging)
    assert any(i.startswith("data.sagas[0].region:") for i in issues)
    assert any(i.startswith("data.sagas[0].steps[0].action.broker:") and "no copy" in i for i in issues)


def test_heartbeat_must_be_below_the_timeout(staging):
    steps(staging)[0].update(timeout_seconds=30, heartbeat_seconds=30)
    assert any("data.sagas[0].steps[0]" in i and "heartbeat_seconds" in i for i in issues_for(staging))


def test_states_all_stands_alone_in_a_retrier(staging):
    steps(staging)[0]["retry"] = {"errors": ["States.ALL", "Saga.Transient"]}
    assert any("data.sagas[0].steps[0].retry" in i and "States.ALL" in i for i in issues_for(staging))


def test_the_catalog_lists_the_saga_with_its_broker_and_answering_node(staging, tmp_path):
    from scripts.catalog.entities import build

    spec = parse_environment(staging, "environments/staging.yaml", SECRET_KEYS)
    [saga] = [e for e in build(spec, tmp_path) if e["metadata"]["name"] == "saga-order-to-cash"]
    assert saga["spec"]["type"] == "saga" and saga["spec"]["owner"] == "group:default/order-management"
    assert saga["spec"]["dependsOn"] == ["component:staging/node-order-billing", "resource:staging/broker-orders"]
    assert "charge-payment (pivot)" in saga["metadata"]["description"]
