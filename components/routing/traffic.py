"""TrafficRouting: a Route 53 hosted zone with health-checked records per regional entry point, and
Azure Traffic Manager profiles for Azure entry points (practice 8.4, and 6.3 health checks).

Health check interval, failure threshold and TTL stay plain inputs on the resources (and are exported),
because the failover drill computes its DNS floor from them (practice 8.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import pulumi
from pulumi_aws import route53
from pulumi_azure_native import trafficmanager

from ..naming import EstateNames, region_code
from ..spec.routing import EntryPoint, HealthCheckSpec, RoutingSpec
from .plan import dns_failover_floor_seconds, plan_records, traffic_manager_interval


@dataclass(frozen=True)
class RegionalTarget:
    """One region's copy of a gateway API, as the Gateway exposes it (all Outputs of its DomainName)."""

    hostname: str
    """The regional name (orders-euc1.api.example.com) the stack defines in the zone."""
    regional_domain_name: pulumi.Output[str]
    regional_zone_id: pulumi.Output[str]


@dataclass(frozen=True)
class ApiTargets:
    """What `api:` entry points of one API point at."""

    regions: dict[str, RegionalTarget]
    health_path: str
    """Path health checks probe on a regional name: /<current version>/health."""
    apim_hostname: Optional[pulumi.Output[str]] = None
    """API Management's gateway hostname, for a Traffic Manager endpoint in the Azure location."""
    apim_location: Optional[str] = None
    apim_health_path: Optional[str] = None
    """Where API Management answers for the API's health: /health/<api>/ (its versions sit under /<api>/)."""


@dataclass(frozen=True)
class TrafficRoutingArgs:
    environment: str
    """Environment name, the prefix of every physical name."""
    spec: RoutingSpec
    """The routing section of the spec."""
    protect: bool
    """Protect the hosted zone (production): partners resolve names in it."""
    azure_provider: Optional[pulumi.ProviderResource] = None
    """Provider for Traffic Manager profiles (Azure entry points)."""
    azure_resource_group: Optional[pulumi.Input[str]] = None
    """Resource group for Traffic Manager profiles."""
    azure_tags: Optional[dict[str, str]] = None
    """Tags for Azure resources (Azure has no provider-level default tags)."""
    names: EstateNames = field(default_factory=EstateNames)
    """The estate's affixes: Traffic Manager DNS labels are global across every Azure customer."""
    apis: dict[str, ApiTargets] = field(default_factory=dict)
    """API name -> its regional copies, for entry points that name an `api`."""


# Traffic Manager endpoint types: https://learn.microsoft.com/azure/traffic-manager/traffic-manager-endpoint-types
EXTERNAL_ENDPOINT = "Microsoft.Network/trafficManagerProfiles/externalEndpoints"
NESTED_ENDPOINT = "Microsoft.Network/trafficManagerProfiles/nestedEndpoints"


def dns_label(names: EstateNames, environment: str, profile: str) -> str:
    """The profile's <label>.trafficmanager.net: 1-63 letters, digits and hyphens, unique across Azure.
    https://learn.microsoft.com/azure/traffic-manager/traffic-manager-manage-profiles"""
    return names.unique(environment, profile, limit=63)


def _health_outputs(health: HealthCheckSpec, ttl: int) -> dict[str, int]:
    return {"health_check_interval_seconds": health.interval_seconds,
            "failure_threshold": health.failure_threshold, "ttl_seconds": ttl,
            "dns_failover_floor_seconds": dns_failover_floor_seconds(health, ttl)}


