"""A lag or backlog alarm on every consumer path (practice 3.6): a stuck consumer must page someone.

A stack rule: it matches consumer paths (queues, subscriptions, Kafka topics and clusters, event hubs) to
the alarms that watch them by the metric dimensions the alarms carry (CloudWatch, Azure Monitor) or the
label selectors in their PrometheusRule expressions.
"""

from __future__ import annotations


from .framework import Resource
from .messaging import is_dead_letter_name
from .messaging_transport import get

SQS = "aws:sqs/queue:Queue"
MSK = "aws:msk/cluster:Cluster"
SB_QUEUE = "azure-native:servicebus:Queue"
SB_SUBSCRIPTION = "azure-native:servicebus:Subscription"
EVENT_HUB = "azure-native:eventhub:EventHub"
KAFKA_TOPIC = "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic"
RABBITMQ_QUEUE = "kubernetes:rabbitmq.com/v1beta1:Queue"
CW_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
AZ_ALERT = "azure-native:monitor:MetricAlert"
PROM_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
# CDC connectors (practice 4.2) are paths too: a stalled one lets changes pile up in the source database's log.
MSK_CONNECTOR = "aws:mskconnect/connector:Connector"
KAFKA_CONNECTOR = "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnector"
PATHS = {SQS, MSK, SB_QUEUE, SB_SUBSCRIPTION, EVENT_HUB, KAFKA_TOPIC, RABBITMQ_QUEUE, MSK_CONNECTOR, KAFKA_CONNECTOR}


def _is_dead_letter(resource: Resource) -> bool:
    name = str(resource.props.get("name") or get(resource.props, "spec.name") or get(resource.props, "metadata.name")
               or resource.props.get("eventHubName") or "")
    return is_dead_letter_name(name) or bool(resource.props.get("redriveAllowPolicy"))


def _watched(resources: list[Resource]) -> tuple[set[tuple[str, str]], set[str], list[str]]:
    cloudwatch: set[tuple[str, str]] = set()
    azure: set[str] = set()
    exprs: list[str] = []
    for r in resources:
        if r.type == CW_ALARM and r.props.get("alarmActions"):
            for key, value in (r.props.get("dimensions") or {}).items():
                cloudwatch.add((str(key), str(value)))
        elif r.type == AZ_ALERT and r.props.get("actions"):
            for criterion in get(r.props, "criteria.allOf") or []:
                for dimension in criterion.get("dimensions") or []:
                    azure.update(str(v) for v in dimension.get("values") or [])
        elif r.type == PROM_RULE:
            for group in get(r.props, "spec.groups") or []:
                exprs.extend(str(rule.get("expr", "")) for rule in group.get("rules") or [])
    return cloudwatch, azure, exprs
