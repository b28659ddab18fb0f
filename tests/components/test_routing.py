"""TrafficRouting built alone: one health-checked Route 53 record per entry point, in the spec's zone."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native

from components.routing.traffic import ApiTargets, RegionalTarget, TrafficRouting, TrafficRoutingArgs
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



API_ROUTING = RoutingSpec.model_validate({
    "zone": "unit.example.com",
    "records": [{"name": "orders.unit.example.com", "policy": "failover",
                 "entry_points": [{"region": "eu-central-1", "api": "orders", "role": "primary"},
                                  {"region": "eu-west-1", "api": "orders", "role": "secondary"}]}],
    "traffic_managers": [{"name": "unit-orders", "method": "Priority", "entry_points": [
        {"region": "westeurope", "api": "orders"}, {"region": "eu-central-1", "api": "orders"}]}],
})


def api_routing():
    """The gateway's Outputs stand in as Outputs of a resource, so the wiring is proved by dependencies."""
    def program():
        import pulumi_aws as aws
        azure = azure_native.Provider("azure-westeurope", location="westeurope")
        provider = aws_provider("us-east-1")
        regions = {}
        for region, code in (("eu-central-1", "euc1"), ("eu-west-1", "euw1")):
            domain = aws.apigateway.DomainName(f"stand-in-{code}", domain_name=f"orders-{code}.unit.example.com",
                                               regional_certificate_arn="arn:aws:acm:x:111122223333:certificate/x",
                                               opts=pulumi.ResourceOptions(provider=aws_provider(region)))
            regions[region] = RegionalTarget(f"orders-{code}.unit.example.com", domain.regional_domain_name,
                                             domain.regional_zone_id)
        apim = pulumi.Output.from_input("unit-apim.azure-api.net")
        return TrafficRouting("routing", TrafficRoutingArgs(
            environment="unit", spec=API_ROUTING, protect=False, azure_provider=azure, azure_resource_group="unit-rg",
            apis={"orders": ApiTargets(regions=regions, health_path="/v2/health", apim_hostname=apim,
                                       apim_location="westeurope", apim_health_path="/health/orders/")}),
            pulumi.ResourceOptions(provider=provider))
    return build(program)


def test_api_entry_points_alias_each_regional_domain_and_point_the_failover_record_at_the_alias():
    built = api_routing()
    records = built.of_type("aws:route53/record:Record")
    aliases = {r["inputs"]["name"]: r for r in records if r["inputs"]["type"] == "A"}
    assert sorted(aliases) == ["orders-euc1.unit.example.com", "orders-euw1.unit.example.com"]
    domains = {d["inputs"]["domainName"]: d for d in built.of_type("aws:apigateway/domainName:DomainName")}
    zones = {"eu-central-1": "Z1U9ULNL0V5AJ3", "eu-west-1": "ZLY8HYME6SFDD"}  # API Gateway's, per region
    for hostname, region in (("orders-euc1.unit.example.com", "eu-central-1"), ("orders-euw1.unit.example.com", "eu-west-1")):
        [target] = aliases[hostname]["inputs"]["aliases"]
        assert target["name"].startswith("d-") and target["name"].endswith(f".execute-api.{region}.amazonaws.com")
        assert target["zoneId"] == zones[region]
        assert domains[hostname]["urn"] in aliases[hostname]["dependencies"]
    checks = {c["id"]: c for c in built.of_type("aws:route53/healthCheck:HealthCheck")}
    failover = [r for r in records if r["inputs"].get("failoverRoutingPolicies")]
    assert len(failover) == 2
    for record in failover:
        [target] = record["inputs"]["records"]
        assert aliases[target]["urn"] in record["dependencies"], "the CNAME targets the alias record's fqdn Output"
        check = checks[record["inputs"]["healthCheckId"]]
        assert check["inputs"]["fqdn"] == target and aliases[target]["urn"] in check["dependencies"]
        assert check["inputs"]["resourcePath"] == "/v2/health"
    primary = next(r for r in failover if r["inputs"]["failoverRoutingPolicies"][0]["type"] == "PRIMARY")
    assert primary["inputs"]["records"] == ["orders-euc1.unit.example.com"]


def test_a_traffic_manager_api_entry_targets_api_management_in_azure_and_the_regional_alias_on_aws():
    built = api_routing()
    profiles = {p["inputs"]["profileName"]: p for p in built.of_type("azure-native:trafficmanager:Profile")}
    assert sorted(profiles) == ["unit-unit-orders", "unit-unit-orders-apim"]
    parent, child = profiles["unit-unit-orders"], profiles["unit-unit-orders-apim"]
    nested, aws = parent["inputs"]["endpoints"]
    # API Management answers health on its own path, so it sits in a child profile that probes that path; the
    # parent keeps probing the AWS copy's /<version>/health and takes API Management's health from the child.
    assert nested["type"] == "Microsoft.Network/trafficManagerProfiles/nestedEndpoints"
    assert nested["targetResourceId"] == child["id"] and child["urn"] in parent["dependencies"]
    assert nested["minChildEndpoints"] == 1 and "target" not in nested
    assert aws["target"] == "orders-euc1.unit.example.com" and parent["inputs"]["monitorConfig"]["path"] == "/v2/health"
    [apim] = child["inputs"]["endpoints"]
    assert apim["target"] == "unit-apim.azure-api.net" and apim["type"].endswith("/externalEndpoints")
    assert child["inputs"]["monitorConfig"]["path"] == "/health/orders/"
    assert child["inputs"]["dnsConfig"]["relativeName"] != parent["inputs"]["dnsConfig"]["relativeName"]
    alias = next(r for r in built.of_type("aws:route53/record:Record") if r["inputs"]["name"] == "orders-euc1.unit.example.com")
    assert alias["urn"] in parent["dependencies"]
