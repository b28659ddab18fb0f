"""Escalation topics, SLO alarms, rollback switches, dashboards, in-cluster rules and the observability rules."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pulumi_policy.proxy import unknown_checking_proxy

from components.alerting import alert_topic_name
from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource
from policies.rules import ALL_RULES as RULES

from .conftest import by_name, by_type, load_spec_data

ENVELOPE_KEY = "4dabf18193072939515e22adb298388d"
RULE = {r.id: r for r in RULES}


def test_alert_topics_exist_in_every_region_named_by_alerting_and_encrypted(plans):
    for env, plan in plans.items():
        spec = load_spec_data(env)
        regions = [spec["regions"]["aws"]["primary"]["region"]]
        if spec["regions"]["aws"].get("secondary"):
            regions.append(spec["regions"]["aws"]["secondary"]["region"])
        topics = [t for t in by_type(plan, "aws:sns/topic:Topic") if "-alerts-" in t["inputs"]["name"]]
        assert sorted(t["id"].split(":")[3] for t in topics) == sorted(regions * 2), env
        assert {t["inputs"]["name"] for t in topics} == {alert_topic_name(env, s) for s in ("critical", "warning")}
        assert all(t["inputs"]["kmsMasterKeyId"].startswith("arn:aws:kms:") for t in topics), env


def test_critical_pages_and_warning_notifies_with_secret_endpoints(plans):
    subs = [s for s in by_type(plans["prod"], "aws:sns/topicSubscription:TopicSubscription") if "-alerts-" in s["urn"]]
    critical = {s["urn"].split("-to-")[-1] for s in subs if "alerts-critical" in s["urn"] and "euc1" in s["urn"]}
    warning = {s["urn"].split("-to-")[-1] for s in subs if "alerts-warning" in s["urn"] and "euc1" in s["urn"]}
    assert critical == {"platform-pager", "data-opsgenie", "platform-chat"}
    assert warning == {"platform-chat", "platform-mail"}
    pager = by_name(plans["prod"], "observability-euc1-alerts-critical-to-platform-pager")["inputs"]
    assert pager["protocol"] == "https" and pager["endpointAutoConfirms"] is True
    assert pager["endpoint"][ENVELOPE_KEY]  # secret-marked, never plaintext
    assert by_name(plans["prod"], "observability-euc1-alerts-warning-to-platform-mail")["inputs"]["protocol"] == "email"


def test_azure_action_groups_per_severity(plans):
    groups = {g["inputs"]["actionGroupName"]: g["inputs"] for g in by_type(plans["prod"], "azure-native:monitor:ActionGroup")}
    assert set(groups) == {"prod-alerts-critical", "prod-alerts-warning"}
    assert {r["name"] for r in groups["prod-alerts-critical"]["webhookReceivers"]} == {"platform-pager", "data-opsgenie", "platform-chat"}
    assert groups["prod-alerts-warning"]["emailReceivers"][0]["emailAddress"][ENVELOPE_KEY]
    assert not by_type(plans["dev"], "azure-native:monitor:ActionGroup")


def test_alarm_thresholds_follow_each_integrations_slos(plans):
    prod = plans["prod"]
    billing = by_name(prod, "observability-order-billing-backlog-age")["inputs"]
    crm = by_name(prod, "observability-crm-changes-backlog-age")["inputs"]
    assert (billing["threshold"], crm["threshold"]) == (300, 600)
    assert billing["dimensions"] == {"QueueName": "prod-orders-billing-orders.fifo"}
    assert billing["alarmActions"] == ["arn:aws:sns:eu-central-1:432109876543:prod-alerts-critical"]
    fast = by_name(prod, "observability-order-billing-availability-fast-burn")["inputs"]
    assert fast["threshold"] == pytest.approx(1.44) and fast["tags"]["severity"] == "critical"
    slow = by_name(plans["staging"], "observability-order-billing-availability-slow-burn")["inputs"]
    assert slow["threshold"] == pytest.approx(3.0) and slow["alarmActions"][0].endswith(":staging-alerts-warning")
    assert by_name(prod, "observability-order-billing-latency-p99")["inputs"]["extendedStatistic"] == "p99"


def test_composite_alarm_pages_on_every_critical_alarm(plans):
    composite = by_name(plans["prod"], "observability-order-billing-critical")["inputs"]
    assert composite["alarmRule"] == " OR ".join(f'ALARM("prod-order-billing-{s}")' for s in sorted(
        ["availability-fast-burn", "backlog-age", "error-rate-page"]))
    assert composite["alarmActions"] == ["arn:aws:sns:eu-central-1:432109876543:prod-alerts-critical"]


def test_rollback_switches_watch_the_critical_alarm(plans):
    prod = plans["prod"]
    env = [e for e in by_type(prod, "aws:appconfig/environment:Environment") if "order-billing" in e["urn"]][0]
    monitor = env["inputs"]["monitors"][0]
    assert monitor["alarmArn"] == "arn:aws:cloudwatch:eu-central-1:432109876543:alarm:prod-order-billing-critical"
    role = by_name(prod, "observability-appconfig-alarms")
    assert monitor["alarmRoleArn"].endswith(role["inputs"]["name"])
    strategy = by_type(prod, "aws:appconfig/deploymentStrategy:DeploymentStrategy")[0]["inputs"]
    assert (strategy["deploymentDurationInMinutes"], strategy["finalBakeTimeInMinutes"], strategy["growthFactor"]) == (20, 15, 10)
    dev_strategy = by_type(plans["dev"], "aws:appconfig/deploymentStrategy:DeploymentStrategy")[0]["inputs"]
    assert dev_strategy["deploymentDurationInMinutes"] == 10
    # the provider schema marks hosted content secret, so the plan shows only the envelope
    assert by_name(prod, "observability-order-billing-flags-version")["inputs"]["content"][ENVELOPE_KEY]
    from components.observability.rollback import feature_flags_document

    flags = json.loads(feature_flags_document({"kill_switch": True, "circuit_breaker_open": False}))
    assert flags["values"] == {"circuit_breaker_open": {"enabled": False}, "kill_switch": {"enabled": True}}


def test_dashboard_shows_every_integration(plans):
    body = json.loads(by_type(plans["prod"], "aws:cloudwatch/dashboard:Dashboard")[0]["inputs"]["dashboardBody"])
    titles = {w["properties"]["title"].split(":")[0] for w in body["widgets"]}
    assert titles == {"order-billing", "order-fulfilment", "crm-changes"}


def test_prometheus_rules_on_the_workload_cluster_after_the_operator(plans):
    rule = by_name(plans["prod"], "observability-order-billing-prometheusrule")
    # depending on the ClusterAddons component means waiting for each of its Helm releases
    assert by_name(plans["prod"], "addons-eks-fra-prometheus-operator")["urn"] in rule["dependencies"]
    assert rule["provider"].startswith(by_name(plans["prod"], "k8s-eks-fra")["urn"])
    alerts = {r["alert"]: r for r in rule["inputs"]["spec"]["groups"][0]["rules"]}
    assert "> 1.44" in alerts["order-billing-availability-fast-burn"]["expr"]
    monitor = by_name(plans["prod"], "observability-order-billing-podmonitor")["inputs"]
    assert monitor["metadata"]["labels"]["release"] == "prometheus-operator"
    assert rule["inputs"]["metadata"]["labels"]["release"] == "prometheus-operator"
    # It selects the node's pods by the Deployment's own selector and scrapes the port the container names.
    deployment = by_name(plans["prod"], "node-order-billing-deployment")["inputs"]
    assert monitor["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    ports = {p["name"]: p["containerPort"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert monitor["spec"]["podMetricsEndpoints"][0]["port"] == "metrics" and ports["metrics"] == 9464
    assert monitor["metadata"]["namespace"] == deployment["metadata"]["namespace"]


def test_escalation_map_is_a_stack_output(plans):
    outputs = plans["prod"].export["deployment"]["resources"][0]["outputs"]
    assert outputs["escalation"]["critical"] == {"pages": ["platform-pager", "data-opsgenie"], "notifies": ["platform-chat"]}
    assert outputs["escalation"]["warning"] == {"pages": [], "notifies": ["platform-chat", "platform-mail"]}


# --- rules: happy-path factory, change one property, assert the exact finding ---

def view(type_: str, logical: str, **props) -> Resource:
    return Resource(urn=f"urn:pulumi:t::p::{type_}::{logical}", type=type_, name=logical,
                    props=unknown_checking_proxy(props))


def run(rule_id: str, resources: list[Resource], **config):
    verdict = evaluate(resources, [RULE[rule_id]], {rule_id: {"enforcementLevel": "mandatory", **config}},
                       date(2025, 1, 1))[0]
    return [message for _, message in verdict.violations]


def trail(**changes):
    props = {"enableLogFileValidation": True, "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/x", "isMultiRegionTrail": True}
    return view("aws:cloudtrail/trail:Trail", "trail", **{**props, **changes})


def test_cloudtrail_rule():
    assert run("cloudtrail-integrity", [trail()]) == []
    assert run("cloudtrail-integrity", [trail(enableLogFileValidation=False)]) == [
        "log file validation is off: tampering with delivered audit logs would go unnoticed"]
    assert len(run("cloudtrail-integrity", [trail(kmsKeyId=None, isMultiRegionTrail=False)])) == 2


def test_log_group_rule():
    group = view("aws:cloudwatch/logGroup:LogGroup", "g", name="/x", retentionInDays=30)
    policy = view("aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy", "gp", logGroupName="/x",
                  policyDocument="{}")
    assert run("log-group-retention-and-masking", [group, policy]) == []
    assert run("log-group-retention-and-masking", [group])[0].startswith("log group has no data protection policy")
    forever = view("aws:cloudwatch/logGroup:LogGroup", "g", name="/x")
    assert run("log-group-retention-and-masking", [forever, policy]) == ["log group keeps events forever: set retentionInDays"]


def paging_stack(protocol="https", auto=True, severity="critical"):
    topic_arn = "arn:aws:sns:eu-west-1:1:e-alerts-critical"
    return [view("aws:sns/topic:Topic", "t", name="e-alerts-critical"),
            view("aws:sns/topicSubscription:TopicSubscription", "s", topic=topic_arn, protocol=protocol,
                 endpointAutoConfirms=auto, endpoint="[secret]"),
            view("aws:cloudwatch/metricAlarm:MetricAlarm", "a", alarmActions=[topic_arn],
                 tags={"integration": "i1", "severity": severity})]


def test_paging_rule():
    assert run("integration-critical-alarm-pages", paging_stack(), integrations=["i1"], criticalAlertSuffix="-alerts-critical") == []
    assert run("integration-critical-alarm-pages", paging_stack(severity="warning"), integrations=["i1"], criticalAlertSuffix="-alerts-critical") == [
        "integration i1 has no critical alarm routed to a critical alert topic"]
    assert "no paging subscription" in run("integration-critical-alarm-pages", paging_stack(auto=False),
                                           integrations=["i1"], criticalAlertSuffix="-alerts-critical")[0]
    # The suffix is the blueprint's naming convention, learnt from policy config (the pack imports no components).
    assert run("integration-critical-alarm-pages", paging_stack(), integrations=["i1"], criticalAlertSuffix="-pager") == [
        "integration i1 has no critical alarm routed to a critical alert topic"]
    assert "no criticalAlertSuffix" in run("integration-critical-alarm-pages", paging_stack(), integrations=["i1"])[0]
    assert run("integration-critical-alarm-pages", paging_stack(), integrations=["i1", "i2"], criticalAlertSuffix="-alerts-critical") == [
        "integration i2 has no critical alarm routed to a critical alert topic"]


def test_protected_log_group_helper_masks_the_listed_identifiers():
    from components.log_group import data_protection_document

    doc = json.loads(data_protection_document("g", ["EmailAddress", "CreditCardNumber"]))
    assert doc["Statement"][1]["Operation"] == {"Deidentify": {"MaskConfig": {}}}
    assert doc["Statement"][1]["DataIdentifier"] == [
        "arn:aws:dataprotection::aws:data-identifier/CreditCardNumber",
        "arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
