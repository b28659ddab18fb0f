"""What the drill works on, read from a plan (or a real stack export): pure, no AWS calls.

The plan names every drill-relevant resource and the regions they live in; ids inside it are the
planner's mock ids, so references (a record's health check) are resolved here by plan id and the drill
finds the real resources on its target by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from components.alerting import alert_topic_suffix

from ..export_format import nested

ZONE, HEALTH_CHECK, RECORD = "aws:route53/zone:Zone", "aws:route53/healthCheck:HealthCheck", "aws:route53/record:Record"
SECRET, QUEUE, TOPIC = "aws:secretsmanager/secret:Secret", "aws:sqs/queue:Queue", "aws:sns/topic:Topic"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


class DrillInputError(ValueError):
    """The plan or spec does not declare what a drill needs: bad input, exit 2."""


@dataclass(frozen=True)
class HealthCheck:
    plan_id: str
    type: str
    fqdn: Optional[str]
    ip_address: Optional[str]
    port: Optional[int]
    path: Optional[str]
    interval: int
    threshold: int


@dataclass(frozen=True)
class Record:
    zone: str
    name: str
    type: str
    ttl: int
    role: str  # PRIMARY or SECONDARY
    set_identifier: str
    values: tuple[str, ...]
    health_check: Optional[HealthCheck]


@dataclass(frozen=True)
class Secret:
    name: str
    region: str
    replica_regions: tuple[str, ...]
    promote: bool


@dataclass(frozen=True)
class Queue:
    name: str
    region: str
    fifo: bool
    dlq: Optional[str]
    max_receive_count: int = 0
    visibility_timeout: int = 30
    attributes: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Alarm:
    name: str
    region: str
    critical: bool
    inputs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Inventory:
    primary_region: str
    secondary_region: str
    primary: Record
    secondary: Record
    secrets: tuple[Secret, ...]
    queues: tuple[Queue, ...]
    topics: tuple[tuple[str, str, bool], ...]  # (name, region, fifo)
    alarms: tuple[Alarm, ...]

    @property
    def zone(self) -> str:
        return self.primary.zone

    def traffic_queue(self) -> Queue:
        """The work queue the synthetic traffic crosses: the first with a DLQ that exists in both regions."""
        return next(q for q in self.drill_queues() if q.region == self.primary_region)

    def drill_queues(self) -> list[Queue]:
        names = {q.name for q in self.queues if q.region == self.secondary_region}
        return [q for q in self.queues if q.name in names and q.dlq]

    def promoted(self) -> list[Secret]:
        return [s for s in self.secrets if s.promote]

    def dns_floor_inputs(self) -> tuple[int, int, int]:
        """(health-check interval, failure threshold, TTL) of the primary record."""
        check = self.primary.health_check
        return (check.interval, check.threshold, self.primary.ttl) if check else (0, 0, self.primary.ttl)


def _regions(resources: list[dict[str, Any]]) -> dict[str, str]:
    return {r["urn"]: r["inputs"].get("region") for r in resources if r["type"].startswith("pulumi:providers:aws")}


def region_of(resource: dict[str, Any], providers: dict[str, str]) -> Optional[str]:
    """A resource's region is its own `region` input, else its provider's (DESIGN.md)."""
    own = resource.get("inputs", {}).get("region")
    if isinstance(own, str):
        return own
    provider = resource.get("provider") or ""
    return providers.get(provider.rsplit("::", 1)[0]) if provider else None


def _record(resource: dict[str, Any], zones: dict[str, str], checks: dict[str, HealthCheck]) -> Optional[Record]:
    inputs = resource["inputs"]
    policies = nested(inputs.get("failoverRoutingPolicies")) or []
    if not policies:
        return None
    role = str(policies[0].get("type", "")).upper()
    return Record(zone=zones.get(str(inputs.get("zoneId")), ""), name=str(inputs["name"]).rstrip("."),
                  type=str(inputs.get("type", "CNAME")), ttl=int(inputs.get("ttl") or 0), role=role,
                  set_identifier=str(inputs.get("setIdentifier") or role.lower()),
                  values=tuple(str(v) for v in (nested(inputs.get("records")) or [])),
                  health_check=checks.get(str(inputs.get("healthCheckId"))))


def _health_check(resource: dict[str, Any]) -> HealthCheck:
    inputs = resource["inputs"]
    return HealthCheck(plan_id=str(resource.get("id")), type=str(inputs.get("type", "HTTPS")),
                       fqdn=inputs.get("fqdn"), ip_address=inputs.get("ipAddress"),
                       port=inputs.get("port"), path=inputs.get("resourcePath"),
                       interval=int(inputs.get("requestInterval") or 30), threshold=int(inputs.get("failureThreshold") or 3))


def _queue(resource: dict[str, Any], region: str) -> Queue:
    inputs = resource["inputs"]
    redrive = nested(inputs.get("redrivePolicy")) or {}
    dlq = str(redrive["deadLetterTargetArn"]).rsplit(":", 1)[-1] if redrive.get("deadLetterTargetArn") else None
    attributes = {key: str(inputs[src]).lower() if isinstance(inputs[src], bool) else str(inputs[src])
                  for key, src in (("ContentBasedDeduplication", "contentBasedDeduplication"),
                                   ("MessageRetentionPeriod", "messageRetentionSeconds")) if src in inputs}
    return Queue(name=str(inputs.get("name")), region=region, fifo=bool(inputs.get("fifoQueue")), dlq=dlq,
                 max_receive_count=int(redrive.get("maxReceiveCount") or 0),
                 visibility_timeout=int(inputs.get("visibilityTimeoutSeconds") or 30), attributes=attributes)


def _critical(inputs: dict[str, Any]) -> bool:
    tags = nested(inputs.get("tags")) or {}
    actions = nested(inputs.get("alarmActions")) or []
    # Critical alarms page on-call through the per-region critical topic (components/alerting.py).
    return tags.get("severity") == "critical" or any(str(a).endswith(alert_topic_suffix("critical")) for a in actions)


def read_inventory(export: dict[str, Any], primary_region: str, secondary_region: str,
                   record_name: Optional[str] = None, promote: Optional[list[str]] = None) -> Inventory:
    """Everything the drill needs from `export`; DrillInputError when it lacks something to drill.

    `promote` lists secret names (spec names: a plan's secret is named `<env>/<name>`) to promote.
    """
    resources = export["deployment"]["resources"]
    providers = _regions(resources)
    zones = {str(r["id"]): str(r["inputs"]["name"]).rstrip(".") for r in resources if r["type"] == ZONE}
    checks = {str(r["id"]): _health_check(r) for r in resources if r["type"] == HEALTH_CHECK}
    records = [rec for r in resources if r["type"] == RECORD and (rec := _record(r, zones, checks))]
    if record_name:
        records = [r for r in records if r.name == record_name]
    names = [r.name for r in records]
    chosen = names[0] if names else None
    pair = {r.role: r for r in records if r.name == chosen}
    if "PRIMARY" not in pair or "SECONDARY" not in pair:
        raise DrillInputError("the plan declares no failover record to drill: expected a pair of "
                              f"{RECORD} with failoverRoutingPolicies PRIMARY and SECONDARY"
                              + (f" named {record_name}" if record_name else ""))
    secrets = []
    wanted = set(promote or [])
    for r in resources:
        if r["type"] != SECRET:
            continue
        name = str(r["inputs"].get("name"))
        replicas = tuple(str(x.get("region")) for x in (nested(r["inputs"].get("replicas")) or []))
        secrets.append(Secret(name=name, region=region_of(r, providers) or primary_region, replica_regions=replicas,
                              promote=name in wanted or name.rsplit("/", 1)[-1] in wanted))
    if not any(secondary_region in s.replica_regions for s in secrets):
        raise DrillInputError(f"the plan declares no secret replica in the secondary region {secondary_region}: "
                              f"expected an {SECRET} with replicas: [{{region: {secondary_region}}}]")
    missing = [s.name for s in secrets if s.promote and secondary_region not in s.replica_regions]
    if missing:
        raise DrillInputError(f"secrets to promote have no replica in {secondary_region}: {', '.join(missing)}")
    queues = tuple(_queue(r, region) for r in resources if r["type"] == QUEUE and (region := region_of(r, providers)))
    topics = tuple((str(r["inputs"].get("name")), region, bool(r["inputs"].get("fifoTopic")))
                   for r in resources if r["type"] == TOPIC and (region := region_of(r, providers)))
    alarms = tuple(Alarm(name=str(r["inputs"].get("name") or r["inputs"].get("alarmName") or r.get("id")),
                         region=region, critical=_critical(r["inputs"]), inputs=r["inputs"])
                   for r in resources if r["type"] == ALARM and (region := region_of(r, providers))
                   and region in (primary_region, secondary_region))
    inventory = Inventory(primary_region=primary_region, secondary_region=secondary_region,
                          primary=pair["PRIMARY"], secondary=pair["SECONDARY"], secrets=tuple(secrets),
                          queues=queues, topics=topics, alarms=alarms)
    if not inventory.drill_queues():
        raise DrillInputError(f"the plan declares no secondary queue to drill: expected an {QUEUE} with a "
                              f"dead-letter queue in {primary_region} and one of the same name in {secondary_region}")
    return inventory
