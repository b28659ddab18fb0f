"""Spec models for DNS traffic routing: Route 53 records with health checks, Azure Traffic Manager.

Practice 8.4 (route by latency or compliance through intelligent DNS) and 8.6 (failover testing: the
drill's DNS floor is health-check interval x failure threshold + record TTL, all from here).
"""

from __future__ import annotations

from typing import Iterator, Literal, Optional

from pydantic import Field, model_validator

from .base import SpecModel
from .residency import ZONE_AZURE_LOCATIONS

HOSTNAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
CONTINENTS = frozenset({"AF", "AN", "AS", "EU", "NA", "OC", "SA"})
AZURE_LOCATIONS = frozenset().union(*ZONE_AZURE_LOCATIONS.values())


class HealthCheckSpec(SpecModel):
    """An HTTPS health check against each entry point (practice 6.3, health checks)."""

    path: str = Field(default="/health", pattern=r"^/[\x21-\x7e]*$", description="HTTPS path probed")
    port: int = Field(default=443, ge=1, le=65535, description="TCP port probed")
    interval_seconds: Literal[10, 30] = Field(default=30, description="Route 53 supports 10 (fast) or 30 seconds")
    failure_threshold: int = Field(default=3, ge=1, le=10, description="consecutive failures before unhealthy")


class EntryPoint(SpecModel):
    """One regional entry point: a hostname in a region, with its role for the record's routing policy."""

    region: str = Field(description="AWS region or Azure location the entry point runs in")
    target: Optional[str] = Field(default=None, pattern=HOSTNAME, max_length=253,
                                  description="regional hostname the record points at, defined outside this section")
    api: Optional[str] = Field(default=None, description="a gateway API served in this region (its region or standby "
                               "region, or API Management's location): the stack points at that copy's regional name")
    role: Optional[Literal["primary", "secondary"]] = Field(default=None, description="failover records only")
    continents: list[str] = Field(default_factory=list, description="geolocation: continent codes served here",
        examples=[["EU"]])
    countries: list[str] = Field(default_factory=list, description="geolocation: ISO country codes served here",
        examples=[["DE", "AT"]])

    @model_validator(mode="after")
    def _codes(self) -> "EntryPoint":
        if (self.target is None) == (self.api is None):
            raise ValueError("expected exactly one of target (a hostname) or api (a gateway API's name)")
        for code in self.continents:
            if code not in CONTINENTS:
                raise ValueError(f"unknown continent {code!r}; expected one of {', '.join(sorted(CONTINENTS))}")
        for code in self.countries:
            if len(code) != 2 or not code.isupper():
                raise ValueError(f"expected an ISO 3166 two-letter country code, got {code!r}")
        return self

    def geo_codes(self) -> list[tuple[str, str]]:
        """(kind, code) pairs, continents first: one Route 53 record each."""
        return [("continent", c) for c in self.continents] + [("country", c) for c in self.countries]


class RecordSpec(SpecModel):
    """A DNS name answered by Route 53 with one record per entry point under a routing policy."""

    name: str = Field(pattern=HOSTNAME, max_length=253, description="fully qualified name inside routing.zone")
    policy: Literal["failover", "latency", "geolocation"] = Field(
        description="Route 53 routing policy of the record set")
    ttl_seconds: int = Field(default=60, ge=0, le=86400, description="DNS time to live of each record")
    health_check: HealthCheckSpec = Field(default_factory=HealthCheckSpec,
                                          description="health check run against each entry point")
    entry_points: list[EntryPoint] = Field(min_length=1, description="regional entry points, one record each")


