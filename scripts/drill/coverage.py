"""What a drill of an environment can and cannot prove, read from its spec before any call is made.

`readiness_gaps`: failover needs a consumer in the secondary for every queue a node consumes (the drill's
own consumer would otherwise hide the gap), and every replicated secret's replica there.
`coverage`: every broker, DNS route, hybrid link and cache, with whether this drill exercises it and why not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .inventory import Inventory

if TYPE_CHECKING:
    from components.spec.environment import EnvironmentSpec

def readiness_gaps(spec: "EnvironmentSpec", inventory: Inventory) -> list[str]:
    primary, secondary = inventory.primary_region, inventory.secondary_region
    brokers = {b.name: b for b in spec.messaging.brokers}
    gaps = []
    consumers: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in spec.processing.nodes:
        for ref in node.consumes:
            consumers.setdefault((ref.broker, ref.queue), []).append((node.name, node.region))
    for (broker_name, queue), nodes in sorted(consumers.items()):
        broker = brokers.get(broker_name)
        if broker is None or broker.no_standby is not None or broker.copy_regions()[:1] != (primary,):
            continue
        if secondary not in broker.copy_regions():
            gaps.append(f"queue {broker_name}/{queue} (consumed by {', '.join(n for n, _ in nodes)}) has no standby "
                        f"copy in {secondary}: broker {broker_name} sets no standby_region {secondary}")
        elif not any(region == secondary for _, region in nodes):
            where = ", ".join(f"{name} in {region}" for name, region in nodes)
            gaps.append(f"queue {broker_name}/{queue} has no consumer deployed in {secondary} (only {where}): add a "
                        f"processing node on a {secondary} cluster that consumes it")
    replicated = {s.name.rsplit("/", 1)[-1] for s in inventory.secrets if secondary in s.replica_regions}
    for secret in spec.secrets.secrets:
        if secret.replicate and secret.name not in replicated:
            gaps.append(f"secret {secret.name} is not replicated to {secondary}")
    return gaps


def coverage(spec: "EnvironmentSpec", inventory: Inventory) -> list[dict[str, str]]:
    """One entry per broker, route and link: {kind, name, exercised: yes|partly|no, how}."""
    primary, secondary = inventory.primary_region, inventory.secondary_region
    traffic = inventory.traffic_queue()
    entries = []
    for broker in spec.messaging.brokers:
        queues = {q.name for q in broker.queue_specs()}
        copies = broker.copy_regions()
        if broker.no_standby is not None:
            entries.append({"kind": "broker", "name": broker.name, "exercised": "no", "how": broker.no_standby})
        elif copies[:1] == (primary,) and secondary in copies[1:]:
            carries = traffic.name.startswith(f"{spec.name}-{broker.name}-") or traffic.name in queues
            how = (f"synthetic and poison traffic through a drill-only queue beside {traffic.name} in both regions; "
                   f"the other queues checked to exist in {secondary}") if carries else (
                   f"queues checked to exist in {secondary}; no traffic through them")
            entries.append({"kind": "broker", "name": broker.name, "exercised": "yes" if carries else "partly",
                            "how": how})
        else:
            entries.append({"kind": "broker", "name": broker.name, "exercised": "no",
                            "how": f"no standby copy in {secondary} (standby_region is "
                                   f"{', '.join(copies[1:]) or 'unset'}); it does not fail over"})
    for record in spec.routing.records:
        if record.name == inventory.primary.name:
            entries.append({"kind": "route", "name": record.name, "exercised": "yes",
                            "how": "Route 53 failover to the secondary and back, through its primary health check"})
        elif record.policy == "failover":
            entries.append({"kind": "route", "name": record.name, "exercised": "no",
                            "how": "one failover record is drilled per run (failover.record picks it)"})
        else:
            entries.append({"kind": "route", "name": record.name, "exercised": "no",
                            "how": f"{record.policy} routing is not drilled"})
    for manager in spec.routing.traffic_managers:
        entries.append({"kind": "route", "name": f"traffic-manager {manager.name}", "exercised": "no",
                        "how": "Azure Traffic Manager endpoint failover is not drilled (no Azure fault exists)"})
    for link in spec.connectivity.links:
        how = "hybrid links are not failed over by the drill"
        if link.vpn_backup:
            how = f"the {link.transport} circuit's failover to its IPsec VPN backup path is not exercised"
        entries.append({"kind": "link", "name": link.name, "exercised": "no", "how": how})
    for cache in spec.data.caches:
        # A cache is regional on purpose (practice 4.4): it holds copies, the system of record fails over.
        entries.append({"kind": "cache", "name": cache.name, "exercised": "no",
                        "how": f"a regional {cache.engine} cache in {cache.region}: not failed over; changes published "
                               f"while failed over do not reach it, so its entries are stale for at most "
                               f"ttl_seconds ({cache.ttl_seconds} s) after failback"})
    return entries
