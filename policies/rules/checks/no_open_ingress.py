"""Nothing open to the internet but HTTPS (practice 5.5, exposed endpoints), in every form a rule takes:
inline ingress on a security group, a separate security group rule or ingress rule, an Azure network
security group's inline rules or a separate security rule; IPv4 and IPv6. Findings name what is exposed."""

from __future__ import annotations

from typing import Iterable

from ..framework import NotApplicable, Resource, Rule, RuleContext
from ..network import (DEFAULT_SG, NSG, NSG_RULE, SG, SG_INGRESS, SG_RULE, aws_exposure, aws_world, azure_exposure,
                       declared_entry_point)
from ..values import get, maps


def check(resource: Resource, ctx: RuleContext) -> Iterable[str]:
    props = resource.props
    entry_point = declared_entry_point(props)  # rule types without tags cannot declare one: exempt them instead
    if resource.type in (SG, DEFAULT_SG):
        for index, rule in enumerate(maps(props.get("ingress"))):
            exposed = aws_world(rule, "cidrBlocks", "ipv6CidrBlocks") and \
                aws_exposure(rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"), entry_point)
            if exposed:
                yield f"inline ingress rule {index} admits the internet on {exposed}"
    elif resource.type == SG_RULE:
        if str(props.get("type")) != "ingress":
            raise NotApplicable("an egress rule opens nothing to callers")
        exposed = aws_world(props, "cidrBlocks", "ipv6CidrBlocks") and \
            aws_exposure(props.get("protocol"), props.get("fromPort"), props.get("toPort"), entry_point)
        if exposed:
            yield f"ingress rule admits the internet on {exposed}"
    elif resource.type == SG_INGRESS:
        exposed = aws_world(props, "cidrIpv4", "cidrIpv6") and \
            aws_exposure(props.get("ipProtocol"), props.get("fromPort"), props.get("toPort"), entry_point)
        if exposed:
            yield f"ingress rule admits the internet on {exposed}"
    elif resource.type == NSG:
        for index, rule in enumerate(maps(props.get("securityRules"))):
            exposed = azure_exposure(get(rule, "properties") or rule, entry_point)
            if exposed:
                yield f"security rule {index} admits inbound internet traffic on {exposed}"
    else:
        exposed = azure_exposure(props, entry_point)
        if exposed:
            yield f"security rule admits inbound internet traffic on {exposed}"


RULE = Rule(
    id="no-open-ingress", concern="open-ingress",
    description="No security group, security group rule or network security rule admits traffic from "
                "0.0.0.0/0 or ::/0, except TCP 443 on a group tagged public-entry-point=true.",
    severity="critical",
    remediation="Restrict the source to known CIDRs (partners, on-prem sites, the VPC), or publish the "
                "service on 443 behind a gateway whose security group carries public-entry-point=true (a separate "
                "rule resource, which takes no tags, needs a justified exemption).",
    check=check, types=frozenset({SG, DEFAULT_SG, SG_RULE, SG_INGRESS, NSG, NSG_RULE}))