class TrafficManagerSpec(SpecModel):
    """An Azure Traffic Manager profile for Azure entry points (Route 53 cannot health-route inside Azure's DNS)."""

    name: str = Field(
        pattern=r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$", description="profile name and its trafficmanager.net label")
    method: Literal["Priority", "Performance", "Geographic"] = Field(description="Traffic Manager routing method")
    ttl_seconds: int = Field(default=60, ge=0, le=2147483647, description="DNS time to live of the profile's answers")
    health_check: HealthCheckSpec = Field(default_factory=HealthCheckSpec, description="endpoint monitoring settings")
    entry_points: list[EntryPoint] = Field(min_length=1, description="the profile's endpoints")


class RoutingSpec(SpecModel):
    zone: Optional[str] = Field(default=None, pattern=HOSTNAME, description="public hosted zone the records live in")
    records: list[RecordSpec] = Field(default_factory=list,
                                      description="Route 53 records with a routing policy and health checks")
    traffic_managers: list[TrafficManagerSpec] = Field(default_factory=list,
        description="Azure Traffic Manager profiles for Azure entry points")


def _entry_point_problems(path: str, policy: str, entry_points: list[EntryPoint], allowed: set[str]
                          ) -> Iterator[tuple[str, str]]:
    roles = [e.role for e in entry_points]
    if policy in ("failover", "Priority"):
        if policy == "failover" and sorted(r or "" for r in roles) != ["primary", "secondary"]:
            yield f"{path}.entry_points", "a failover record needs exactly two entry points: one primary, one secondary"
    elif any(roles):
        yield f"{path}.entry_points", f"role applies to failover routing only, not {policy}"
    if policy in ("latency", "Performance"):
        regions = [e.region for e in entry_points]
        if len(set(regions)) != len(regions):
            yield f"{path}.entry_points", "latency routing needs one entry point per region"
    if policy in ("geolocation", "Geographic"):
        codes = [code for e in entry_points for code in e.geo_codes()]
        if any(not e.geo_codes() for e in entry_points):
            yield f"{path}.entry_points", "geolocation routing needs continents or countries on every entry point"
        if len(set(codes)) != len(codes):
            yield f"{path}.entry_points", "a continent or country may be served by one entry point only"
    elif any(e.geo_codes() for e in entry_points):
        yield f"{path}.entry_points", f"continents and countries apply to geolocation routing only, not {policy}"
    for j, entry in enumerate(entry_points):
        if entry.region not in allowed:
            # Practice 5.6: DNS must not send callers to a region the data may not be in.
            yield (f"{path}.entry_points[{j}].region",
                   f"region {entry.region!r} is not in residency.allowed_regions ({', '.join(sorted(allowed))})")


def _api_entry_points(spec) -> Iterator[tuple[str, str]]:
    """`api:` entry points name an API served in the entry point's region, under the record's own name."""
    apis = {a.name: a for a in spec.gateways.apis}
    zone = spec.routing.zone
    azure = spec.regions.azure.location if spec.regions.azure else None
    groups = [(f"routing.records[{i}]", r, False) for i, r in enumerate(spec.routing.records)]
    groups += [(f"routing.traffic_managers[{i}]", p, True) for i, p in enumerate(spec.routing.traffic_managers)]
    for path, group, traffic_manager in groups:
        named = {e.api for e in group.entry_points if e.api}
        if named and group.health_check.path != "/health":
            yield (f"{path}.health_check.path", "entry points naming an api are probed on the gateway's "
                   "unauthenticated /<current version>/health route; expected path /health")
        if len(named) > 1:
            yield f"{path}.entry_points", f"entry points name different APIs ({', '.join(sorted(named))}); expected one"
        for j, entry in enumerate(group.entry_points):
            if entry.api is None:
                continue
            where = f"{path}.entry_points[{j}]"
            api = apis.get(entry.api)
            if api is None:
                yield f"{where}.api", f"undefined API {entry.api!r}; expected one of gateways.apis: {', '.join(sorted(apis)) or 'none'}"
                continue
            if traffic_manager and "azure" in api.clouds and entry.region == azure:
                continue  # API Management's own hostname
            if api.audience != "partner" or "aws" not in api.clouds:
                yield f"{where}.api", f"API {api.name} has no regional REST copies on AWS; expected a partner API on aws"
                continue
            serving = api.serving_regions() + ([azure] if traffic_manager and "azure" in api.clouds and azure else [])
            if entry.region not in serving:
                yield (f"{where}.region", f"API {api.name} is served in {', '.join(serving)}; expected one of them "
                       "(add a standby to serve another region)")
                continue
            if not traffic_manager and group.name != api.domain.name:
                yield (f"{path}.name", f"entry points serve API {api.name} under its custom domain {api.domain.name} "
                       "(TLS and the custom domain match only that name); expected that name")
            hostname = api.regional_hostname(entry.region)
            if zone and not hostname.endswith("." + zone):
                yield (f"{where}.api", f"the regional name {hostname} is not inside routing.zone {zone}; the stack "
                       "creates it there, expected the API's domain inside the zone")


def check_routing(spec) -> Iterator[tuple[str, str]]:
    """Cross-field checks for the `routing` section; `spec` is the EnvironmentSpec."""
    section = spec.routing
    allowed = set(spec.residency.allowed_regions)
    aws_regions = set(spec.aws_region_names())
    if section.records and section.zone is None:
        yield "routing.zone", "records need the hosted zone they live in; expected routing.zone"
    names: set[str] = set()
    for i, record in enumerate(section.records):
        path = f"routing.records[{i}]"
        if section.zone and not (record.name == section.zone or record.name.endswith("." + section.zone)):
            yield f"{path}.name", f"expected a name inside the zone {section.zone}"
        if record.name in names:
            yield f"{path}.name", f"duplicate name {record.name!r}: names must be unique here"
        names.add(record.name)
        yield from _entry_point_problems(path, record.policy, record.entry_points, allowed)
        if record.policy == "latency":
            for j, entry in enumerate(record.entry_points):
                if entry.region not in aws_regions:
                    yield (f"{path}.entry_points[{j}].region",
                           f"latency records name an AWS region of regions.aws ({', '.join(sorted(aws_regions))})")
    yield from _api_entry_points(spec)
    if section.traffic_managers and (spec.regions.azure is None or spec.accounts.azure is None):
        yield "routing.traffic_managers", "Traffic Manager profiles need regions.azure and accounts.azure"
    profiles: set[str] = set()
    for i, profile in enumerate(section.traffic_managers):
        path = f"routing.traffic_managers[{i}]"
        if profile.name in profiles:
            yield f"{path}.name", f"duplicate name {profile.name!r}: names must be unique here"
        profiles.add(profile.name)
        yield from _entry_point_problems(path, profile.method, profile.entry_points, allowed)
        if profile.method == "Priority" and len(profile.entry_points) < 2:
            yield f"{path}.entry_points", "priority routing needs at least two entry points to fail over between"
        if profile.method == "Performance":
            for j, entry in enumerate(profile.entry_points):
                if entry.region not in AZURE_LOCATIONS:
                    yield (f"{path}.entry_points[{j}].region",
                           f"Performance routing locates each endpoint by its Azure region; expected an Azure region "
                           f"name such as westeurope (the nearest one for an endpoint outside Azure), got {entry.region!r}")
