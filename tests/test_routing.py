"""DNS traffic routing: records, health checks and drill inputs from the spec, and the pure record plan."""

from __future__ import annotations

import copy

import pytest

from components.naming import region_code
from components.routing.plan import dns_failover_floor_seconds, plan_records
from components.spec import SpecError, parse_environment
from components.spec.routing import HealthCheckSpec, RecordSpec
from scripts.project import load_project

from .conftest import ROOT, by_type, load_spec_data

SECRET_KEYS = load_project(ROOT).secret_keys


def check_of(checks: dict, record: dict) -> dict:
    return checks[record["inputs"]["healthCheckId"]]["inputs"]


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_failover_records_carry_health_checks_and_spec_timings(plans, env):
    record_spec = load_spec_data(env)["routing"]["records"][0]
    checks = {c["id"]: c for c in by_type(plans[env], "aws:route53/healthCheck:HealthCheck")}
    all_records = by_type(plans[env], "aws:route53/record:Record")
    records = [r for r in all_records if r["inputs"].get("failoverRoutingPolicies")]
    assert sorted(r["inputs"]["failoverRoutingPolicies"][0]["type"] for r in records) == ["PRIMARY", "SECONDARY"]
    for record in records:
        inputs = record["inputs"]
        assert inputs["name"] == record_spec["name"] and inputs["ttl"] == record_spec["ttl_seconds"]
        check = checks[inputs["healthCheckId"]]["inputs"]
        assert check["type"] == "HTTPS" and check["fqdn"] == inputs["records"][0]
        assert check["requestInterval"] == record_spec["health_check"]["interval_seconds"]
        assert check["failureThreshold"] == record_spec["health_check"]["failure_threshold"]
        assert inputs["setIdentifier"]
    # Each failover record points at its region's alias record, which the stack defines (A alias to that
    # region's regional custom domain), and the record waits for it.
    aliases = {r["inputs"]["name"]: r for r in all_records if r["inputs"]["type"] == "A"}
    api = next(a for a in load_spec_data(env)["gateways"]["apis"] if a["name"] == "partner-orders")
    primary = next(r for r in records if r["inputs"]["failoverRoutingPolicies"][0]["type"] == "PRIMARY")
    expected = next(e for e in record_spec["entry_points"] if e["role"] == "primary")
    assert expected["region"] == api["region"]
    first, rest = api["domain"]["name"].split(".", 1)
    hostname = f"{first}-{region_code(api['region'])}.{rest}"
    assert primary["inputs"]["records"] == [hostname]
    assert aliases[hostname]["urn"] in primary["dependencies"]
    assert aliases[hostname]["inputs"]["aliases"][0]["name"].startswith("d-")
    assert check_of(checks, primary)["resourcePath"] == f"/{api['versions'][-1]['version']}/health"