class TrafficRouting(pulumi.ComponentResource):
    zone_id: Optional[pulumi.Output[str]]
    name_servers: Optional[pulumi.Output[list[str]]]
    records: dict[str, Any]
    """Per routed name: policy, TTL, health check interval and threshold, DNS failover floor."""

    def __init__(self, name: str, args: TrafficRoutingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:routing:TrafficRouting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        spec = args.spec
        self.zone_id = self.name_servers = None
        self.records = {}
        zone = None
        aliases: dict[tuple[str, str], pulumi.Output[str]] = {}

        def regional_fqdn(api: str, region: str) -> pulumi.Output[str]:
            """The region's alias A record for an API copy (created once), as its fqdn Output."""
            if (api, region) not in aliases:
                if zone is None:  # the spec check asks for routing.zone first
                    raise ValueError(f"API {api}'s regional name in {region} needs routing.zone")
                target = args.apis[api].regions[region]
                alias = route53.Record(
                    f"{name}-{api}-{region_code(region)}", zone_id=zone.zone_id, name=target.hostname, type="A",
                    aliases=[route53.RecordAliasArgs(name=target.regional_domain_name, zone_id=target.regional_zone_id,
                                                     evaluate_target_health=False)], opts=child)
                aliases[(api, region)] = alias.fqdn
            return aliases[(api, region)]

        def api_of(entry: EntryPoint) -> Optional[ApiTargets]:
            if entry.api is None:
                return None
            api = args.apis.get(entry.api)
            if api is None:
                raise ValueError(f"entry point in {entry.region}: API {entry.api} has no gateway")
            return api

        def is_apim(entry: EntryPoint) -> bool:
            api = api_of(entry)
            return api is not None and entry.region == api.apim_location and api.apim_hostname is not None

        def target_of(entry: EntryPoint) -> pulumi.Input[str]:
            api = api_of(entry)
            if api is None:
                return str(entry.target)
            if is_apim(entry):
                return api.apim_hostname  # type: ignore[return-value]
            return regional_fqdn(str(entry.api), entry.region)

        def health_path_of(entry: EntryPoint, default: str) -> str:
            """What a probe of this entry requests: the API's health route, where this entry's gateway serves it."""
            api = api_of(entry)
            if api is None:
                return default
            if is_apim(entry) and api.apim_health_path:
                return api.apim_health_path
            return api.health_path

        if spec.zone:
            zone = route53.Zone(f"{name}-zone", name=spec.zone, comment=f"{args.environment} routed entry points",
                                force_destroy=False, opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
            self.zone_id, self.name_servers = zone.zone_id, zone.name_servers
            for record in spec.records:
                label = f"{name}-{record.name.split('.')[0]}"
                checks: dict[tuple[str, str], route53.HealthCheck] = {}
                for planned in plan_records(record):
                    entry = planned.entry
                    key = (entry.region, entry.api or str(entry.target))
                    target = target_of(entry)
                    if key not in checks:
                        checks[key] = route53.HealthCheck(
                            f"{label}-{entry.region}-health", type="HTTPS", fqdn=target, port=record.health_check.port,
                            resource_path=health_path_of(entry, record.health_check.path),
                            enable_sni=True,
                            request_interval=record.health_check.interval_seconds,
                            failure_threshold=record.health_check.failure_threshold, measure_latency=True,
                            reference_name=f"{args.environment}-{entry.region}"[:64],
                            tags={"Name": f"{record.name} {entry.region}", "record": record.name}, opts=child)
                    route53.Record(
                        f"{label}-{planned.set_identifier}", zone_id=zone.zone_id, name=record.name, type="CNAME",
                        ttl=record.ttl_seconds, records=[target], set_identifier=planned.set_identifier,
                        health_check_id=checks[key].id,
                        failover_routing_policies=[route53.RecordFailoverRoutingPolicyArgs(type=planned.failover)]
                        if planned.failover else None,
                        latency_routing_policies=[route53.RecordLatencyRoutingPolicyArgs(region=planned.latency_region)]
                        if planned.latency_region else None,
                        geolocation_routing_policies=[route53.RecordGeolocationRoutingPolicyArgs(
                            continent=planned.continent, country=planned.country)]
                        if record.policy == "geolocation" else None,
                        opts=child)
                self.records[record.name] = {"policy": record.policy, **_health_outputs(record.health_check,
                                                                                        record.ttl_seconds)}
        for profile in spec.traffic_managers:
            if args.azure_provider is None or args.azure_resource_group is None:
                raise ValueError(f"traffic manager {profile.name}: needs the Azure provider and resource group")
            interval, timeout = traffic_manager_interval(profile.health_check)

            def traffic_manager(label: str, method: str, path: str,
                                endpoints: list[trafficmanager.EndpointArgs]) -> trafficmanager.Profile:
                return trafficmanager.Profile(
                    f"{name}-{label}", profile_name=f"{args.environment}-{label}",
                    resource_group_name=args.azure_resource_group, location="global", profile_status="Enabled",
                    traffic_routing_method=method,
                    dns_config=trafficmanager.DnsConfigArgs(relative_name=dns_label(args.names, args.environment, label),
                                                            ttl=profile.ttl_seconds),
                    monitor_config=trafficmanager.MonitorConfigArgs(
                        protocol="HTTPS", port=profile.health_check.port, path=path,
                        interval_in_seconds=interval, timeout_in_seconds=timeout,
                        tolerated_number_of_failures=profile.health_check.failure_threshold - 1),
                    endpoints=endpoints, tags=args.azure_tags,
                    opts=pulumi.ResourceOptions(parent=self, provider=args.azure_provider))

            # One monitor path per profile, but API Management answers health on another path than the AWS
            # copies (/health/<api>/, not /<version>/health). So its entry is a nested endpoint: a child profile
            # with API Management as its only endpoint, probing its own path; the parent takes the child's
            # health from it. https://learn.microsoft.com/azure/traffic-manager/traffic-manager-nested-profiles
            external = [e for e in profile.entry_points if not is_apim(e)]
            apim_apis = {e.api for e in profile.entry_points if is_apim(e)}
            endpoints = []
            for index, entry in enumerate(profile.entry_points, start=1):
                placement: dict[str, Any] = dict(
                    name=f"{entry.region}-{index}", endpoint_status="Enabled",
                    # endpointLocation is an Azure region and is read only by Performance routing (it says where
                    # an endpoint is); Priority and Geographic ignore it, and an AWS region there is refused.
                    # https://learn.microsoft.com/rest/api/trafficmanager/endpoints/create-or-update
                    endpoint_location=entry.region if profile.method == "Performance" else None,
                    priority=index if profile.method == "Priority" else None,
                    geo_mapping=[f"GEO-{c}" for c in entry.continents] + list(entry.countries)
                    if profile.method == "Geographic" else None)
                if not is_apim(entry):
                    endpoints.append(trafficmanager.EndpointArgs(type=EXTERNAL_ENDPOINT, target=target_of(entry),
                                                                 **placement))
                    continue
                label = f"{profile.name}-apim" if len(apim_apis) == 1 else f"{profile.name}-{entry.api}-apim"
                child = traffic_manager(label, "Priority", health_path_of(entry, profile.health_check.path), [
                    trafficmanager.EndpointArgs(name=f"{entry.region}-apim", type=EXTERNAL_ENDPOINT,
                                                target=target_of(entry), endpoint_status="Enabled", priority=1)])
                endpoints.append(trafficmanager.EndpointArgs(type=NESTED_ENDPOINT, target_resource_id=child.id,
                                                             min_child_endpoints=1, **placement))
            traffic_manager(profile.name, profile.method,
                            health_path_of(external[0], profile.health_check.path) if external
                            else profile.health_check.path, endpoints)
            self.records[f"{dns_label(args.names, args.environment, profile.name)}.trafficmanager.net"] = {
                "policy": profile.method, **_health_outputs(profile.health_check, profile.ttl_seconds)}
        self.register_outputs({"zone_id": self.zone_id, "name_servers": self.name_servers, "records": self.records})
