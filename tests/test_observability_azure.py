"""Azure Monitor metric alerts from the SLOs of integrations that live in the environment's Azure location."""

from __future__ import annotations

import copy

import pytest

from components.observability.azure_alerts import AZURE_SEVERITY, plan_azure_alerts
from components.spec.observability import Integration

from .conftest import by_name, by_type, load_spec_data, write_env
from .test_observability import run, view
from .test_observability_spec import validate

ALERT = "azure-native:monitor:MetricAlert"


def azure_integrations(env: str) -> list[dict]:
    spec = load_spec_data(env)
    location = spec["regions"]["azure"]["location"]
    return [i for i in spec["observability"]["integrations"] if i["region"] == location]


def integration(target: float, severity: str = "critical") -> Integration:
    return Integration(name="i1", owner="o", producer="o", consumer="o", pattern="async", region="westeurope",
                       broker="b", queue="q",
                       slos={"latency_p99_ms": {"target": target, "severity": severity}})


@pytest.mark.parametrize("target", [120, 900.5])
def test_threshold_follows_the_slo(target):
    [plan] = plan_azure_alerts(integration(target))
    assert (plan.metric, plan.aggregation, plan.threshold) == ("ServerSendLatency", "Average", target)
    assert plan.dimensions == {"EntityName": "q"}


def test_severity_mapping():
    assert plan_azure_alerts(integration(100, "warning"))[0].severity == "warning"
    assert AZURE_SEVERITY == {"critical": 0, "warning": 2}


def test_prod_plans_a_metric_alert_per_azure_integration_from_its_slo(plans):
    integrations = azure_integrations("prod")
    assert integrations, "prod is expected to declare an integration in its Azure location"
    for item in integrations:
        alert = by_name(plans["prod"], f"observability-{item['name']}-latency-p99")
        inputs = alert["inputs"]
        slo = item["slos"]["latency_p99_ms"]
        [criterion] = inputs["criteria"]["allOf"]
        assert criterion["threshold"] == slo["target"]
        assert (criterion["metricName"], criterion["metricNamespace"]) == ("ServerSendLatency",
                                                                          "Microsoft.ServiceBus/namespaces")
        assert criterion["dimensions"][0]["values"] == [item["queue"]]
        assert inputs["severity"] == AZURE_SEVERITY[slo["severity"]]
        assert inputs["location"] == "global"
        # Scope and action group are the outputs of the resources they name, so the engine orders them.
        namespace = by_name(plans["prod"], f"{item['broker']}-namespace")
        assert inputs["scopes"] == [namespace["id"]]
        assert namespace["urn"] in alert["dependencies"]
        [action] = inputs["actions"]
        group = by_name(plans["prod"], f"observability-azure-{slo['severity']}")
        assert action["actionGroupId"] == group["id"] and group["urn"] in alert["dependencies"]
        assert inputs["tags"]["integration"] == item["name"] and inputs["tags"]["severity"] == slo["severity"]
        # no CloudWatch alarms or AppConfig switches for an Azure integration
        assert not [r for r in by_type(plans["prod"], "aws:cloudwatch/metricAlarm:MetricAlarm")
                    if f"-{item['name']}-" in r["urn"]]


@pytest.mark.slow  # plans a changed copy of the project
def test_a_different_slo_gives_a_different_threshold(project_copy):
    from scripts.planner.run import plan_environment

    data = copy.deepcopy(load_spec_data("prod"))
    name = azure_integrations("prod")[0]["name"]
    item = next(i for i in data["observability"]["integrations"] if i["name"] == name)
    original = item["slos"]["latency_p99_ms"]["target"]
    item["slos"]["latency_p99_ms"]["target"] = original * 3 + 7
    write_env(project_copy, "prod", data)
    plan = plan_environment(project_copy, "prod")
    [criterion] = by_name(plan, f"observability-{name}-latency-p99")["inputs"]["criteria"]["allOf"]
    assert criterion["threshold"] == original * 3 + 7


def _first_azure(data):
    location = data["regions"]["azure"]["location"]
    index = next(i for i, item in enumerate(data["observability"]["integrations"]) if item["region"] == location)
    return index, data["observability"]["integrations"][index]


@pytest.mark.parametrize("change, field, expected", [
    (lambda item: item.update(region="southcentralus"), "region", "undefined region 'southcentralus'"),
    (lambda item: item["slos"].update(error_rate={"target_percent": 1, "severity": "critical"}),
     "slos.error_rate", "error_rate cannot be a Service Bus metric alert"),
    (lambda item: item.update(broker="orders", queue="billing-orders"), "broker", "expected a service-bus broker"),
])
def test_bad_azure_integration_names_the_field(project_copy, change, field, expected):
    data = copy.deepcopy(load_spec_data("prod"))
    index, item = _first_azure(data)
    change(item)
    write_env(project_copy, "prod", data)
    code, problems = validate(project_copy, "prod")
    assert code == 2
    matching = [p for p in problems if f": observability.integrations[{index}].{field}: " in p]
    assert matching and expected in matching[0], problems


# --- the paging rule counts Azure metric alerts routed to the critical action group ---

def azure_paging_stack(severity="critical", paging="pager", group="e-alerts-critical"):
    return [view("azure-native:monitor:ActionGroup", "g", actionGroupName="e-alerts-critical",
                 tags={"paging-receivers": paging}, webhookReceivers=[{"name": "pager", "serviceUri": "[secret]"},
                                                                      {"name": "chat", "serviceUri": "[secret]"}]),
            view(ALERT, "a", tags={"integration": "i1", "severity": severity},
                 actions=[{"actionGroupId": f"/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/"
                                            f"actionGroups/{group}"}])]


def test_paging_rule_counts_azure_metric_alerts():
    assert run("integration-critical-alarm-pages", azure_paging_stack(), integrations=["i1"], criticalAlertSuffix="-alerts-critical") == []
    assert run("integration-critical-alarm-pages", azure_paging_stack(severity="warning"), integrations=["i1"], criticalAlertSuffix="-alerts-critical") == [
        "integration i1 has no critical alarm routed to a critical alert topic or action group"]
    assert run("integration-critical-alarm-pages", azure_paging_stack(group="e-alerts-warning"),
               integrations=["i1"], criticalAlertSuffix="-alerts-critical") == [
        "integration i1 has no critical alarm routed to a critical alert topic or action group"]
    assert run("integration-critical-alarm-pages", azure_paging_stack(paging="none"), integrations=["i1"], criticalAlertSuffix="-alerts-critical") == [
        "integration i1: its critical action group has no paging receiver (a PagerDuty or Opsgenie webhook)"]
