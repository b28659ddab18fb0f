"""The messaging rules: a compliant resource, then one property changed, and the exact finding."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules import ALL_RULES
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource

TODAY = date(2026, 11, 28)
SB_NS = "azure-native:servicebus:Namespace"
MSK = "aws:msk/cluster:Cluster"
KAFKA = "kubernetes:kafka.strimzi.io/v1beta2:Kafka"
RMQ = "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster"

GOOD = {
    SB_NS: {"minimumTlsVersion": "1.2", "disableLocalAuth": True, "publicNetworkAccess": "Disabled",
            "sku": {"name": "Premium"}, "encryption": {"keySource": "Microsoft.KeyVault"}},
    MSK: {"clusterName": "prod-payments", "clientAuthentication": {"sasl": {"iam": True}, "unauthenticated": False},
          "encryptionInfo": {"encryptionAtRestKmsKeyArn": "arn:aws:kms:eu-central-1:1:key/k",
                             "encryptionInTransit": {"clientBroker": "TLS", "inCluster": True}},
          "brokerNodeGroupInfo": {"connectivityInfo": {"publicAccess": {"type": "DISABLED"}}}},
    "aws:mq/broker:Broker": {"publiclyAccessible": False},
    KAFKA: {"spec": {"kafka": {"listeners": [{"name": "tls", "type": "internal", "tls": True,
                                               "authentication": {"type": "tls"}}]}}},
    RMQ: {"spec": {"tls": {"secretName": "x-tls", "disableNonTLSListeners": True}, "service": {"type": "ClusterIP"}}},
    "azure-native:servicebus:Queue": {"queueName": "q", "maxDeliveryCount": 5, "deadLetteringOnMessageExpiration": True},
    "azure-native:servicebus:Subscription": {"subscriptionName": "s", "topicName": "t", "forwardTo": "q",
                                             "maxDeliveryCount": 5},
    "kubernetes:rabbitmq.com/v1beta1:Queue": {"spec": {"name": "q", "arguments": {
        "x-dead-letter-exchange": "dlx", "x-delivery-limit": 5}}},
    "aws:sqs/queuePolicy:QueuePolicy": {"policy": json.dumps({"Statement": [
        {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})},
}


def res(type_: str, name: str = "r", **changes) -> Resource:
    props = json.loads(json.dumps(GOOD.get(type_, {})))
    for dotted, value in changes.items():
        target = props
        *path, last = dotted.split("__")
        for part in path:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return Resource(urn=f"urn:pulumi:prod::hybrid::{type_}::{name}", type=type_, name=name,
                    props=unknown_checking_proxy(props))


def verdict(rule_id: str, *resources: Resource, tier: str = "production"):
    rule = next(r for r in ALL_RULES if r.id == rule_id)
    return evaluate(list(resources), [rule], {rule_id: {"enforcementLevel": "mandatory", "tier": tier}}, TODAY)[0]


def messages(v) -> list[str]:
    return [m for _, m in v.violations]


@pytest.mark.parametrize("type_,change,expected", [
    (SB_NS, {"minimumTlsVersion": "1.0"}, "namespace accepts TLS below 1.2: set minimumTlsVersion to 1.2"),
    (MSK, {"encryptionInfo__encryptionInTransit__clientBroker": "TLS_PLAINTEXT"}, "Kafka traffic is not TLS-only"),
    (KAFKA, {}, None),
    (RMQ, {"spec__tls__disableNonTLSListeners": False}, "RabbitMQ accepts plaintext AMQP"),
    ("aws:sqs/queuePolicy:QueuePolicy", {"policy": json.dumps({"Statement": []})}, "resource policy does not deny"),
])
def test_tls_minimum(type_, change, expected):
    assert verdict("broker-tls-minimum", res(type_)).passed
    if expected:
        assert messages(verdict("broker-tls-minimum", res(type_, **change)))[0].startswith(expected)


def test_tls_rule_on_strimzi_listeners_and_mq_reason():
    bad = res(KAFKA, spec__kafka__listeners=[{"name": "plain", "type": "internal", "tls": False}])
    assert messages(verdict("broker-tls-minimum", bad)) == ["a Kafka listener is not TLS: set tls: true on every listener"]
    mq = verdict("broker-tls-minimum", res("aws:mq/broker:Broker"))
    assert mq.not_applicable[0][1] == "Amazon MQ for RabbitMQ accepts AMQP over TLS only (port 5671)"


@pytest.mark.parametrize("type_,change,expected", [
    ("aws:mq/broker:Broker", {"publiclyAccessible": True}, "broker is publicly accessible"),
    (MSK, {"brokerNodeGroupInfo__connectivityInfo__publicAccess__type": "SERVICE_PROVIDED_EIPS"}, "Kafka brokers have public access"),
    (SB_NS, {"publicNetworkAccess": "Enabled"}, "Premium namespace is reachable from the internet"),
    (KAFKA, {"spec__kafka__listeners": [{"name": "ext", "type": "loadbalancer", "tls": True}]}, "a Kafka listener is exposed"),
    (RMQ, {"spec__service__type": "LoadBalancer"}, "RabbitMQ service is exposed"),
])
def test_not_public(type_, change, expected):
    assert verdict("broker-not-public", res(type_)).passed
    assert messages(verdict("broker-not-public", res(type_, **change)))[0].startswith(expected)


def test_not_public_says_why_standard_namespaces_cannot_comply():
    v = verdict("broker-not-public", res(SB_NS, sku__name="Standard", publicNetworkAccess="Enabled"))
    assert v.passed and v.not_applicable[0][1].startswith("private endpoints need the Premium tier")


def test_kafka_client_authentication():
    assert verdict("kafka-client-authentication", res(MSK), res(KAFKA)).passed
    open_msk = res(MSK, clientAuthentication={"sasl": {"iam": False, "scram": False}, "unauthenticated": True})
    assert messages(verdict("kafka-client-authentication", open_msk)) == [
        "unauthenticated Kafka clients are allowed: set clientAuthentication.unauthenticated to false",
        "no Kafka client authentication: enable IAM, SASL/SCRAM or mutual TLS"]
    anon = res(KAFKA, spec__kafka__listeners=[{"name": "tls", "type": "internal", "tls": True}])
    assert messages(verdict("kafka-client-authentication", anon))[0].startswith("a Kafka listener accepts unauthenticated")


def test_local_auth_disabled_in_production_only():
    assert verdict("azure-local-auth-disabled", res(SB_NS)).passed
    sas = res(SB_NS, disableLocalAuth=False)
    assert messages(verdict("azure-local-auth-disabled", sas))[0].startswith("shared access signature (local) auth")
    dev = verdict("azure-local-auth-disabled", sas, tier="development")
    assert dev.passed and dev.not_applicable


def test_dead_letter_paths_beyond_sqs():
    for type_ in ("azure-native:servicebus:Queue", "azure-native:servicebus:Subscription",
                  "kubernetes:rabbitmq.com/v1beta1:Queue"):
        assert verdict("dead-letter-queue-required", res(type_)).passed, type_
    assert messages(verdict("dead-letter-queue-required", res("azure-native:servicebus:Queue",
                                                               deadLetteringOnMessageExpiration=False))) == [
        "no dead-letter path: set maxDeliveryCount and deadLetteringOnMessageExpiration"]
    assert not verdict("dead-letter-queue-required", res("kubernetes:rabbitmq.com/v1beta1:Queue",
                                                          spec__arguments={})).passed


def test_cmk_on_msk_and_azure_premium():
    assert verdict("broker-cmk-encryption", res(MSK), res(SB_NS)).passed
    assert messages(verdict("broker-cmk-encryption", res(MSK, encryptionInfo__encryptionAtRestKmsKeyArn=None))) == [
        "not encrypted with a customer-managed KMS key"]
    assert messages(verdict("broker-cmk-encryption", res(SB_NS, encryption=None))) == [
        "Premium namespace not encrypted with a customer-managed Key Vault key"]
    standard = verdict("broker-cmk-encryption", res(SB_NS, sku__name="Standard", encryption=None))
    assert standard.passed and "Premium" in standard.not_applicable[0][1]


def _alarm(queue_name: str) -> Resource:
    return Resource(urn=f"urn:pulumi:prod::hybrid::aws:cloudwatch/metricAlarm:MetricAlarm::{queue_name}-age",
                    type="aws:cloudwatch/metricAlarm:MetricAlarm", name=f"{queue_name}-age",
                    props={"dimensions": {"QueueName": queue_name}, "alarmActions": ["arn:aws:sns:x"]})


def test_lag_alarm_for_every_consumer_path():
    queue = Resource(urn="urn:pulumi:prod::hybrid::aws:sqs/queue:Queue::q", type="aws:sqs/queue:Queue", name="q",
                     props={"name": "prod-orders-q"})
    dlq = Resource(urn="urn:pulumi:prod::hybrid::aws:sqs/queue:Queue::q-dlq", type="aws:sqs/queue:Queue",
                   name="q-dlq", props={"name": "prod-orders-q-dlq", "redriveAllowPolicy": "{}"})
    assert verdict("lag-alarm-required", queue, dlq, _alarm("prod-orders-q")).passed
    missing = verdict("lag-alarm-required", queue, dlq, _alarm("prod-orders-other"))
    assert missing.violations == [(queue.urn, "consumer path has no lag or backlog alarm routed to an alert destination")]
    kafka_topic = res("kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic", metadata={"name": "readings"})
    rule = Resource(urn="urn:x::kubernetes:monitoring.coreos.com/v1:PrometheusRule::r",
                    type="kubernetes:monitoring.coreos.com/v1:PrometheusRule", name="r",
                    props={"spec": {"groups": [{"rules": [{"expr": 'max(kafka_consumergroup_lag{topic="readings"}) > 5'}]}]}})
    assert verdict("lag-alarm-required", kafka_topic, rule).passed
    assert not verdict("lag-alarm-required", kafka_topic).passed
