"""A small synthetic plan in stack-export shape with everything a drill touches: for tests and the benchmark.

Ids are mock-style values, as the planner writes them, so seeding must map references exactly as it does
for a real plan.
"""

from __future__ import annotations

import json
from typing import Any

STACK = "urn:pulumi:drill::hybrid::"
ACCOUNT = "111122223333"


def _provider(region: str) -> dict[str, Any]:
    return {"urn": f"{STACK}pulumi:providers:aws::aws-{region}", "id": f"prov-{region}", "type": "pulumi:providers:aws",
            "custom": True, "inputs": {"region": region}}


def _res(type_: str, name: str, rid: str, region: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"{STACK}{type_}::{name}", "id": rid, "type": type_, "custom": True, "inputs": inputs,
            "provider": f"{STACK}pulumi:providers:aws::aws-{region}::prov-{region}"}


def synthetic_export(primary: str = "eu-west-1", secondary: str = "eu-central-1", interval: int = 10,
                     threshold: int = 3, ttl: int = 30, fifo: bool = False, max_receive_count: int = 3,
                     secret_replica: bool = True, secondary_queue: bool = True, failover_record: bool = True
                     ) -> dict[str, Any]:
    suffix = ".fifo" if fifo else ""
    resources = [_provider(primary), _provider(secondary),
                 _res("aws:route53/zone:Zone", "zone", "ZMOCK1", primary, {"name": "drill.example.com"})]
    for role, region in (("PRIMARY", primary), ("SECONDARY", secondary)):
        check_id = f"hc-mock-{role.lower()}"
        target = f"app-{region}.drill.example.com"
        resources.append(_res("aws:route53/healthCheck:HealthCheck", f"hc-{region}", check_id, primary,
                              {"type": "HTTPS", "fqdn": target, "port": 443, "resourcePath": "/health",
                               "requestInterval": interval, "failureThreshold": threshold}))
        if failover_record:
            resources.append(_res("aws:route53/record:Record", f"rec-{role.lower()}", f"ZMOCK1_app_{role}", primary,
                                  {"zoneId": "ZMOCK1", "name": "app.drill.example.com", "type": "CNAME", "ttl": ttl,
                                   "records": [target], "setIdentifier": f"{role.lower()}-{region}",
                                   "healthCheckId": check_id, "failoverRoutingPolicies": [{"type": role}]}))
    resources.append(_res("aws:secretsmanager/secret:Secret", "secret", f"arn:aws:secretsmanager:{primary}:{ACCOUNT}:secret:drill/token-abc",
                          primary, {"name": "drill/token", "kmsKeyId": "mock-key",
                                    "replicas": [{"region": secondary, "kmsKeyId": "mock-key"}] if secret_replica else []}))
    for region in (primary, secondary) if secondary_queue else (primary,):
        dlq = f"drill-work-dlq{suffix}"
        resources.append(_res("aws:sqs/queue:Queue", f"dlq-{region}", f"https://sqs/{dlq}", region,
                              {"name": dlq, "fifoQueue": fifo}))
        resources.append(_res("aws:sqs/queue:Queue", f"work-{region}", f"https://sqs/drill-work{suffix}", region,
                              {"name": f"drill-work{suffix}", "fifoQueue": fifo, "visibilityTimeoutSeconds": 30,
                               "redrivePolicy": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{region}:{ACCOUNT}:{dlq}",
                                                            "maxReceiveCount": max_receive_count})}))
        resources.append(_res("aws:sns/topic:Topic", f"topic-{region}", f"arn:aws:sns:{region}:{ACCOUNT}:drill-events",
                              region, {"name": "drill-events"}))
        resources.append(_res("aws:cloudwatch/metricAlarm:MetricAlarm", f"alarm-{region}", "drill-work-age", region,
                              {"name": "drill-work-age", "metricName": "ApproximateAgeOfOldestMessage", "namespace": "AWS/SQS",
                               "threshold": 600, "comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 3,
                               "period": 60, "statistic": "Maximum", "dimensions": {"QueueName": f"drill-work{suffix}"},
                               "alarmActions": [f"arn:aws:sns:{region}:{ACCOUNT}:drill-alerts-critical"],
                               "tags": {"severity": "critical"}}))
    return {"version": 3, "deployment": {"manifest": {"time": "0001-01-01T00:00:00Z"}, "resources": resources}}
