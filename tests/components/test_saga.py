"""A saga alone under mocks: a Standard state machine in its region, logging ERROR without execution data to
its own encrypted log group, traced, encrypted with its own key, run by a role that may send to exactly its
step queues, and the nodes answering its task tokens granted the callbacks (practice 4.1)."""

from __future__ import annotations

import json

import pulumi

from components.sagas.component import Saga, SagaArgs, StepQueue
from components.spec.sagas import SagaSpec

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build

REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SPEC = SagaSpec.model_validate({"name": "order-to-cash", "region": REGION, "owner": "order-management", "steps": [
    {"name": "reserve-stock", "action": {"broker": "orders", "queue": "stock"},
     "compensation": {"broker": "orders", "queue": "stock"}},
    {"name": "charge-payment", "action": {"broker": "orders", "queue": "payments"}, "pivot": True},
    {"name": "schedule-shipment", "action": {"broker": "orders", "queue": "shipments"}, "retriable": True}]})


def queue(name: str) -> StepQueue:
    return StepQueue(url=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/unit-orders-{name}",
                     arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:unit-orders-{name}", key_arn=KEY)


def saga(protect: bool = False):
    def program():
        return Saga("saga-order-to-cash", SagaArgs(
            spec=SPEC, environment="unit", aws_account=ACCOUNT,
            queues={("orders", q): queue(q) for q in ("stock", "payments", "shipments")},
            callback_roles={"order-billing": "unit-node-order-billing"}, protect=protect, log_retention_days=30),
            pulumi.ResourceOptions(provider=aws_provider(REGION)))
    return build(program)


def test_a_standard_state_machine_logged_at_error_without_execution_data_traced_and_encrypted():
    built = saga()
    [machine] = built.of_type("aws:sfn/stateMachine:StateMachine")
    inputs = machine["inputs"]
    assert inputs["type"] == "STANDARD" and inputs["name"] == "unit-saga-order-to-cash"
    group = built.named("saga-order-to-cash-logs")
    assert inputs["loggingConfiguration"] == {
        "level": "ERROR", "includeExecutionData": False,
        "logDestination": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group['inputs']['name']}:*"}
    assert group["inputs"]["name"].startswith("/aws/vendedlogs/states/")
    assert group["inputs"]["retentionInDays"] == 30
    key = built.named("saga-order-to-cash-key")
    assert group["inputs"]["kmsKeyId"] == inputs["encryptionConfiguration"]["kmsKeyId"]
    assert inputs["encryptionConfiguration"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert key["urn"] in machine["dependencies"] and key["inputs"]["enableKeyRotation"] is True
    assert inputs["tracingConfiguration"] == {"enabled": True}
    assert machine["provider"].split("::")[-2].startswith(f"aws-{REGION}")
    assert_children_named_after(built, "hybrid:sagas:Saga", "saga-order-to-cash")


def test_the_definition_sends_to_the_queue_urls_it_was_given_in_step_order():
    built = saga()
    [machine] = built.of_type("aws:sfn/stateMachine:StateMachine")
    states = json.loads(machine["inputs"]["definition"])["States"]
    assert states["reserve-stock"]["Parameters"]["QueueUrl"] == queue("stock").url
    assert states["reserve-stock"]["Next"] == "charge-payment"
    assert states["undo-reserve-stock"]["Parameters"]["QueueUrl"] == queue("stock").url
    assert "undo-charge-payment" not in states


def test_the_role_trusts_step_functions_for_this_machine_and_sends_to_exactly_the_step_queues():
    built = saga()
    role = built.named("saga-order-to-cash-role")
    [trust] = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"] == (
        f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:unit-saga-order-to-cash")
    [machine] = built.of_type("aws:sfn/stateMachine:StateMachine")
    assert machine["id"] == trust["Condition"]["ArnLike"]["aws:SourceArn"], "the derived ARN is the machine's own"
    policy = built.named("saga-order-to-cash-execution")
    statements = {s["Sid"]: s for s in json.loads(policy["inputs"]["policy"])["Statement"]}
    assert statements["SendStepMessages"]["Action"] == ["sqs:SendMessage"]
    assert statements["SendStepMessages"]["Resource"] == sorted(queue(q).arn for q in ("stock", "payments", "shipments"))
    assert statements["EncryptStepMessages0"]["Resource"] == [KEY]
    assert statements["EncryptStepMessages0"]["Condition"] == {"StringEquals": {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}}
    assert "logs:CreateLogDelivery" in statements["DeliverExecutionLogs"]["Action"]
    assert "xray:PutTraceSegments" in statements["SendTraces"]["Action"]
    assert policy["urn"] in machine["dependencies"], "the machine is created once its role may log"


def test_the_consuming_nodes_roles_may_answer_the_task_tokens():
    built = saga()
    grant = built.named("saga-order-to-cash-callbacks-order-billing")
    assert grant["inputs"]["role"] == "unit-node-order-billing"
    statements = {s["Sid"]: s for s in json.loads(grant["inputs"]["policy"])["Statement"]}
    assert set(statements["AnswerSagaTaskTokens"]["Action"]) == {
        "states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"}
    [machine] = built.of_type("aws:sfn/stateMachine:StateMachine")
    assert statements["UseSagaStateKey"]["Condition"]["StringEquals"] == {
        "kms:EncryptionContext:aws:states:stateMachineArn": machine["id"]}


def test_the_state_machine_and_its_key_are_protected_in_production():
    built = saga(protect=True)
    assert built.of_type("aws:sfn/stateMachine:StateMachine")[0]["protect"] is True
    assert built.named("saga-order-to-cash-key")["protect"] is True
    assert not saga().of_type("aws:sfn/stateMachine:StateMachine")[0].get("protect")
