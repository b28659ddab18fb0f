"""Network rules: nothing open to the internet but HTTPS (practice 5.5, exposed endpoints), and IPsec
tunnels with IKEv2 and strong proposals only (practice 8.1, secure hybrid tunnels; 5.1, encryption in transit)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .framework import NotApplicable, Resource, Rule, RuleContext

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
NSG = "azure-native:network:NetworkSecurityGroup"
NSG_RULE = "azure-native:network:SecurityRule"
VPN = "aws:ec2/vpnConnection:VpnConnection"
AZURE_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"

WORLD = frozenset({"0.0.0.0/0", "::/0"})
# Azure spells "anyone" several ways in a rule's source.
AZURE_WORLD = WORLD | {"*", "internet", "any"}
PUBLIC_PORT = 443


def _https_only(protocol: Any, from_port: Any, to_port: Any) -> bool:
    return str(protocol).lower() in ("tcp", "6") and from_port == PUBLIC_PORT and to_port == PUBLIC_PORT


def _aws_world(rule: Mapping[str, Any], *keys: str) -> bool:
    for key in keys:
        value = rule.get(key)
        values = value if isinstance(value, list) else [value]
        if any(str(v) in WORLD for v in values if v is not None):
            return True
    return False


def _azure_rule_problem(rule: Mapping[str, Any]) -> bool:
    if str(rule.get("direction", "")).lower() != "inbound" or str(rule.get("access", "")).lower() != "allow":
        return False
    sources = [rule.get("sourceAddressPrefix"), *(rule.get("sourceAddressPrefixes") or [])]
    if not any(str(s).lower() in AZURE_WORLD for s in sources if s is not None):
        return False
    ports = [rule.get("destinationPortRange"), *(rule.get("destinationPortRanges") or [])]
    ports = [str(p) for p in ports if p is not None]
    return not (str(rule.get("protocol", "")).lower() == "tcp" and ports and all(p == str(PUBLIC_PORT) for p in ports))


def check_open_ingress(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type == SG:
        for index, rule in enumerate(props.get("ingress") or []):
            if _aws_world(rule, "cidrBlocks", "ipv6CidrBlocks") and not _https_only(
                    rule.get("protocol"), rule.get("fromPort"), rule.get("toPort")):
                yield f"inline ingress rule {index} is open to the internet on a port other than 443"
    elif resource.type == SG_RULE:
        if props.get("type") != "ingress":
            raise NotApplicable("an egress rule opens nothing to callers")
        if _aws_world(props, "cidrBlocks", "ipv6CidrBlocks") and not _https_only(
                props.get("protocol"), props.get("fromPort"), props.get("toPort")):
            yield "ingress rule is open to the internet on a port other than 443"
    elif resource.type == SG_INGRESS:
        if _aws_world(props, "cidrIpv4", "cidrIpv6") and not _https_only(
                props.get("ipProtocol"), props.get("fromPort"), props.get("toPort")):
            yield "ingress rule is open to the internet on a port other than 443"
    elif resource.type == NSG:
        for index, rule in enumerate(props.get("securityRules") or []):
            if _azure_rule_problem(rule.get("properties", rule) if isinstance(rule, Mapping) else {}):
                yield f"security rule {index} allows inbound traffic from the internet on a port other than TCP 443"
    elif _azure_rule_problem(props):
        yield "security rule allows inbound traffic from the internet on a port other than TCP 443"


# The bar every tunnel must meet; components/connectivity/crypto.py builds tunnels to it (a test compares).
AWS_STRONG_ENCRYPTION = frozenset({"AES256", "AES256-GCM-16"})
AWS_STRONG_INTEGRITY = frozenset({"SHA2-256", "SHA2-384", "SHA2-512"})
AWS_STRONG_DH = frozenset({14, 15, 16, 17, 18, 19, 20, 21})
AZURE_STRONG = {
    "ikeEncryption": {"AES256", "GCMAES256"},
    "ikeIntegrity": {"SHA256", "SHA384", "GCMAES256"},
    "dhGroup": {"DHGroup14", "DHGroup2048", "ECP256", "ECP384"},
    "ipsecEncryption": {"AES256", "GCMAES256"},
    "ipsecIntegrity": {"SHA256", "GCMAES256"},
    "pfsGroup": {"PFS14", "PFS2048", "ECP256", "ECP384"},
}


def _aws_tunnel(props: Mapping[str, Any], tunnel: int) -> Iterable[str]:
    prefix = f"tunnel{tunnel}"
    if set(props.get(f"{prefix}IkeVersions") or []) != {"ikev2"}:
        yield f"tunnel {tunnel} does not pin IKEv2 only (unset means IKEv1 is allowed)"
    for phase in (1, 2):
        for kind, strong in (("EncryptionAlgorithms", AWS_STRONG_ENCRYPTION),
                             ("IntegrityAlgorithms", AWS_STRONG_INTEGRITY), ("DhGroupNumbers", AWS_STRONG_DH)):
            offered = props.get(f"{prefix}Phase{phase}{kind}")
            if not offered:
                yield f"tunnel {tunnel} phase {phase} leaves {kind} to AWS defaults, which include weak proposals"
            elif not set(offered) <= strong:
                yield f"tunnel {tunnel} phase {phase} offers a weak proposal in {kind}"


def check_vpn_crypto(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    if resource.type == VPN:
        for tunnel in (1, 2):
            yield from _aws_tunnel(props, tunnel)
        return
    if str(props.get("connectionType")) != "IPsec":
        raise NotApplicable("not an IPsec connection (ExpressRoute and VNet-to-VNet carry no IKE proposals here)")
    if props.get("connectionProtocol") != "IKEv2":
        yield "connection does not pin IKEv2 (unset means IKEv1 may be negotiated)"
    policies = props.get("ipsecPolicies") or []
    if not policies:
        yield "connection has no explicit IPsec/IKE policy: Azure's default offer includes weak proposals"
    for index, policy in enumerate(policies):
        for key, strong in AZURE_STRONG.items():
            if policy.get(key) not in strong:
                yield f"IPsec policy {index} uses a weak or missing {key}"


RULES = [
    Rule(id="no-open-ingress",
         description="No security group, security group rule or network security rule admits traffic from "
                     "0.0.0.0/0 or ::/0, except TCP 443 to a public entry point.",
         severity="critical",
         remediation="Restrict the source to known CIDRs (partners, on-prem sites, the VPC), or publish the "
                     "service on 443 behind a gateway.",
         check=check_open_ingress, types=frozenset({SG, SG_RULE, SG_INGRESS, NSG, NSG_RULE})),
    Rule(id="vpn-strong-crypto",
         description="IPsec tunnels negotiate IKEv2 only, with AES-256 (GCM or CBC), SHA-2 integrity and "
                     "Diffie-Hellman group 14 or stronger in both phases.",
         severity="high",
         remediation="Build tunnels with components.connectivity (HybridLink), which pins the proposals in "
                     "components/connectivity/crypto.py; on Azure, set connectionProtocol IKEv2 and an ipsecPolicies entry.",
         check=check_vpn_crypto, types=frozenset({VPN, AZURE_CONNECTION})),
]
