"""DNS: a record in a zone the stack manages that points at a name inside a managed zone points at a name
the stack defines (a record, or a gateway's custom domain) or the spec declares.

Route 53 accepts a CNAME to any name; resolving it yields NXDOMAIN when nothing defines the target, so
failover "works" in the plan and sends every client nowhere.
"""

from __future__ import annotations

from typing import Iterator

from .context import Context
from .model import UNKNOWN, Document, Finding

ZONE = "aws:route53/zone:Zone"
RECORD = "aws:route53/record:Record"
# Custom domains: the input holding the name each serves.
DOMAIN_INPUTS = {"aws:apigateway/domainName:DomainName": "domainName",
                 "aws:apigatewayv2/domainName:DomainName": "domainName"}
APIM = "azure-native:apimanagement:ApiManagementService"
TRAFFIC_MANAGER = "azure-native:trafficmanager:Profile"


def _fqdn(name: str, zone: str) -> str:
    name = name.rstrip(".").lower()
    return name if name == zone or name.endswith("." + zone) else f"{name}.{zone}"


def check_dns(doc: Document, context: Context) -> Iterator[Finding]:
    zones: dict[str, str] = {}  # zone id -> apex
    for state in doc.of_type(ZONE):
        apex = str(state.inputs.get("name") or "").rstrip(".").lower()
        for identifier in {state.id, state.outputs.get("zoneId"), state.outputs.get("id")} - {None, "", UNKNOWN}:
            zones[identifier] = apex
    if not zones:
        return
    apexes = set(zones.values())
    defined = {name.lower().rstrip(".") for name in context.declared}
    records = doc.of_type(RECORD)
    for state in records:
        zone = zones.get(state.inputs.get("zoneId"))
        if zone and isinstance(state.inputs.get("name"), str):
            defined.add(_fqdn(state.inputs["name"], zone))
    for type_, key in DOMAIN_INPUTS.items():
        defined.update(str(s.inputs.get(key)).lower() for s in doc.of_type(type_) if s.inputs.get(key))
    for state in doc.of_type(APIM):
        defined.update(str(h.get("hostName")).lower() for h in state.inputs.get("hostnameConfigurations") or [])

    def inside(target: str) -> bool:
        return any(target == apex or target.endswith("." + apex) for apex in apexes)

    for state in records:
        zone = zones.get(state.inputs.get("zoneId"))
        if not zone:
            continue
        targets = list(state.inputs.get("records") or []) if state.inputs.get("type") == "CNAME" else []
        targets += [a.get("name") for a in state.inputs.get("aliases") or [] if isinstance(a, dict)]
        for target in targets:
            if not isinstance(target, str) or target == UNKNOWN:
                continue
            name = target.rstrip(".").lower()
            if inside(name) and name not in defined:
                yield Finding(state.urn, "dns-dangling-target",
                              f"points at {name}, inside a zone this stack manages, but no record, gateway custom "
                              "domain or declared prerequisite defines that name; resolvers answer NXDOMAIN. Define "
                              "the target (or point at the gateway's own domain name Output)")
    for state in doc.of_type(TRAFFIC_MANAGER):
        for endpoint in state.inputs.get("endpoints") or []:
            target = str(endpoint.get("target") or "").rstrip(".").lower()
            if target and target != UNKNOWN.lower() and inside(target) and target not in defined:
                yield Finding(state.urn, "dns-dangling-target",
                              f"endpoint {endpoint.get('name')!r} targets {target}, inside a zone this stack manages, "
                              "but nothing defines that name; Traffic Manager marks it degraded and routes nowhere")
