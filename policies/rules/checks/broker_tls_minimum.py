"""TLS 1.2 or later on every broker endpoint (practice 5.1)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging_transport import (AWS_RESOURCE_POLICIES, AZURE_NAMESPACES, MQ, MSK, RABBITMQ_CLUSTER, STRIMZI_KAFKA,
                                   TLS_OK, denies_plain_transport, get, listeners)
from ..values import document, flag


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == MQ:
        raise NotApplicable("Amazon MQ for RabbitMQ accepts AMQP over TLS only (port 5671)")
    if t in AZURE_NAMESPACES:
        # Unset means 1.2 on namespaces created since 2023, but older ones kept 1.0: ask for it explicitly.
        if str(props.get("minimumTlsVersion")) not in TLS_OK:
            yield "namespace accepts TLS below 1.2: set minimumTlsVersion to 1.2"
    elif t == MSK:
        # Defaults (clientBroker TLS, inCluster true) are compliant.
        if str(get(props, "encryptionInfo.encryptionInTransit.clientBroker") or "TLS") != "TLS" or \
                not flag(get(props, "encryptionInfo.encryptionInTransit.inCluster"), True):
            yield "Kafka traffic is not TLS-only: set clientBroker to TLS and inCluster to true"
    elif t == STRIMZI_KAFKA:
        found = listeners(props)
        if not found or any(listener.get("tls") is not True for listener in found):
            yield "a Kafka listener is not TLS: set tls: true on every listener"
    elif t == RABBITMQ_CLUSTER:
        if not get(props, "spec.tls.secretName") or get(props, "spec.tls.disableNonTLSListeners") is not True:
            yield "RabbitMQ accepts plaintext AMQP: set spec.tls.secretName and disableNonTLSListeners: true"
    elif t in AWS_RESOURCE_POLICIES:
        if not denies_plain_transport(document(props.get(AWS_RESOURCE_POLICIES[t]))):
            yield "resource policy does not deny requests without TLS (aws:SecureTransport false)"
    else:
        raise NotApplicable("not a broker endpoint")


RULE = Rule(
    id="broker-tls-minimum", concern="tls-minimum",
    description="Every broker endpoint accepts TLS 1.2 or later only (namespaces, Kafka, RabbitMQ, SQS/SNS policies).",
    severity="high",
    remediation="Set minimumTlsVersion 1.2 (Azure), clientBroker TLS (MSK), tls on every listener (Strimzi), "
                "spec.tls with disableNonTLSListeners (RabbitMQ); the Broker component does all of this.",
    check=check, types=frozenset({MQ, MSK, STRIMZI_KAFKA, RABBITMQ_CLUSTER, *AZURE_NAMESPACES, *AWS_RESOURCE_POLICIES}))
