"""Every alarm names its alert topic or action group through that resource's output, so the engine creates
the route first; a Service Bus subscription forwards to its queue's output likewise."""

from __future__ import annotations

import pytest

from .conftest import SHIPPED, by_type

ALARMS = ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm")


def resources(plan) -> list[dict]:
    return plan.export["deployment"]["resources"]


def output_owner(plan) -> dict[str, str]:
    """Topic ARN (or action group id) -> URN of the resource that has it."""
    out = {}
    for r in resources(plan):
        if r["type"] == "aws:sns/topic:Topic":
            out[r["id"]] = r["urn"]
        elif r["type"] == "azure-native:monitor:ActionGroup":
            out[r["id"]] = r["urn"]
    return out


@pytest.mark.parametrize("env", SHIPPED)
def test_cloudwatch_alarms_depend_on_the_topics_they_notify(plans, env):
    owners = output_owner(plans[env])
    checked = 0
    for alarm in [r for t in ALARMS for r in by_type(plans[env], t)]:
        for arn in alarm["inputs"].get("alarmActions", []) + alarm["inputs"].get("okActions", []):
            assert arn in owners, f"{alarm['urn']} notifies {arn}, which the stack does not create"
            assert owners[arn] in alarm["dependencies"], f"{alarm['urn']} does not depend on {owners[arn]}"
            checked += 1
    assert checked


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_azure_metric_alerts_depend_on_their_action_groups_and_scopes(plans, env):
    plan = plans[env]
    owners = output_owner(plan)
    ids = {r["id"]: r["urn"] for r in resources(plan) if r.get("custom")}
    alerts = by_type(plan, "azure-native:monitor:MetricAlert")
    assert alerts
    for alert in alerts:
        for action in alert["inputs"]["actions"]:
            group = owners.get(action["actionGroupId"])
            assert group in alert["dependencies"], f"{alert['urn']}: {action['actionGroupId']} is not a dependency"
        for scope in alert["inputs"]["scopes"]:
            assert ids.get(scope) in alert["dependencies"], f"{alert['urn']}: scope {scope} is not a dependency"


def test_service_bus_subscriptions_depend_on_the_queue_they_forward_to(plans):
    plan = plans["prod"]
    queues = {(r["inputs"]["namespaceName"], r["inputs"]["queueName"]): r["urn"]
              for r in by_type(plan, "azure-native:servicebus:Queue")}
    subscriptions = [s for s in by_type(plan, "azure-native:servicebus:Subscription") if s["inputs"].get("forwardTo")]
    assert subscriptions, "prod is expected to forward a Service Bus subscription into a queue"
    for sub in subscriptions:
        queue = queues[(sub["inputs"]["namespaceName"], sub["inputs"]["forwardTo"])]
        assert queue in sub["dependencies"], f"{sub['urn']} forwards to {queue} without depending on it"
