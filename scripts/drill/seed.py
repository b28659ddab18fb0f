"""Seed a local stand-in with exactly the drill-relevant resources the plan declares.

Hosted zone, failover records and their health checks, secrets with their replicas (holding a synthetic
value the drill writes itself), queues with their dead-letter queues, topics, and alarms. References that
are mock ids in the plan (a record's health check, a queue's DLQ ARN) are mapped to what the target returns.
KMS keys are left out: the drill never decrypts with them, and the stand-in does not check them.
"""

from __future__ import annotations

import json
import secrets as random
from typing import Any

from .clients import Clients
from .inventory import Alarm, HealthCheck, Inventory, Queue

_QUERY_KEYS = {"id": "Id", "expression": "Expression", "label": "Label", "returnData": "ReturnData",
               "period": "Period", "accountId": "AccountId"}


def _health_check(clients: Clients, check: HealthCheck) -> str:
    config: dict[str, Any] = {"Type": check.type, "RequestInterval": check.interval, "FailureThreshold": check.threshold}
    for key, value in (("FullyQualifiedDomainName", check.fqdn), ("IPAddress", check.ip_address),
                       ("Port", check.port), ("ResourcePath", check.path)):
        if value is not None:
            config[key] = value
    made = clients("route53", "global").create_health_check(CallerReference=f"drill-{check.plan_id}",
                                                            HealthCheckConfig=config)
    return made["HealthCheck"]["Id"]


def _route53(clients: Clients, inventory: Inventory) -> None:
    route53 = clients("route53", "global")
    zone_id = route53.create_hosted_zone(Name=inventory.zone, CallerReference=f"drill-{inventory.zone}")["HostedZone"]["Id"]
    changes = []
    for record in (inventory.primary, inventory.secondary):
        change: dict[str, Any] = {"Name": record.name, "Type": record.type, "TTL": record.ttl,
                                  "SetIdentifier": record.set_identifier, "Failover": record.role,
                                  "ResourceRecords": [{"Value": v} for v in record.values]}
        if record.health_check:
            change["HealthCheckId"] = _health_check(clients, record.health_check)
        changes.append({"Action": "UPSERT", "ResourceRecordSet": change})
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})


def _queues(clients: Clients, queues: tuple[Queue, ...]) -> None:
    arns: dict[tuple[str, str], str] = {}
    # Dead-letter queues first, so work queues can name their real ARNs.
    for queue in sorted(queues, key=lambda q: q.dlq is not None):
        sqs = clients("sqs", queue.region)
        attributes = dict(queue.attributes, VisibilityTimeout=str(queue.visibility_timeout))
        if queue.fifo:
            attributes["FifoQueue"] = "true"
        if queue.dlq and (queue.region, queue.dlq) in arns:
            attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": arns[(queue.region, queue.dlq)],
                                                      "maxReceiveCount": queue.max_receive_count or 5})
        url = sqs.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
        arns[(queue.region, queue.name)] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]


def _metric_queries(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    metrics = []
    for query in queries:
        item = {_QUERY_KEYS[k]: v for k, v in query.items() if k in _QUERY_KEYS}
        if "metric" in query:
            metric = query["metric"]
            item["MetricStat"] = {"Metric": {"MetricName": metric["metricName"], "Namespace": metric["namespace"],
                                             "Dimensions": [{"Name": k, "Value": str(v)} for k, v in
                                                            (metric.get("dimensions") or {}).items()]},
                                  "Period": int(metric.get("period", 60)), "Stat": metric.get("stat", "Sum")}
        metrics.append(item)
    return metrics


def _alarm(clients: Clients, alarm: Alarm) -> None:
    inputs = alarm.inputs
    request: dict[str, Any] = {"AlarmName": alarm.name, "ComparisonOperator": inputs.get("comparisonOperator", "GreaterThanThreshold"),
                               "EvaluationPeriods": int(inputs.get("evaluationPeriods", 1)),
                               "AlarmActions": list(inputs.get("alarmActions") or []),
                               "Tags": [{"Key": "severity", "Value": "critical" if alarm.critical else "other"}]}
    if "threshold" in inputs:
        request["Threshold"] = float(inputs["threshold"])
    if inputs.get("metricQueries"):
        request["Metrics"] = _metric_queries(inputs["metricQueries"])
    else:
        request.update(MetricName=inputs.get("metricName", "Unknown"), Namespace=inputs.get("namespace", "Unknown"),
                       Period=int(inputs.get("period", 60)),
                       Dimensions=[{"Name": k, "Value": str(v)} for k, v in (inputs.get("dimensions") or {}).items()])
        if inputs.get("extendedStatistic"):
            request["ExtendedStatistic"] = inputs["extendedStatistic"]
        else:
            request["Statistic"] = inputs.get("statistic", "Average")
    clients("cloudwatch", alarm.region).put_metric_alarm(**request)


def seed(clients: Clients, inventory: Inventory) -> dict[str, int]:
    """Create the inventory on the target; returns counts by kind for the report."""
    _route53(clients, inventory)
    for secret in inventory.secrets:
        # A synthetic value the drill itself owns; compared across regions by digest, never printed.
        clients("secretsmanager", secret.region).create_secret(
            Name=secret.name, SecretString=random.token_urlsafe(24),
            AddReplicaRegions=[{"Region": region} for region in secret.replica_regions])
    _queues(clients, inventory.queues)
    for name, region, fifo in inventory.topics:
        clients("sns", region).create_topic(Name=name, Attributes={"FifoTopic": "true"} if fifo else {})
    for alarm in inventory.alarms:
        _alarm(clients, alarm)
    return {"records": 2, "health_checks": sum(1 for r in (inventory.primary, inventory.secondary) if r.health_check),
            "secrets": len(inventory.secrets), "queues": len(inventory.queues), "topics": len(inventory.topics),
            "alarms": len(inventory.alarms)}
