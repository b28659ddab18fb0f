"""Broker transport rules: TLS 1.2+ everywhere (practice 5.1), no public brokers (5.5), authenticated Kafka
clients (5.4) and no shared-key (SAS) auth on Azure namespaces in production (5.4)."""

from __future__ import annotations

from typing import Any, Iterable

from .framework import NotApplicable, Resource, Rule, RuleContext, json_prop

MQ = "aws:mq/broker:Broker"
MSK = "aws:msk/cluster:Cluster"
AZURE_NAMESPACES = {"azure-native:servicebus:Namespace", "azure-native:eventhub:Namespace"}
STRIMZI_KAFKA = "kubernetes:kafka.strimzi.io/v1beta2:Kafka"
RABBITMQ_CLUSTER = "kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster"
AWS_RESOURCE_POLICIES = {"aws:sqs/queuePolicy:QueuePolicy": "policy", "aws:sns/topicPolicy:TopicPolicy": "policy"}
TLS_OK = {"1.2", "1.3"}
INTERNAL_LISTENERS = {"internal", "cluster-ip"}


def get(props: Any, dotted: str) -> Any:
    value = props
    for part in dotted.split("."):
        value = value.get(part) if hasattr(value, "get") else None
    return value


def _listeners(resource: Resource) -> list:
    return list(get(resource.props, "spec.kafka.listeners") or [])


def _denies_plain_transport(document: Any) -> bool:
    for statement in (document or {}).get("Statement", []) if isinstance(document, dict) else []:
        condition = statement.get("Condition", {}).get("Bool", {})
        if statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport")).lower() == "false":
            return True
    return False


