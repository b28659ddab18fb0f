"""data-ownership-non-owner-write: only the owner context's roles write an entity's stores or publish its changes.

Every type the rule judges has a compliant and a violating stack here (the ownership map comes from policy
config, so these cases live beside the rule's own tests rather than in test_policy_type_coverage's table);
all judged through the engine's proxy and offline (tests/rule_harness.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules import RULES_BY_ID
from policies.rules.documents import patterns_overlap

from .rule_harness import Subject, judge

RULE = "data-ownership-non-owner-write"
ACCOUNT = "111122223333"
TOPIC = f"arn:aws:sns:eu-central-1:{ACCOUNT}:prod-orders-order-lifecycle.fifo"
STORE = f"arn:aws:sqs:eu-central-1:{ACCOUNT}:prod-customers-crm-changes"
TABLE = f"arn:aws:dynamodb:eu-central-1:{ACCOUNT}:table/prod-products"
KAFKA = f"arn:aws:kafka:eu-central-1:{ACCOUNT}:topic/prod-payments/*/payment-settled"
OWNERSHIP = {"ownership": {
    "entities": {
        "order": {"owner": "order-management", "consumers": ["customer-data"], "stores": [], "topics": [TOPIC]},
        "customer": {"owner": "customer-data", "consumers": ["order-management"], "stores": [STORE], "topics": []},
        "product": {"owner": "catalogue", "consumers": [], "stores": [TABLE], "topics": []},
        "payment": {"owner": "payments", "consumers": ["order-management"], "stores": [], "topics": [KAFKA]},
    },
    "contextRoles": {"order-management": ["prod-node-order-fulfilment", "prod-saga-order-to-cash"],
                     "customer-data": ["prod-node-crm-sync"], "catalogue": ["prod-node-catalogue"],
                     "payments": ["prod-cdc-ledger"]}}}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def role_policy(role: str, *statements: dict[str, Any], label: str = "policy") -> Subject:
    return Subject("aws:iam/rolePolicy:RolePolicy", {"role": role, "name": "access", "policy": doc(*statements)},
                   name=label)


def messages(*subjects: Subject, config: dict[str, Any] | None = None) -> list[str]:
    return judge(RULE, *subjects, config=OWNERSHIP if config is None else config).messages()


PUBLISH = allow("sns:Publish", TOPIC)


def test_the_owners_role_publishes_and_a_consumers_role_cannot():
    assert messages(role_policy("prod-node-order-fulfilment", PUBLISH)) == []
    assert messages(role_policy("prod-node-crm-sync", PUBLISH)) == [
        "statement 0 lets a role of consumer context 'customer-data' (read and subscribe only) write the change "
        "topic of entity 'order' (sns:publish); only roles of its owner 'order-management' may"]


def test_a_consumer_reads_and_subscribes_but_cannot_write_the_owners_store():
    read = allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
                 STORE)
    assert messages(role_policy("prod-node-order-fulfilment", read, allow("sns:Subscribe", TOPIC))) == []
    found = messages(role_policy("prod-node-order-fulfilment", allow(["sqs:SendMessage", "sqs:PurgeQueue"], STORE)))
    assert found == ["statement 0 lets a role of consumer context 'order-management' (read and subscribe only) write "
                     "the store of entity 'customer' (sqs:sendmessage, sqs:purgequeue); only roles of its owner "
                     "'customer-data' may"]


@pytest.mark.parametrize("statement", [
    allow("sqs:*", STORE), allow("*", "*"), allow("sqs:Send*", f"arn:aws:sqs:*:{ACCOUNT}:prod-customers-*"),
    {"Effect": "Allow", "NotAction": "sqs:ReceiveMessage", "Resource": STORE},
    {"Effect": "Allow", "Action": "sqs:SendMessage", "NotResource": f"arn:aws:sqs:*:{ACCOUNT}:other"},
])
def test_wildcards_and_inversions_count_as_writes(statement):
    assert messages(role_policy("prod-node-order-fulfilment", statement)), statement


def test_a_role_outside_the_context_map_is_a_non_owner_and_unrelated_grants_pass():
    assert messages(role_policy("hand-made-role", PUBLISH))[0].startswith("statement 0 lets a role outside the context map")
    assert messages(role_policy("hand-made-role", allow("sns:Publish", f"arn:aws:sns:eu-central-1:{ACCOUNT}:other"),
                                allow("sqs:SendMessage", STORE, Effect="Deny"))) == []
    # Role policies may name the role by ARN.
    assert messages(role_policy(f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-fulfilment", PUBLISH)) == []


def test_without_an_ownership_map_nothing_is_judged():
    assert messages(role_policy("prod-node-crm-sync", PUBLISH), config={}) == []


ROLE = "aws:iam/role:Role"
MANAGED = "aws:iam/policy:Policy"


def managed(policy: str, attach: Subject) -> list[Subject]:
    return [Subject(MANAGED, {"name": "publish-orders", "path": "/", "policy": policy}, name="managed"), attach]


# type judged -> (compliant stack, violating stack); the first subject is the one the finding names.
CASES: dict[str, tuple[list[Subject], list[Subject]]] = {
    ROLE: ([Subject(ROLE, {"name": "prod-node-order-fulfilment", "inlinePolicies": [{"name": "p", "policy": doc(PUBLISH)}]})],
           [Subject(ROLE, {"name": "prod-node-crm-sync", "inlinePolicies": [{"name": "p", "policy": doc(PUBLISH)}]})]),
    "aws:iam/rolePolicy:RolePolicy": ([role_policy("prod-node-order-fulfilment", PUBLISH)],
                                      [role_policy("prod-node-crm-sync", PUBLISH)]),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
        managed(doc(PUBLISH), Subject("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
            "role": "prod-node-order-fulfilment", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"})),
        managed(doc(PUBLISH), Subject("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
            "role": "prod-node-crm-sync", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"}))),
    "aws:iam/policyAttachment:PolicyAttachment": (
        managed(doc(PUBLISH), Subject("aws:iam/policyAttachment:PolicyAttachment", {
            "roles": ["prod-node-order-fulfilment"], "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"})),
        managed(doc(PUBLISH), Subject("aws:iam/policyAttachment:PolicyAttachment", {
            "users": ["ops"], "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"}))),
    MANAGED: (managed(doc(PUBLISH), Subject(ROLE, {"name": "prod-node-order-fulfilment", "managedPolicyArns": [
                  f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"]})),
              managed(doc(PUBLISH), Subject(ROLE, {"name": "prod-node-crm-sync", "managedPolicyArns": [
                  f"arn:aws:iam::{ACCOUNT}:policy/publish-orders"]}))),
    "aws:iam/userPolicy:UserPolicy": (
        [Subject("aws:iam/userPolicy:UserPolicy", {"user": "ops", "policy": doc(allow("sns:Subscribe", TOPIC))})],
        [Subject("aws:iam/userPolicy:UserPolicy", {"user": "ops", "policy": doc(PUBLISH)})]),
    "aws:iam/groupPolicy:GroupPolicy": (
        [Subject("aws:iam/groupPolicy:GroupPolicy", {"group": "ops", "policy": doc(allow("sqs:ReceiveMessage", STORE))})],
        [Subject("aws:iam/groupPolicy:GroupPolicy", {"group": "ops", "policy": doc(allow("sqs:SendMessage", STORE))})]),
}
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
FENCE = {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC,
         "Condition": {"StringNotEquals": {"aws:PrincipalTag/bounded-context": "order-management"}}}
ANYONE_IN_ACCOUNT = allow("sns:Publish", TOPIC, Principal="*", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})
CONSUMER_ROLE = {"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-crm-sync"}
for type_, key in (("aws:sns/topicPolicy:TopicPolicy", "policy"), ("aws:sns/topic:Topic", "policy")):
    CASES[type_] = ([Subject(type_, {"arn": TOPIC, key: doc(allow("sns:Publish", TOPIC, Principal=ROOT),
                                                           ANYONE_IN_ACCOUNT, FENCE)})],
                    [Subject(type_, {"arn": TOPIC, key: doc(allow("sns:Publish", TOPIC, Principal=ROOT),
                                                           ANYONE_IN_ACCOUNT)})])
QUEUE_URL = f"https://sqs.eu-central-1.amazonaws.com/{ACCOUNT}/prod-customers-crm-changes"
SNS_DELIVERY = {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Resource": STORE, "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}}}
for type_ in ("aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/queue:Queue"):
    # No Resource in the statement: a queue policy's statement then means the queue it is attached to.
    CASES[type_] = ([Subject(type_, {"queueUrl": QUEUE_URL, "policy": doc(SNS_DELIVERY, {
                        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-crm-sync"},
                        "Action": "sqs:SendMessage"})})],
                    [Subject(type_, {"queueUrl": QUEUE_URL, "policy": doc(SNS_DELIVERY, {
                        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-fulfilment"},
                        "Action": "sqs:SendMessage"})})])
CASES["aws:dynamodb/resourcePolicy:ResourcePolicy"] = (
    [Subject("aws:dynamodb/resourcePolicy:ResourcePolicy", {"resourceArn": TABLE, "policy": doc(allow(
        ["dynamodb:GetItem", "dynamodb:Query"], TABLE, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-crm-sync"}))})],
    [Subject("aws:dynamodb/resourcePolicy:ResourcePolicy", {"resourceArn": TABLE, "policy": doc(allow(
        "dynamodb:PutItem", TABLE, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-crm-sync"}))})])
CLUSTER = f"arn:aws:kafka:eu-central-1:{ACCOUNT}:cluster/prod-payments/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-3"
CASES["aws:msk/clusterPolicy:ClusterPolicy"] = (
    [Subject("aws:msk/clusterPolicy:ClusterPolicy", {"clusterArn": CLUSTER, "policy": doc(allow(
        "kafka-cluster:WriteData", f"arn:aws:kafka:eu-central-1:{ACCOUNT}:topic/prod-payments/*",
        Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-cdc-ledger"}))})],
    [Subject("aws:msk/clusterPolicy:ClusterPolicy", {"clusterArn": CLUSTER, "policy": doc(allow(
        "kafka-cluster:WriteData", f"arn:aws:kafka:eu-central-1:{ACCOUNT}:topic/prod-payments/*",
        Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-fulfilment"}))})])


def test_every_type_the_rule_judges_has_cases():
    assert set(CASES) == set(RULES_BY_ID[RULE].types)


@pytest.mark.parametrize("type_", sorted(CASES))
def test_compliant_and_violating(type_):
    compliant, violating = CASES[type_]
    assert judge(RULE, *compliant, config=OWNERSHIP).findings == [], f"the compliant {type_} stack fails"
    bad = judge(RULE, *violating, config=OWNERSHIP).findings
    assert bad and {name for name, _ in bad} == {violating[0].name}, bad


def test_a_named_consumer_principal_in_the_topic_policy_is_refused_even_beside_account_grants():
    policy = doc(allow("sns:Publish", TOPIC, Principal=ROOT), allow(["sns:Subscribe", "sns:Publish"], TOPIC,
                                                                     Principal=CONSUMER_ROLE))
    found = messages(Subject("aws:sns/topicPolicy:TopicPolicy", {"arn": TOPIC, "policy": policy}))
    assert found == ["statement 1 lets a role of consumer context 'customer-data' (read and subscribe only) write "
                     "the change topic of entity 'order' (sns:publish); only roles of its owner 'order-management' may"]
    # An Allow whose own condition pins the caller to the owner's roles admits nobody else.
    pinned = allow("sns:Publish", TOPIC, Principal="*", Condition={"ArnEquals": {
        "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/prod-node-order-fulfilment"}})
    assert messages(Subject("aws:sns/topicPolicy:TopicPolicy", {"arn": TOPIC, "policy": doc(pinned)})) == []
    loose = {**pinned, "Condition": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}}}
    assert messages(Subject("aws:sns/topicPolicy:TopicPolicy", {"arn": TOPIC, "policy": doc(loose)}))


def test_a_fence_for_another_context_does_not_protect_the_owner():
    wrong = {**FENCE, "Condition": {"StringNotEquals": {"aws:PrincipalTag/bounded-context": "customer-data"}}}
    found = messages(Subject("aws:sns/topicPolicy:TopicPolicy", {"arn": TOPIC, "policy": doc(ANYONE_IN_ACCOUNT, wrong)}))
    assert found and found[0].startswith("statement 0 lets any principal write the change topic of entity 'order'")


@pytest.mark.parametrize("first, second, overlap", [
    (TOPIC, TOPIC, True), (TOPIC, "*", True), (KAFKA, f"arn:aws:kafka:eu-central-1:{ACCOUNT}:topic/prod-payments/abc/*", True),
    (KAFKA, f"arn:aws:kafka:eu-central-1:{ACCOUNT}:topic/prod-payments/abc/other", False),
    (STORE, f"arn:aws:sqs:eu-???????-1:{ACCOUNT}:prod-customers-crm-changes", True), (STORE, STORE + "-dlq", False),
])
def test_patterns_overlap(first, second, overlap):
    assert patterns_overlap(first, second) is overlap and patterns_overlap(second, first) is overlap
