"""TransitHub, HybridLink and AzureGateways built alone: the hub, the tunnels and the Azure gateways."""

from __future__ import annotations

from ipaddress import IPv4Network

import pulumi
import pulumi_azure_native as azure_native

from components.connectivity.aws_hub import TransitHub, TransitHubArgs
from components.connectivity.azure_hub import AzureGateways, AzureGatewaysArgs
from components.connectivity.link import AwsSide, HybridLink, HybridLinkArgs
from components.connectivity.routes import SiteRoute
from components.spec.connectivity import LinkSpec
from components.spec.foundation import Site

from .test_broker import ALERTS
from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build, secret

SITE = Site(name="fra-dc1", country="DE", cidr="10.200.0.0/16", bgp_asn=65010, public_ip="203.0.113.10")
LOG_GROUP = f"arn:aws:logs:eu-central-1:{ACCOUNT}:log-group:/hybrid/unit/vpn/eu-central-1"


def test_the_hub_routes_each_site_through_the_transit_gateway_after_the_attachment_exists():
    def program():
        provider = aws_provider("eu-central-1")
        return TransitHub("hub-euc1", TransitHubArgs(
            environment="unit", region="eu-central-1", amazon_side_asn=64512, vpc_id="vpc-0abc",
            subnet_ids=["subnet-a", "subnet-b", "subnet-c"], route_table_id="rtb-0abc",
            site_routes=(SiteRoute("eu-central-1", SITE.cidr, SITE.name),), log_retention_days=365,
            masked_identifiers=("EmailAddress",)), pulumi.ResourceOptions(provider=provider))
    built = build(program)
    assert_children_named_after(built, "hybrid:connectivity:TransitHub", "hub-euc1")
    tgw = built.named("hub-euc1-tgw")
    assert tgw["inputs"]["amazonSideAsn"] == 64512 and tgw["inputs"]["vpnEcmpSupport"] == "enable"
    attachment = built.named("hub-euc1-vpc-attachment")
    assert attachment["inputs"]["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]
    route = built.named("hub-euc1-to-fra-dc1")
    assert route["inputs"]["destinationCidrBlock"] == "10.200.0.0/16"
    assert route["inputs"]["transitGatewayId"] == tgw["id"]
    assert attachment["urn"] in route["dependencies"], "EC2 rejects a route to a transit gateway not yet attached"
    logs = built.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert [g["inputs"]["retentionInDays"] for g in logs] == [365]


def vpn_link(static_routes: bool = False):
    link = LinkSpec(name="fra-vpn", site="fra-dc1", cloud="aws", region="eu-central-1", transport="vpn",
                    static_routes=static_routes)
    side = AwsSide(transit_gateway_id="tgw-0abc", route_table_id="tgw-rtb-0abc", tunnel_log_group_arn=LOG_GROUP,
                   amazon_side_asn=64512,
                   inside_cidrs=(IPv4Network("169.254.10.0/30"), IPv4Network("169.254.10.4/30")),
                   advertised_prefixes=(IPv4Network("10.10.0.0/16"),), direct_connect_gateway_asn=64513,
                   dpd_timeout_seconds=30)

    def program():
        provider = aws_provider("eu-central-1")
        return HybridLink("link-fra-vpn", HybridLinkArgs(
            environment="unit", account=ACCOUNT, link=link, site=SITE, aws=side, protect=True, alerts=ALERTS,
            preshared_keys={"fra-vpn/1": secret("first-key-value"), "fra-vpn/2": secret("second-key-value")}),
            pulumi.ResourceOptions(provider=provider))
    return build(program)


def test_a_vpn_link_has_two_logged_tunnels_with_secret_keys_and_alarms_when_they_drop():
    built = vpn_link()
    assert_children_named_after(built, "hybrid:connectivity:HybridLink", "link-fra-vpn")
    gateway = built.named("link-fra-vpn-cgw")["inputs"]
    assert (gateway["bgpAsn"], gateway["ipAddress"]) == ("65010", "203.0.113.10")
    vpn = built.named("link-fra-vpn-vpn")
    inputs = vpn["inputs"]
    assert inputs["transitGatewayId"] == "tgw-0abc" and vpn["protect"] is True
    assert (inputs["tunnel1InsideCidr"], inputs["tunnel2InsideCidr"]) == ("169.254.10.0/30", "169.254.10.4/30")
    for tunnel in ("tunnel1", "tunnel2"):
        assert inputs[f"{tunnel}PresharedKey"] == {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                                                   "ciphertext": "[redacted]"}
        log = inputs[f"{tunnel}LogOptions"]["cloudwatchLogOptions"]
        assert log == {"logEnabled": True, "logGroupArn": LOG_GROUP, "logOutputFormat": "json"}
    assert "first-key-value" not in str(built.resources)
    alarms = {a["urn"].rsplit("::", 1)[1]: a["inputs"] for a in built.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {"link-fra-vpn-vpn-down", "link-fra-vpn-vpn-degraded"}
    assert all(a["dimensions"] == {"VpnId": vpn["id"]} for a in alarms.values())


def test_static_routes_only_when_the_spec_says_so():
    assert not vpn_link().of_type("aws:ec2transitgateway/route:Route")
    routes = vpn_link(static_routes=True).of_type("aws:ec2transitgateway/route:Route")
    assert [r["inputs"]["destinationCidrBlock"] for r in routes] == ["10.200.0.0/16"]


def test_azure_gateways_build_a_zone_redundant_vpn_gateway_in_production():
    def program():
        return AzureGateways("azure-gw", AzureGatewaysArgs(
            environment="unit", location="westeurope", resource_group_name="unit-rg",
            gateway_subnet_id="/subscriptions/x/resourceGroups/unit-rg/providers/Microsoft.Network/virtualNetworks/v/subnets/GatewaySubnet",
            vpn=True, expressroute=False, bgp_asn=65515, production=True, tags={"owner": "platform"}),
            pulumi.ResourceOptions(provider=azure_native.Provider("azure-westeurope", location="westeurope")))
    built = build(program)
    assert_children_named_after(built, "hybrid:connectivity:AzureGateways", "azure-gw")
    gateways = built.of_type("azure-native:network:VirtualNetworkGateway")
    assert len(gateways) == 1, "vpn only: no ExpressRoute gateway"
    gateway = gateways[0]["inputs"]
    assert gateway["gatewayType"] == "Vpn" and gateway["sku"]["name"] == "VpnGw2AZ"
    assert gateway["bgpSettings"]["asn"] == 65515 and gateway["enableBgp"] is True
    assert all(p["inputs"]["sku"]["name"] == "Standard" for p in built.of_type("azure-native:network:PublicIPAddress"))
