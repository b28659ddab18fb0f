"""Tunnel, ingress and routing rules, judged through the engine's proxy: a compliant factory, one input changed,
the exact finding."""

from __future__ import annotations

import copy

import pytest

from policies.rules import network, routing

from .rule_harness import findings, not_applicable

VPN_RULE, INGRESS_RULE = "vpn-strong-crypto", "no-open-ingress"
HEALTH_RULE, PROBE_RULE = "failover-record-health-check", "traffic-manager-https-probe"


def run(rule_id, type_, props):
    return findings(rule_id, type_, props)


def aws_vpn():
    props = {}
    for t in (1, 2):
        props.update({f"tunnel{t}IkeVersions": ["ikev2"]})
        for phase in (1, 2):
            props.update({f"tunnel{t}Phase{phase}EncryptionAlgorithms": ["AES256-GCM-16"],
                          f"tunnel{t}Phase{phase}IntegrityAlgorithms": ["SHA2-384"],
                          f"tunnel{t}Phase{phase}DhGroupNumbers": [20]})
    return props


def azure_connection():
    return {"connectionType": "IPsec", "connectionProtocol": "IKEv2", "ipsecPolicies": [{
        "ikeEncryption": "AES256", "ikeIntegrity": "SHA256", "dhGroup": "DHGroup14", "ipsecEncryption": "GCMAES256",
        "ipsecIntegrity": "GCMAES256", "pfsGroup": "PFS2048"}]}


def test_strong_tunnels_pass():
    assert run(VPN_RULE, network.VPN, aws_vpn()) == []
    assert run(VPN_RULE, network.AZURE_CONNECTION, azure_connection()) == []


@pytest.mark.parametrize("key, value, finding", [
    ("tunnel1IkeVersions", ["ikev1", "ikev2"], "tunnel 1 does not pin IKEv2 only (unset means IKEv1 is allowed)"),
    ("tunnel2Phase1EncryptionAlgorithms", ["AES128"], "tunnel 2 phase 1 offers a weak proposal in EncryptionAlgorithms"),
    ("tunnel1Phase2IntegrityAlgorithms", ["SHA1"], "tunnel 1 phase 2 offers a weak proposal in IntegrityAlgorithms"),
    ("tunnel2Phase2DhGroupNumbers", [2, 14], "tunnel 2 phase 2 offers a weak proposal in DhGroupNumbers"),
    ("tunnel1Phase1DhGroupNumbers", None,
     "tunnel 1 phase 1 leaves DhGroupNumbers to AWS defaults, which include weak proposals"),
])
def test_weak_aws_tunnels_fail(key, value, finding):
    props = aws_vpn()
    props[key] = value
    assert run(VPN_RULE, network.VPN, props) == [finding]


@pytest.mark.parametrize("change, finding", [
    ({"connectionProtocol": "IKEv1"}, "connection does not pin IKEv2 (unset means IKEv1 may be negotiated)"),
    ({"ipsecPolicies": []}, "connection has no explicit IPsec/IKE policy: Azure's default offer includes weak proposals"),
])
def test_weak_azure_connections_fail(change, finding):
    assert run(VPN_RULE, network.AZURE_CONNECTION, {**azure_connection(), **change}) == [finding]


def test_weak_azure_dh_group_fails_and_expressroute_is_not_applicable():
    props = azure_connection()
    props["ipsecPolicies"][0]["dhGroup"] = "DHGroup2"
    assert run(VPN_RULE, network.AZURE_CONNECTION, props) == ["IPsec policy 0 uses a weak or missing dhGroup"]
    assert not_applicable(VPN_RULE, network.AZURE_CONNECTION, {"connectionType": "ExpressRoute"})


def sg(cidr, port, protocol="tcp"):
    return {"ingress": [{"protocol": protocol, "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}]}


@pytest.mark.parametrize("type_, props, findings", [
    (network.SG, {**sg("0.0.0.0/0", 443), "tags": {"public-entry-point": "true"}}, 0), (network.SG, sg("0.0.0.0/0", 443), 1),
    (network.SG, sg("10.0.0.0/8", 22), 0), (network.SG, sg("0.0.0.0/0", 22), 1),
    (network.SG, {"ingress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": ["::/0"]}]}, 1),
    (network.SG_RULE, {"type": "ingress", "protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}, 1),
    (network.SG_RULE, {"type": "ingress", "protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["0.0.0.0/0"]}, 1),
    (network.SG_INGRESS, {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv6": "::/0",
                          "tags": {"public-entry-point": "true"}}, 0),
    (network.SG_INGRESS, {"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrIpv4": "0.0.0.0/0"}, 1),
    (network.NSG_RULE, {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "Internet",
                        "destinationPortRange": "443"}, 1),
    (network.NSG_RULE, {"direction": "Inbound", "access": "Allow", "protocol": "*", "sourceAddressPrefix": "*",
                        "destinationPortRange": "*"}, 1),
    (network.NSG_RULE, {"direction": "Inbound", "access": "Deny", "protocol": "*", "sourceAddressPrefix": "*",
                        "destinationPortRange": "*"}, 0),
    (network.NSG, {"securityRules": [{"direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                                      "sourceAddressPrefixes": ["0.0.0.0/0"], "destinationPortRanges": ["443", "22"]}]}, 1),
])
def test_open_ingress(type_, props, findings):
    assert len(run(INGRESS_RULE, type_, props)) == findings


def test_egress_rules_are_not_applicable():
    assert not_applicable(INGRESS_RULE, network.SG_RULE, {"type": "egress", "cidrBlocks": ["0.0.0.0/0"]}) == [
        "an egress rule opens nothing to callers"]


def test_failover_records_need_health_checks():
    record = {"failoverRoutingPolicies": [{"type": "PRIMARY"}], "healthCheckId": "abc"}
    assert run(HEALTH_RULE, routing.RECORD, record) == []
    assert run(HEALTH_RULE, routing.RECORD, {**record, "healthCheckId": None}) == [
        "failover record has no health check: Route 53 would keep answering with it while its target is down"]
    alias = {"failoverRoutingPolicies": [{"type": "SECONDARY"}], "aliases": [{"evaluateTargetHealth": True}]}
    assert run(HEALTH_RULE, routing.RECORD, alias) == []
    assert not_applicable(HEALTH_RULE, routing.RECORD, {"ttl": 60}) == ["not a failover record"]


def test_traffic_manager_probes_https():
    good = {"monitorConfig": {"protocol": "HTTPS", "path": "/health"}}
    assert run(PROBE_RULE, routing.PROFILE, good) == []
    bad = copy.deepcopy(good)
    bad["monitorConfig"]["protocol"] = "HTTP"
    assert run(PROBE_RULE, routing.PROFILE, bad) == [
        "Traffic Manager profile does not probe its endpoints over HTTPS"]