def check_tls(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == MQ:
        raise NotApplicable("Amazon MQ for RabbitMQ accepts AMQP over TLS only (port 5671)")
    if t in AZURE_NAMESPACES:
        if str(props.get("minimumTlsVersion")) not in TLS_OK:
            yield "namespace accepts TLS below 1.2: set minimumTlsVersion to 1.2"
    elif t == MSK:
        transit = get(props, "encryptionInfo.encryptionInTransit") or {}
        if transit.get("clientBroker", "TLS") != "TLS" or transit.get("inCluster") is False:
            yield "Kafka traffic is not TLS-only: set clientBroker to TLS and inCluster to true"
    elif t == STRIMZI_KAFKA:
        if not _listeners(resource) or any(listener.get("tls") is not True for listener in _listeners(resource)):
            yield "a Kafka listener is not TLS: set tls: true on every listener"
    elif t == RABBITMQ_CLUSTER:
        tls = get(props, "spec.tls") or {}
        if not tls.get("secretName") or tls.get("disableNonTLSListeners") is not True:
            yield "RabbitMQ accepts plaintext AMQP: set spec.tls.secretName and disableNonTLSListeners: true"
    elif t in AWS_RESOURCE_POLICIES:
        if not _denies_plain_transport(json_prop(props, AWS_RESOURCE_POLICIES[t])):
            yield "resource policy does not deny requests without TLS (aws:SecureTransport false)"
    else:
        raise NotApplicable("not a broker endpoint")


def check_not_public(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == MQ:
        if props.get("publiclyAccessible") is not False:
            yield "broker is publicly accessible: set publiclyAccessible to false"
    elif t == MSK:
        access = get(props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type")
        if access not in (None, "DISABLED"):
            yield "Kafka brokers have public access: set connectivityInfo.publicAccess.type to DISABLED"
    elif t in AZURE_NAMESPACES:
        if str(get(props, "sku.name")) not in ("Premium", "Dedicated"):
            raise NotApplicable("private endpoints need the Premium tier; Standard namespaces rely on Entra ID over TLS")
        if props.get("publicNetworkAccess") != "Disabled":
            yield "Premium namespace is reachable from the internet: set publicNetworkAccess to Disabled"
    elif t == STRIMZI_KAFKA:
        if any(str(listener.get("type")) not in INTERNAL_LISTENERS for listener in _listeners(resource)):
            yield "a Kafka listener is exposed outside the cluster: use type internal"
    elif t == RABBITMQ_CLUSTER:
        if str(get(props, "spec.service.type") or "ClusterIP") != "ClusterIP":
            yield "RabbitMQ service is exposed outside the cluster: use service type ClusterIP"
    else:
        raise NotApplicable("not a broker")


def check_kafka_auth(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == "azure-native:eventhub:Namespace":
        raise NotApplicable("the Event Hubs Kafka endpoint always requires SASL over TLS")
    if t == MSK:
        auth = props.get("clientAuthentication") or {}
        sasl = auth.get("sasl") or {}
        if auth.get("unauthenticated") is True:
            yield "unauthenticated Kafka clients are allowed: set clientAuthentication.unauthenticated to false"
        if not (sasl.get("iam") or sasl.get("scram") or auth.get("tls")):
            yield "no Kafka client authentication: enable IAM, SASL/SCRAM or mutual TLS"
        if get(props, "encryptionInfo.encryptionInTransit.clientBroker") in ("PLAINTEXT", "TLS_PLAINTEXT"):
            yield "Kafka accepts plaintext clients: set clientBroker to TLS"
    elif t == STRIMZI_KAFKA:
        for listener in _listeners(resource):
            if not (listener.get("authentication") or {}).get("type"):
                yield "a Kafka listener accepts unauthenticated clients: set its authentication (tls or scram-sha-512)"
            if listener.get("tls") is not True:
                yield "a Kafka listener accepts plaintext clients: set tls: true"
    else:
        raise NotApplicable("not a Kafka broker")


def check_local_auth(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    if resource.type not in AZURE_NAMESPACES:
        raise NotApplicable("not an Azure messaging namespace")
    if ctx.tier != "production":
        raise NotApplicable("shared access keys are refused in production tiers only")
    if resource.props.get("disableLocalAuth") is not True:
        yield "shared access signature (local) auth is enabled: set disableLocalAuth to true and use Entra ID"


RULES = [
    Rule(id="broker-tls-minimum",
         description="Every broker endpoint accepts TLS 1.2 or later only (namespaces, Kafka, RabbitMQ, SQS/SNS policies).",
         severity="high",
         remediation="Set minimumTlsVersion 1.2 (Azure), clientBroker TLS (MSK), tls on every listener (Strimzi), "
                     "spec.tls with disableNonTLSListeners (RabbitMQ); the Broker component does all of this.",
         check=check_tls, types=frozenset({MQ, MSK, STRIMZI_KAFKA, RABBITMQ_CLUSTER, *AZURE_NAMESPACES,
                                           *AWS_RESOURCE_POLICIES})),
    Rule(id="broker-not-public",
         description="No broker is reachable from the internet.",
         severity="critical",
         remediation="Keep brokers in private subnets or behind private endpoints (publiclyAccessible false, "
                     "public access DISABLED, publicNetworkAccess Disabled, internal listeners, ClusterIP services).",
         check=check_not_public, types=frozenset({MQ, MSK, STRIMZI_KAFKA, RABBITMQ_CLUSTER, *AZURE_NAMESPACES})),
    Rule(id="kafka-client-authentication",
         description="Kafka accepts neither unauthenticated nor plaintext clients.",
         severity="high",
         remediation="Use client_auth iam or scram (MSK) / tls or scram (Strimzi); never allow unauthenticated access.",
         check=check_kafka_auth, types=frozenset({MSK, STRIMZI_KAFKA, "azure-native:eventhub:Namespace"})),
    Rule(id="azure-local-auth-disabled",
         description="Service Bus and Event Hubs namespaces refuse shared access keys in production (Entra ID only).",
         severity="high",
         remediation="Set disableLocalAuth true and grant applications Azure RBAC data roles instead of SAS keys.",
         check=check_local_auth, types=frozenset(AZURE_NAMESPACES),
         levels={"development": "advisory", "staging": "advisory", "production": "mandatory"}),
]
