"""Which Route 53 records a routed name needs, as pure functions (tested without any cloud).

One record per entry point (per geo code for geolocation), each with a stable set identifier, so a
record's identity does not change when another entry point is added.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from ..spec.routing import EntryPoint, HealthCheckSpec, RecordSpec


class PlannedRecord(NamedTuple):
    set_identifier: str
    entry: EntryPoint
    failover: Optional[str]
    """PRIMARY or SECONDARY (failover records)."""
    latency_region: Optional[str]
    """AWS region (latency records)."""
    continent: Optional[str]
    country: Optional[str]


def plan_records(record: RecordSpec) -> list[PlannedRecord]:
    planned = []
    for entry in record.entry_points:
        if record.policy == "failover":
            planned.append(PlannedRecord(f"{entry.role}-{entry.region}", entry, str(entry.role).upper(),
                                         None, None, None))
        elif record.policy == "latency":
            planned.append(PlannedRecord(f"latency-{entry.region}", entry, None, entry.region, None, None))
        else:
            for kind, code in entry.geo_codes():
                planned.append(PlannedRecord(f"geo-{kind}-{code.lower()}", entry, None, None,
                                             code if kind == "continent" else None,
                                             code if kind == "country" else None))
    return planned


def dns_failover_floor_seconds(health_check: HealthCheckSpec, ttl_seconds: int) -> int:
    """Earliest a caller can be answered with the secondary: detection (interval x threshold) plus the
    TTL a resolver may keep the old answer. The failover drill cannot beat this (practice 8.6)."""
    return health_check.interval_seconds * health_check.failure_threshold + ttl_seconds


def traffic_manager_interval(health_check: HealthCheckSpec) -> tuple[int, int]:
    """(probing interval, timeout) for Traffic Manager: it accepts 10 or 30 s, timeout 5-9 s at 10 s, 5-10 at 30 s."""
    return health_check.interval_seconds, (9 if health_check.interval_seconds == 10 else 10)
