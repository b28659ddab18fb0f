"""Kafka accepts neither unauthenticated nor plaintext clients, and Connect clusters authenticate over TLS (practice 5.4)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging_transport import MSK, STRIMZI_KAFKA, get, listeners

EVENT_HUB_NAMESPACE = "azure-native:eventhub:Namespace"
# Kafka clients the stack runs itself: MSK Connect connectors and Strimzi Connect clusters (CDC, practice 4.2).
MSK_CONNECTOR = "aws:mskconnect/connector:Connector"
STRIMZI_CONNECT = "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnect"


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == EVENT_HUB_NAMESPACE:
        raise NotApplicable("the Event Hubs Kafka endpoint always requires SASL over TLS")
    if t == MSK:
        if get(props, "clientAuthentication.unauthenticated") is True:
            yield "unauthenticated Kafka clients are allowed: set clientAuthentication.unauthenticated to false"
        if not (get(props, "clientAuthentication.sasl.iam") or get(props, "clientAuthentication.sasl.scram")
                or get(props, "clientAuthentication.tls")):
            yield "no Kafka client authentication: enable IAM, SASL/SCRAM or mutual TLS"
        if get(props, "encryptionInfo.encryptionInTransit.clientBroker") in ("PLAINTEXT", "TLS_PLAINTEXT"):
            yield "Kafka accepts plaintext clients: set clientBroker to TLS"
    elif t == STRIMZI_KAFKA:
        for listener in listeners(props):
            if not get(listener, "authentication.type"):
                yield "a Kafka listener accepts unauthenticated clients: set its authentication (tls or scram-sha-512)"
            if listener.get("tls") is not True:
                yield "a Kafka listener accepts plaintext clients: set tls: true"
    elif t == MSK_CONNECTOR:
        if get(props, "kafkaClusterClientAuthentication.authenticationType") != "IAM":
            yield "the connector reaches Kafka unauthenticated: set kafkaClusterClientAuthentication to IAM"
        if get(props, "kafkaClusterEncryptionInTransit.encryptionType") != "TLS":
            yield "the connector reaches Kafka in plaintext: set kafkaClusterEncryptionInTransit to TLS"
    elif t == STRIMZI_CONNECT:
        if not get(props, "spec.authentication.type"):
            yield "the Connect cluster reaches Kafka unauthenticated: set spec.authentication (tls or scram-sha-512)"
        if not get(props, "spec.tls.trustedCertificates"):
            yield "the Connect cluster does not verify the brokers over TLS: set spec.tls.trustedCertificates"
    else:
        raise NotApplicable("not a Kafka broker or client")


RULE = Rule(
    id="kafka-client-authentication", concern="client-authentication",
    description="Kafka accepts neither unauthenticated nor plaintext clients, and the stack's own clients (Connect) "
                "authenticate over TLS.",
    severity="high",
    remediation="Use client_auth iam or scram (MSK) / tls or scram (Strimzi); never allow unauthenticated access.",
    check=check, types=frozenset({MSK, STRIMZI_KAFKA, EVENT_HUB_NAMESPACE, MSK_CONNECTOR, STRIMZI_CONNECT}))
