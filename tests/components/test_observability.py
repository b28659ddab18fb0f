"""Observability built alone: alert topics per region, SLO alarms rolled into a composite that pages."""

from __future__ import annotations

import json
from types import SimpleNamespace


from components.observability.component import Observability, ObservabilityArgs
from components.spec.observability import ObservabilitySpec

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build, secret

SPEC = ObservabilitySpec.model_validate({
    "oncall": [{"name": "pager", "kind": "pagerduty", "endpoint": {"secret": "oncallEndpoints", "entry": "pagerduty"},
                "severities": ["critical"]},
               {"name": "mail", "kind": "email", "endpoint": {"secret": "oncallEndpoints", "entry": "email"},
                "severities": ["warning"]}],
    "integrations": [{"name": "order-billing", "owner": "orders", "producer": "orders", "consumer": "orders",
                      "pattern": "async", "region": "eu-central-1", "broker": "orders", "queue": "billing", "slos": {"availability": {"target_percent": 99.5, "severity": "critical"},
                                                   "backlog_age_seconds": {"target": 600, "severity": "critical"}}}],
})
ENDPOINTS = json.dumps({"pagerduty": "https://events.pagerduty.com/integration/abc/enqueue",
                        "email": "oncall@example.com"})


def observability():
    def program():
        providers = {r: aws_provider(r) for r in ("eu-central-1", "eu-west-1")}
        component = Observability("observability", ObservabilityArgs(
            spec=SPEC, environment="unit", account=ACCOUNT, primary_region="eu-central-1", aws_providers=providers,
            secrets={"oncallEndpoints": secret(ENDPOINTS)}, protect=True))
        # The integrations' alarms read what a Broker component exposes: its queues' physical names.
        component.watch({"orders": SimpleNamespace(queue_names={"billing": "unit-orders-billing"})})
        component.monitor()
        return component
    return build(program)


def test_each_region_gets_encrypted_alert_topics_subscribed_by_severity():
    built = observability()
    assert_children_named_after(built, "hybrid:observability:Observability", "observability")
    topics = built.of_type("aws:sns/topic:Topic")
    regions = {t["provider"].split("::")[-2] for t in topics}
    assert regions == {"aws-eu-central-1", "aws-eu-west-1"}
    assert all(t["inputs"]["kmsMasterKeyId"] for t in topics)
    subscriptions = built.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert {s["inputs"]["protocol"] for s in subscriptions} == {"https", "email"}
    assert "pagerduty.com" not in json.dumps(built.resources), "on-call endpoints are secrets"
    assert set(built.component.alert_topic_arns) == {"eu-central-1", "eu-west-1"}


def test_slo_alarms_roll_up_into_a_composite_that_notifies_the_critical_topic():
    built = observability()
    composites = built.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    assert len(composites) == 1
    composite = composites[0]["inputs"]
    alarms = {a["inputs"]["name"] for a in built.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert composite["alarmRule"] == ('ALARM("unit-order-billing-availability-fast-burn") OR '
                                      'ALARM("unit-order-billing-backlog-age")')
    assert {"unit-order-billing-availability-fast-burn", "unit-order-billing-backlog-age"} <= alarms
    assert composite["alarmActions"] == [f"arn:aws:sns:eu-central-1:{ACCOUNT}:unit-alerts-critical"]
    backlog = [a["inputs"] for a in built.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
               if a["inputs"].get("metricName") == "ApproximateAgeOfOldestMessage"]
    assert backlog and backlog[0]["threshold"] == 600
    assert backlog[0]["dimensions"] == {"QueueName": "unit-orders-billing"}
