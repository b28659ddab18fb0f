"""The rules a saga meets beyond its own Step Functions rules (tests/test_policy_type_coverage.py holds those):
nodes answering task tokens need states:SendTask* on "*", which cannot be scoped, and nothing else may ride
on that exception."""

from __future__ import annotations

import json

from components.sagas import documents

from .rule_harness import Subject, judge

IRSA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"oidc.eks.eu-central-1.amazonaws.com/id/X:sub": "system:serviceaccount:billing:order-billing"}}}]})
ROLE = Subject("aws:iam/role:Role", {"name": "prod-node-order-billing", "assumeRolePolicy": IRSA_TRUST}, name="role")
KEY = "arn:aws:kms:eu-central-1:1:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MACHINE = "arn:aws:states:eu-central-1:1:stateMachine:prod-saga-order-to-cash"


def grant(policy: str) -> Subject:
    return Subject("aws:iam/rolePolicy:RolePolicy", {"role": "prod-node-order-billing", "policy": policy}, name="grant")


def test_the_callback_grant_on_a_node_role_passes_both_least_privilege_rules():
    callbacks = grant(documents.callback_policy(KEY, MACHINE))
    assert not judge("workload-identity-least-privilege", callbacks, ROLE).findings
    assert not judge("iam-least-privilege", callbacks).findings


def test_a_scopable_action_beside_the_callbacks_on_a_wildcard_still_fails():
    policy = json.loads(documents.callback_policy(KEY, MACHINE))
    policy["Statement"][0]["Action"].append("sqs:SendMessage")
    wide = grant(json.dumps(policy))
    assert [name for name, _ in judge("workload-identity-least-privilege", wide, ROLE).findings] == ["grant"]
    assert judge("iam-least-privilege", wide).findings


def test_the_execution_role_policy_passes_least_privilege():
    policy = documents.execution_policy(["arn:aws:sqs:eu-central-1:1:prod-orders-stock-reservations"],
                                        {"sqs.eu-central-1.amazonaws.com": [KEY]}, KEY, MACHINE)
    assert not judge("iam-least-privilege", grant(policy)).findings