def test_drill_inputs_are_stack_outputs(plans):
    # staging and prod differ in TTL (30 vs 60), so a hard-coded value cannot pass both.
    for env, floor in (("staging", 60), ("prod", 90)):
        outputs = next(r for r in plans[env].export["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack")["outputs"]
        record = outputs["dns_routing"][load_spec_data(env)["routing"]["records"][0]["name"]]
        assert record["dns_failover_floor_seconds"] == floor
        assert record["health_check_interval_seconds"] * record["failure_threshold"] + record["ttl_seconds"] == floor


def test_zone_is_protected_in_production_only(plans):
    [prod_zone] = by_type(plans["prod"], "aws:route53/zone:Zone")
    [staging_zone] = by_type(plans["staging"], "aws:route53/zone:Zone")
    assert prod_zone["protect"] is True and staging_zone["protect"] is False
    assert by_type(plans["dev"], "aws:route53/zone:Zone") == []


def test_prod_traffic_manager_prefers_azure_and_probes_https(plans):
    profiles = {p["inputs"]["profileName"]: p for p in by_type(plans["prod"], "azure-native:trafficmanager:Profile")}
    inputs = profiles["prod-partner-orders"]["inputs"]
    child = profiles["prod-partner-orders-apim"]["inputs"]
    # API Management first, through a child profile that probes the health API it serves for partner-orders.
    assert inputs["endpoints"][0]["targetResourceId"] == profiles["prod-partner-orders-apim"]["id"]
    assert child["monitorConfig"] == {**inputs["monitorConfig"], "path": "/health/partner-orders/"}
    [apim] = child["endpoints"]
    assert apim["target"].endswith(".azure-api.net")
    [health] = [a for a in by_type(plans["prod"], "azure-native:apimanagement:Api")
                if a["inputs"]["apiId"] == "partner-orders-health"]
    assert health["inputs"]["path"] == "health/partner-orders" and health["inputs"]["subscriptionRequired"] is False
    assert inputs["trafficRoutingMethod"] == "Priority" and inputs["location"] == "global"
    assert inputs["monitorConfig"]["protocol"] == "HTTPS"
    assert inputs["monitorConfig"]["toleratedNumberOfFailures"] == 2  # unhealthy on the 3rd failure
    assert [e["priority"] for e in inputs["endpoints"]] == [1, 2]
    # Priority routing reads no endpointLocation, and eu-central-1 (an AWS region) is no Azure region name.
    assert all("endpointLocation" not in e for e in inputs["endpoints"])


def test_latency_and_geolocation_record_plans():
    latency = RecordSpec(name="a.example.com", policy="latency", entry_points=[
        {"region": "eu-central-1", "target": "a-euc1.example.com"}, {"region": "eu-west-1", "target": "a-euw1.example.com"}])
    assert [(p.set_identifier, p.latency_region) for p in plan_records(latency)] == [
        ("latency-eu-central-1", "eu-central-1"), ("latency-eu-west-1", "eu-west-1")]
    geo = RecordSpec(name="a.example.com", policy="geolocation", entry_points=[
        {"region": "eu-central-1", "target": "a-euc1.example.com", "continents": ["EU"], "countries": ["CH"]}])
    assert [(p.set_identifier, p.continent, p.country) for p in plan_records(geo)] == [
        ("geo-continent-eu", "EU", None), ("geo-country-ch", None, "CH")]


@pytest.mark.parametrize("interval, threshold, ttl", [(10, 3, 60), (30, 2, 0), (30, 10, 300)])
def test_floor_is_detection_plus_ttl(interval, threshold, ttl):
    health = HealthCheckSpec(interval_seconds=interval, failure_threshold=threshold)
    assert dns_failover_floor_seconds(health, ttl) == interval * threshold + ttl


def _issues(data):
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", SECRET_KEYS)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_routing_spec_errors_name_the_field():
    data = copy.deepcopy(load_spec_data("prod"))
    record = data["routing"]["records"][0]
    record["entry_points"][1]["role"] = "primary"
    record["entry_points"][1]["region"] = "us-east-1"
    data["routing"]["records"].append({**copy.deepcopy(record), "name": "orders.other.com"})
    issues = _issues(data)
    assert any(i.startswith("routing.records[0].entry_points: a failover record needs exactly two") for i in issues)
    assert any(i.startswith("routing.records[0].entry_points[1].region: region 'us-east-1' is not in residency") for i in issues)
    assert any(i.startswith("routing.records[1].name: expected a name inside the zone api.example.com") for i in issues)


def test_performance_routing_locates_each_endpoint_by_its_azure_region():
    data = copy.deepcopy(load_spec_data("prod"))
    data["routing"]["traffic_managers"][0]["method"] = "Performance"
    issues = _issues(data)
    assert any(i.startswith("routing.traffic_managers[0].entry_points[1].region: Performance routing locates each "
                            "endpoint by its Azure region") and "got 'eu-central-1'" in i for i in issues), issues
    assert not any("traffic_managers[0].entry_points[0].region" in i for i in issues), "westeurope is an Azure region"


def test_api_entry_points_are_refused_unless_they_name_a_served_region_under_the_apis_own_name():
    data = copy.deepcopy(load_spec_data("staging"))
    record = data["routing"]["records"][0]
    record["name"] = "other.staging.api.example.com"
    record["entry_points"][1]["region"] = "us-east-1"
    record["health_check"]["path"] = "/ready"
    data["routing"]["records"].append({**copy.deepcopy(record), "name": "x.staging.api.example.com",
                                       "entry_points": [{"region": "eu-west-1", "api": "nowhere", "role": "primary"},
                                                        {"region": "eu-west-1", "target": "a.staging.api.example.com",
                                                         "role": "secondary"}]})
    issues = _issues_in(data, "staging")
    assert any(i.startswith("routing.records[0].name: entry points serve API partner-orders under its custom domain "
                            "orders.staging.api.example.com") for i in issues), issues
    assert any(i.startswith("routing.records[0].entry_points[1].region: API partner-orders is served in eu-west-1, "
                            "eu-central-1") for i in issues), issues
    assert any(i.startswith("routing.records[0].health_check.path: entry points naming an api") for i in issues), issues
    assert any(i.startswith("routing.records[1].entry_points[0].api: undefined API 'nowhere'") for i in issues), issues


def test_an_entry_point_names_a_target_or_an_api_not_both():
    data = copy.deepcopy(load_spec_data("staging"))
    data["routing"]["records"][0]["entry_points"][0]["target"] = "a.staging.api.example.com"
    del data["routing"]["records"][0]["entry_points"][1]["api"]
    issues = _issues_in(data, "staging")
    assert any(i.startswith("routing.records[0].entry_points[0]") and "exactly one of target" in i for i in issues), issues
    assert any(i.startswith("routing.records[0].entry_points[1]") and "exactly one of target" in i for i in issues), issues


def test_an_api_whose_regional_name_falls_outside_the_zone_is_refused():
    data = copy.deepcopy(load_spec_data("staging"))
    data["routing"]["zone"] = "orders.staging.api.example.com"
    issues = _issues_in(data, "staging")
    assert any(i.startswith("routing.records[0].entry_points[0].api: the regional name "
                            "orders-euw1.staging.api.example.com is not inside routing.zone") for i in issues), issues


def _issues_in(data, env):
    with pytest.raises(SpecError) as caught:
        parse_environment(data, f"environments/{env}.yaml", SECRET_KEYS)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]
