"""Ordering: a reference to another planned resource comes with a dependency on it."""

from __future__ import annotations

import json

from scripts.contracts.ordering import check_ordering
from scripts.contracts.run import contract_findings

from .contract_states import ACCOUNT, checks_of, export, res, urn

URL = f"https://sqs.eu-central-1.amazonaws.com/{ACCOUNT}/prod-orders"
ARN = f"arn:aws:sqs:eu-central-1:{ACCOUNT}:prod-orders"
QUEUE = res("aws:sqs/queue:Queue", "orders", {"name": "prod-orders"}, id=URL, outputs={"arn": ARN, "url": URL})


def findings(*states):
    return checks_of(contract_findings(export(*states), None, [check_ordering]))


def policy(deps=()):
    return res("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {"queueUrl": URL, "policy": json.dumps(
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": ARN}]})}, id=URL, deps=deps)


def test_a_policy_naming_its_queue_depends_on_it():
    assert findings(QUEUE, policy(deps=(QUEUE["urn"],))) == []
    assert findings(QUEUE, policy()) == [("missing-dependency", "orders-policy")]


def test_a_transitive_dependency_orders_them_too():
    key = res("aws:kms/key:Key", "key", {"description": "k"}, deps=(QUEUE["urn"],))
    dependant = res("aws:sns/topicSubscription:TopicSubscription", "sub", {"endpoint": ARN, "protocol": "sqs"},
                    deps=(key["urn"],))
    assert findings(QUEUE, key, dependant) == []


def test_a_forward_reference_is_ordered_when_the_named_resource_depends_on_the_referrer():
    """CloudTrail checks its bucket policy before it creates the trail, so the policy names the trail's ARN
    before the trail exists; the trail depends on the policy, and the engine orders them that way."""
    trail_arn = f"arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/prod-audit"
    statement = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
                 "Resource": "arn:aws:s3:::prod-audit/*", "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}}
    bucket_policy = res("aws:s3/bucketPolicy:BucketPolicy", "audit-policy",
                        {"bucket": "prod-audit", "policy": json.dumps({"Statement": [statement]})})
    trail = res("aws:cloudtrail/trail:Trail", "audit", {"name": "prod-audit", "s3BucketName": "prod-audit"},
                outputs={"arn": trail_arn}, deps=(bucket_policy["urn"],))
    assert findings(bucket_policy, trail) == []
    unordered = res("aws:cloudtrail/trail:Trail", "audit", {"name": "prod-audit", "s3BucketName": "prod-audit"},
                    outputs={"arn": trail_arn})
    assert findings(bucket_policy, unordered) == [("missing-dependency", "audit-policy")]


def test_service_bus_forwarding_names_its_destination_by_meaning():
    destination = res("azure-native:servicebus:Queue", "updates", {"namespaceName": "ns", "queueName": "updates"},
                      id="/subscriptions/x/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/updates")
    forwarding = {"namespaceName": "ns", "topicName": "t", "subscriptionName": "updates", "forwardTo": "updates"}
    without = res("azure-native:servicebus:Subscription", "to-updates", forwarding)
    assert findings(destination, without) == [("missing-dependency", "to-updates")]
    with_dependency = res("azure-native:servicebus:Subscription", "to-updates", forwarding, deps=(destination["urn"],))
    assert findings(destination, with_dependency) == []
    other_namespace = res("azure-native:servicebus:Subscription", "to-updates", {**forwarding, "namespaceName": "other"})
    assert findings(destination, other_namespace) == []


def test_names_that_merely_coincide_are_not_references():
    deployment = res("kubernetes:apps/v1:Deployment", "app", {"metadata": {"name": "orders", "namespace": "billing"}})
    service = res("kubernetes:core/v1:Service", "svc", {"metadata": {"name": "orders", "namespace": "billing"}})
    tagged = res("aws:sns/topic:Topic", "t", {"name": "prod-orders", "tags": {"queue": "prod-orders"}})
    assert findings(QUEUE, deployment, service, tagged) == []
    assert urn("aws:sqs/queue:Queue", "orders") == QUEUE["urn"]
