"""TrafficRouting built alone: one health-checked Route 53 record per entry point, in the spec's zone."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.routing.traffic import TrafficRouting, TrafficRoutingArgs
from components.spec.routing import RoutingSpec

from .conftest import assert_children_named_after, aws_provider, build

ROUTING = RoutingSpec.model_validate({
    "zone": "unit.example.com",
    "records": [{"name": "orders.unit.example.com", "policy": "failover", "ttl_seconds": 30,
                 "health_check": {"path": "/healthz", "interval_seconds": 10, "failure_threshold": 2},
                 "entry_points": [
                     {"region": "eu-central-1", "target": "orders-euc1.unit.example.com", "role": "primary"},
                     {"region": "eu-west-1", "target": "orders-euw1.unit.example.com", "role": "secondary"}]}],
    "traffic_managers": [{"name": "unit-partner", "method": "Priority", "entry_points": [
        {"region": "westeurope", "target": "partner-weu.unit.example.com"}]}],
})


def routing(protect: bool = True):
    def program():
        azure = azure_native.Provider("azure-westeurope", location="westeurope")
        return TrafficRouting("routing", TrafficRoutingArgs(environment="unit", spec=ROUTING, protect=protect,
                                                            azure_provider=azure, azure_resource_group="unit-rg"),
                              pulumi.ResourceOptions(provider=aws_provider("us-east-1")))
    return build(program)


def test_failover_records_point_at_their_entry_points_behind_their_own_health_checks():
    built = routing()
    assert_children_named_after(built, "hybrid:routing:TrafficRouting", "routing")
    zone = built.named("routing-zone")
    assert zone["inputs"]["name"] == "unit.example.com" and zone["protect"] is True
    records = built.of_type("aws:route53/record:Record")
    checks = {c["id"]: c["inputs"] for c in built.of_type("aws:route53/healthCheck:HealthCheck")}
    assert sorted(r["inputs"]["failoverRoutingPolicies"][0]["type"] for r in records) == ["PRIMARY", "SECONDARY"]
    for record in records:
        inputs = record["inputs"]
        assert inputs["zoneId"] == zone["id"]
        check = checks[inputs["healthCheckId"]]
        assert check["fqdn"] == inputs["records"][0], "a record's health check must probe that record's target"
        assert (check["resourcePath"], check["requestInterval"], check["failureThreshold"]) == ("/healthz", 10, 2)
        assert inputs["ttl"] == 30
    assert built.component.records["orders.unit.example.com"]["ttl_seconds"] == 30


def test_azure_entry_points_get_a_traffic_manager_profile():
    profiles = routing().of_type("azure-native:trafficmanager:Profile")
    assert len(profiles) == 1
    profile = profiles[0]["inputs"]
    assert profile["trafficRoutingMethod"] == "Priority" and profile["resourceGroupName"] == "unit-rg"
    assert [e["target"] for e in profile["endpoints"]] == ["partner-weu.unit.example.com"]
    assert "endpointLocation" not in profile["endpoints"][0], "only Performance routing reads an endpoint's location"

