"""Network shapes for the ingress and tunnel rules: nothing open to the internet but HTTPS (practice 5.5, exposed endpoints), and IPsec
tunnels with IKEv2 and strong proposals only (practice 8.1, secure hybrid tunnels; 5.1, encryption in transit)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .values import as_list, is_map, strings

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
NSG = "azure-native:network:NetworkSecurityGroup"
NSG_RULE = "azure-native:network:SecurityRule"
VPN = "aws:ec2/vpnConnection:VpnConnection"
AZURE_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"

WORLD = frozenset({"0.0.0.0/0", "::/0"})
# Azure spells "anyone" several ways in a rule's source.
AZURE_WORLD = WORLD | {"*", "internet", "any", "0.0.0.0", "::"}
PUBLIC_PORT = 443
ALL_PROTOCOLS = frozenset({"-1", "all", "*"})
# HTTPS from anywhere is for public entry points only, and a group says it is one with this tag.
ENTRY_POINT_TAG = "public-entry-point"
NOT_DECLARED = f"without the {ENTRY_POINT_TAG}=true tag that declares a public entry point"


def declared_entry_point(props: Mapping[str, Any]) -> bool:
    tags = props.get("tags")
    return is_map(tags) and str(tags.get(ENTRY_POINT_TAG, "")).lower() == "true"


def _ports(from_port: Any, to_port: Any) -> str:
    try:
        low, high = int(from_port), int(to_port)
    except (TypeError, ValueError):
        return "every port"
    if (low, high) in ((0, 65535), (-1, -1)):
        return "every port"
    return f"port {low}" if low == high else f"ports {low}-{high}"


def aws_exposure(protocol: Any, from_port: Any, to_port: Any, entry_point: bool = False) -> str | None:
    """What a world-open AWS rule admits, or None when that is TCP 443 alone on a declared public entry point.

    AWS writes protocols as names or numbers; "-1" means every protocol and every port."""
    name = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(str(protocol).lower(), str(protocol).lower())
    if name in ALL_PROTOCOLS:
        return "every protocol and port"
    ports = _ports(from_port, to_port)
    if name == "tcp" and ports == f"port {PUBLIC_PORT}":
        return None if entry_point else f"TCP port {PUBLIC_PORT} {NOT_DECLARED}"
    return f"{name.upper()} {ports}"


def aws_world(rule: Mapping[str, Any], *keys: str) -> list[str]:
    """The world-open sources among the rule's CIDR inputs (each a list or a single CIDR)."""
    return sorted({str(v) for key in keys for v in as_list(rule.get(key)) if str(v) in WORLD})


def azure_exposure(rule: Mapping[str, Any], entry_point: bool = False) -> str | None:
    """What an inbound allow rule from anywhere admits, or None when nothing, or only TCP 443 on a declared
    public entry point (unset protocol or ports count as every protocol or port)."""
    if str(rule.get("direction", "")).lower() != "inbound" or str(rule.get("access", "")).lower() != "allow":
        return None
    sources = strings([rule.get("sourceAddressPrefix"), *as_list(rule.get("sourceAddressPrefixes"))])
    if not any(s.lower() in AZURE_WORLD for s in sources):
        return None
    protocol = str(rule.get("protocol") or "*").lower()
    ports = list(dict.fromkeys(strings([rule.get("destinationPortRange"), *as_list(rule.get("destinationPortRanges"))])))
    ports = ports or ["*"]
    if protocol == "tcp" and all(p == str(PUBLIC_PORT) for p in ports):
        return None if entry_point else f"TCP port {PUBLIC_PORT} {NOT_DECLARED}"
    described = "every port" if "*" in ports else ("port " if len(ports) == 1 and "-" not in ports[0] else "ports ") \
        + ", ".join(ports)
    return f"every protocol on {described}" if protocol in ALL_PROTOCOLS else f"{protocol.upper()} {described}"


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
