"""No broker reachable from the internet (practice 5.5)."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..messaging_transport import AZURE_NAMESPACES, INTERNAL_LISTENERS, MQ, MSK, RABBITMQ_CLUSTER, STRIMZI_KAFKA, get, listeners
from ..values import flag


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props, t = resource.props, resource.type
    if t == MQ:
        # Unset is the provider's default, false (private to the VPC's subnets).
        if flag(props.get("publiclyAccessible"), False):
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
        if any(str(listener.get("type")) not in INTERNAL_LISTENERS for listener in listeners(props)):
            yield "a Kafka listener is exposed outside the cluster: use type internal"
    elif t == RABBITMQ_CLUSTER:
        if str(get(props, "spec.service.type") or "ClusterIP") != "ClusterIP":
            yield "RabbitMQ service is exposed outside the cluster: use service type ClusterIP"
    else:
        raise NotApplicable("not a broker")


RULE = Rule(
    id="broker-not-public", concern="public-broker-exposure",
    description="No broker is reachable from the internet.",
    severity="critical",
    remediation="Keep brokers in private subnets or behind private endpoints (publiclyAccessible false, "
                "public access DISABLED, publicNetworkAccess Disabled, internal listeners, ClusterIP services).",
    check=check, types=frozenset({MQ, MSK, STRIMZI_KAFKA, RABBITMQ_CLUSTER, *AZURE_NAMESPACES}))
