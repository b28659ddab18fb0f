"""IPsec tunnels negotiate IKEv2 only, with AES-256 (GCM or CBC), SHA-2 integrity and Diffie-Hellman group 14
or stronger in both phases. Shapes shared with sibling rules: policies/rules/network.py."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..network import AZURE_CONNECTION, AZURE_STRONG, VPN, _aws_tunnel


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
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


RULE = Rule(
    id="vpn-strong-crypto", concern="tunnel-crypto",
    description="IPsec tunnels negotiate IKEv2 only, with AES-256 (GCM or CBC), SHA-2 integrity and "
                "Diffie-Hellman group 14 or stronger in both phases.",
    severity="high",
    remediation="Build tunnels with components.connectivity (HybridLink), which pins the proposals in "
                "components/connectivity/crypto.py; on Azure, set connectionProtocol IKEv2 and an ipsecPolicies entry.",
    check=check, types=frozenset({VPN, AZURE_CONNECTION}))
