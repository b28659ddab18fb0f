"""Hybrid links under mocks: tunnels, circuits, routes, alarms and secrets, asserted on the shipped plans
and on small synthetic environments (for static routes and injected pre-shared keys)."""

from __future__ import annotations

import copy
import json
from ipaddress import IPv4Network

import pytest

from components.alerting import alert_topic_arn
from components.connectivity import crypto
from components.spec import SpecError, parse_environment
from policies.rules import network as network_rules
from scripts.project import load_project

from .conftest import ROOT, SHIPPED, by_type, load_spec_data, write_env

SECRET_KEYS = load_project(ROOT).secret_keys
SECRET_SIG = "4dabf18193072939515e22adb298388d"
VPN = "aws:ec2/vpnConnection:VpnConnection"


def _in(resource, plan, type_):
    """Resources of type_ under the component whose URN name is `resource`."""
    return [r for r in by_type(plan, type_) if f"::{resource}" in r["urn"] or r["urn"].split("::")[-1].startswith(resource)]


def _outputs(plan):
    return next(r for r in plan.export["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack")["outputs"]


@pytest.mark.parametrize("env, links", [("dev", 1), ("staging", 1), ("prod", 2)])
def test_every_aws_vpn_link_has_one_strong_two_tunnel_connection(plans, env, links):
    vpns = by_type(plans[env], VPN)
    assert len(vpns) == links
    for vpn in vpns:
        inputs = vpn["inputs"]
        for tunnel in (1, 2):
            assert inputs[f"tunnel{tunnel}IkeVersions"] == ["ikev2"], vpn["urn"]
            assert inputs[f"tunnel{tunnel}Phase1EncryptionAlgorithms"] == list(crypto.AWS_ENCRYPTION)
            assert inputs[f"tunnel{tunnel}Phase2DhGroupNumbers"] == list(crypto.AWS_DH_GROUPS)
            assert inputs[f"tunnel{tunnel}DpdTimeoutAction"] == "restart"
            assert inputs[f"tunnel{tunnel}LogOptions"]["cloudwatchLogOptions"]["logEnabled"] is True
            assert inputs[f"tunnel{tunnel}LogOptions"]["cloudwatchLogOptions"]["logGroupArn"].startswith("arn:aws:logs:")
            # The pre-shared key is a secret all the way into the plan.
            assert SECRET_SIG in inputs[f"tunnel{tunnel}PresharedKey"], vpn["urn"]
        assert inputs["tunnel1InsideCidr"] != inputs["tunnel2InsideCidr"]
        assert inputs["transitGatewayId"].startswith("tgw-")
        assert vpn["protect"] is (env == "prod")


def test_the_tunnels_builder_meets_the_policy_bar():
    assert set(crypto.AWS_ENCRYPTION) <= network_rules.AWS_STRONG_ENCRYPTION
    assert set(crypto.AWS_INTEGRITY) <= network_rules.AWS_STRONG_INTEGRITY
    assert set(crypto.AWS_DH_GROUPS) <= network_rules.AWS_STRONG_DH
    policy = {"ikeEncryption": crypto.AZURE_IPSEC_POLICY["ike_encryption"],
              "ikeIntegrity": crypto.AZURE_IPSEC_POLICY["ike_integrity"], "dhGroup": crypto.AZURE_IPSEC_POLICY["dh_group"],
              "ipsecEncryption": crypto.AZURE_IPSEC_POLICY["ipsec_encryption"],
              "ipsecIntegrity": crypto.AZURE_IPSEC_POLICY["ipsec_integrity"], "pfsGroup": crypto.AZURE_IPSEC_POLICY["pfs_group"]}
    assert all(policy[k] in v for k, v in network_rules.AZURE_STRONG.items())


@pytest.mark.parametrize("env", SHIPPED)
def test_customer_gateways_and_vpc_routes_follow_the_spec(plans, env):
    spec = load_spec_data(env)
    sites = {s["name"]: s for s in spec["sites"]}
    aws_links = [l for l in spec["connectivity"]["links"] if l["cloud"] == "aws"]
    gateways = by_type(plans[env], "aws:ec2/customerGateway:CustomerGateway")
    assert sorted((g["inputs"]["ipAddress"], g["inputs"]["bgpAsn"]) for g in gateways) == sorted(
        (sites[l["site"]]["public_ip"], str(sites[l["site"]]["bgp_asn"])) for l in aws_links)
    routes = by_type(plans[env], "aws:ec2/route:Route")
    assert sorted(r["inputs"]["destinationCidrBlock"] for r in routes) == sorted(sites[l["site"]]["cidr"] for l in aws_links)
    hubs = {t["id"] for t in by_type(plans[env], "aws:ec2transitgateway/transitGateway:TransitGateway")}
    for route in routes:
        assert route["inputs"]["transitGatewayId"] in hubs
        # The route must wait for the VPC attachment, or EC2 rejects the transit gateway as its target.
        assert any("VpcAttachment" in dep for dep in route["dependencies"]), route["urn"]
    for attachment in by_type(plans[env], "aws:ec2transitgateway/vpcAttachment:VpcAttachment"):
        assert len(attachment["inputs"]["subnetIds"]) == 3


def test_prod_direct_connect_uses_the_ordered_connection_and_a_backup_vpn(plans):
    link = next(l for l in load_spec_data("prod")["connectivity"]["links"] if l["transport"] == "direct-connect")
    [vif] = by_type(plans["prod"], "aws:directconnect/transitVirtualInterface:TransitVirtualInterface")
    assert (vif["inputs"]["connectionId"], vif["inputs"]["vlan"]) == (link["direct_connect"]["connection_id"],
                                                                      link["direct_connect"]["vlan"])
    assert vif["protect"] is True
    [dxgw] = by_type(plans["prod"], "aws:directconnect/gateway:Gateway")
    [association] = by_type(plans["prod"], "aws:directconnect/gatewayAssociation:GatewayAssociation")
    assert association["inputs"]["dxGatewayId"] == dxgw["id"]
    assert association["inputs"]["associatedGatewayId"].startswith("tgw-")
    assert association["inputs"]["allowedPrefixes"] == [load_spec_data("prod")["regions"]["aws"]["primary"]["cidr"]]
    assert dxgw["inputs"]["amazonSideAsn"] != by_type(plans["prod"], "aws:ec2transitgateway/transitGateway:TransitGateway")[0]["inputs"]["amazonSideAsn"]
    assert "vpn" in _outputs(plans["prod"])["hybrid_links"][link["name"]]


def test_link_alarms_page_the_critical_topic_of_their_region(plans):
    alarms = [a for a in by_type(plans["prod"], "aws:cloudwatch/metricAlarm:MetricAlarm")
              if a["inputs"].get("namespace") in ("AWS/VPN", "AWS/DX")]
    assert {a["inputs"]["metricName"] for a in alarms} == {"TunnelState", "ConnectionState"}
    for alarm in alarms:
        region = "eu-west-1" if "ams-dc2" in alarm["urn"] else "eu-central-1"
        assert alarm["inputs"]["alarmActions"] == [alert_topic_arn("prod", "432109876543", region, "critical")]
        assert alarm["inputs"]["treatMissingData"] == "breaching"


def test_prod_azure_vpn_gateway_is_zone_redundant_active_active_bgp(plans):
    [gateway] = by_type(plans["prod"], "azure-native:network:VirtualNetworkGateway")
    assert gateway["inputs"]["sku"]["name"] == "VpnGw2AZ"
    assert gateway["inputs"]["activeActive"] is True and gateway["inputs"]["enableBgp"] is True
    assert len(gateway["inputs"]["ipConfigurations"]) == 2
    assert all(ip["subnet"]["id"].endswith("/subnets/GatewaySubnet") for ip in gateway["inputs"]["ipConfigurations"])
    for address in by_type(plans["prod"], "azure-native:network:PublicIPAddress"):
        assert address["inputs"]["zones"] == ["1", "2", "3"]
    [connection] = by_type(plans["prod"], "azure-native:network:VirtualNetworkGatewayConnection")
    assert connection["inputs"]["connectionProtocol"] == "IKEv2"
    assert connection["inputs"]["ipsecPolicies"][0]["ikeEncryption"] == "GCMAES256"
    assert SECRET_SIG in connection["inputs"]["sharedKey"]
    [local] = by_type(plans["prod"], "azure-native:network:LocalNetworkGateway")
    assert local["inputs"]["gatewayIpAddress"] == "198.51.100.10"
    assert local["inputs"]["bgpSettings"] == {"asn": 65010, "bgpPeeringAddress": "172.16.0.1"}


def test_device_summary_names_tunnels_and_bgp_but_no_key(plans):
    summary = _outputs(plans["dev"])["hybrid_links"]["lab"]
    tunnels = summary["vpn"]["tunnels"]
    vpn = by_type(plans["dev"], VPN)[0]["inputs"]
    assert [t["inside_cidr"] for t in tunnels] == [vpn["tunnel1InsideCidr"], vpn["tunnel2InsideCidr"]]
    for tunnel in tunnels:
        network = IPv4Network(tunnel["inside_cidr"])
        assert [tunnel["cloud_inside_address"], tunnel["customer_inside_address"]] == [str(h) for h in network.hosts()]
    assert summary["customer_asn"] == 65100 and summary["vpn"]["cloud_asn"] == 64512
    assert "placeholder_" not in json.dumps(plans["dev"].export)


def _synthetic(project_copy, **link_fields):
    data = copy.deepcopy(load_spec_data("dev"))
    data["connectivity"]["links"][0].update(link_fields)
    write_env(project_copy, "dev", data)
    return data


def test_static_link_routes_on_the_hub_and_injected_keys_stay_secret(project_copy):
    from scripts.planner.run import plan_environment

    _synthetic(project_copy, static_routes=True, tunnel_inside_cidrs=["169.254.100.0/30", "169.254.100.4/30"])
    keys = {"lab/1": "Known_plaintext_one", "lab/2": "Known_plaintext_two"}
    plan = plan_environment(project_copy, "dev", {"vpnPresharedKeys": json.dumps(keys)})
    [vpn] = by_type(plan, VPN)
    assert vpn["inputs"]["staticRoutesOnly"] is True
    assert (vpn["inputs"]["tunnel1InsideCidr"], vpn["inputs"]["tunnel2InsideCidr"]) == ("169.254.100.0/30", "169.254.100.4/30")
    [route] = by_type(plan, "aws:ec2transitgateway/route:Route")
    assert route["inputs"]["destinationCidrBlock"] == "192.168.50.0/24"
    assert route["inputs"]["transitGatewayRouteTableId"].startswith("tgw-rtb-")
    text = json.dumps(plan.export)
    assert "Known_plaintext" not in text


def test_a_missing_key_entry_fails_naming_the_entry_not_a_value(project_copy):
    from scripts.planner.run import plan_environment

    _synthetic(project_copy)
    with pytest.raises(Exception) as caught:
        plan_environment(project_copy, "dev", {"vpnPresharedKeys": json.dumps({"lab/1": "Only_one_secret_here"})})
    message = str(caught.value)
    assert "'lab/2'" in message and "vpnPresharedKeys" in message and "Only_one_secret_here" not in message


def _issues(data):
    with pytest.raises(SpecError) as caught:
        parse_environment(data, "environments/prod.yaml", SECRET_KEYS)
    return [f"{i.path}: {i.message}" for i in caught.value.issues]


def test_link_spec_errors_name_the_field():
    data = copy.deepcopy(load_spec_data("prod"))
    links = data["connectivity"]["links"]
    links[1]["site"] = "nowhere"
    links[1]["tunnel_inside_cidrs"] = ["169.254.0.0/30", "169.254.77.0/30"]
    links[2].pop("bgp_peer_ip")
    data["connectivity"]["direct_connect_gateway_asn"] = data["connectivity"].get("transit_gateway_asn", 64512)
    issues = _issues(data)
    assert any(i.startswith("connectivity.links[1].site: undefined site 'nowhere'") for i in issues)
    assert any(i.startswith("connectivity.links[1].tunnel_inside_cidrs[0]: 169.254.0.0/30 is reserved by AWS") for i in issues)
    assert any(i.startswith("connectivity.links[2].bgp_peer_ip: an azure VPN link with BGP") for i in issues)
    assert any(i.startswith("connectivity.direct_connect_gateway_asn: must differ") for i in issues)


def test_undeclared_key_secret_is_an_error():
    data = copy.deepcopy(load_spec_data("dev"))
    data["connectivity"]["preshared_keys"] = {"secret": "notDeclared"}
    assert any(i.startswith("connectivity.preshared_keys.secret: secret reference 'notDeclared' does not resolve")
               for i in _issues(data))


def test_validate_exits_2_for_a_bad_link(project_copy):
    from typer.testing import CliRunner

    from scripts.cli import app

    data = copy.deepcopy(load_spec_data("dev"))
    data["connectivity"]["links"][0]["region"] = "eu-west-1"
    write_env(project_copy, "dev", data)
    result = CliRunner().invoke(app, ["validate", "dev", "--root", str(project_copy)])
    assert result.exit_code == 2, result.output
    assert "connectivity.links[0].region" in result.output
