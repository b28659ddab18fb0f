"""Cross-field checks that a single field's type cannot express.

Each check returns every problem it finds (not just the first), as (field path, message) pairs,
so `hybrid validate` can explain all of them in one run.
"""

from __future__ import annotations

from collections import Counter
from ipaddress import IPv4Network
from pathlib import Path
from typing import Iterable, Iterator

from .base import Problem, unresolved_secret
from .environment import EnvironmentSpec
from .gateway_checks import check_gateways
from .observability import check_observability
from .secrets import check_secrets
from .messaging_checks import check_messaging
from .windows import check_deployment
from .connectivity import check_connectivity
from .routing import check_routing
from .nodes import check_nodes
from .failover import check_failover
from .prerequisites import check_prerequisites
from .data import check_data
from .sagas import check_sagas
from .integration_checks import check_integrations
from .contexts import check_contexts
from .residency import ZONE_AWS_REGIONS, ZONE_AZURE_LOCATIONS, region_in_zone


REQUIRED_TAGS = ("cost-center", "data-classification")


def _duplicates(items: Iterable[tuple[str, str]]) -> Iterator[Problem]:
    """Yield one problem per repeated name; items are (path of the name field, name)."""
    items = list(items)
    counts = Counter(name for _, name in items)
    seen: set[str] = set()
    for path, name in items:
        if counts[name] > 1 and name in seen:
            yield path, f"duplicate name {name!r}: names must be unique here"
        seen.add(name)


def check_unique_names(spec: EnvironmentSpec) -> Iterator[Problem]:
    yield from _duplicates((f"sites[{i}].name", s.name) for i, s in enumerate(spec.sites))
    yield from _duplicates((f"clusters[{i}].name", c.name) for i, c in enumerate(spec.clusters))
    brokers = spec.messaging.brokers
    yield from _duplicates((f"messaging.brokers[{i}].name", b.name) for i, b in enumerate(brokers))
    for i, broker in enumerate(brokers):
        # queues and topics share one AWS name space per region, so they must not collide either
        yield from _duplicates(
            [(f"messaging.brokers[{i}].queues[{j}].name", q.name) for j, q in enumerate(broker.queue_specs())]
            + [(f"messaging.brokers[{i}].topics[{j}].name", t.name) for j, t in enumerate(broker.topic_specs())])


def check_cidrs(spec: EnvironmentSpec) -> Iterator[Problem]:
    """Practice 8.1 (hybrid tunnels): routed networks must never overlap, or routes become ambiguous."""
    networks: list[tuple[str, IPv4Network]] = [("regions.aws.primary.cidr", spec.regions.aws.primary.cidr)]
    if spec.regions.aws.secondary:
        networks.append(("regions.aws.secondary.cidr", spec.regions.aws.secondary.cidr))
    if spec.regions.azure:
        networks.append(("regions.azure.cidr", spec.regions.azure.cidr))
    cloud_networks = list(networks)
    networks += [(f"sites[{i}].cidr", s.cidr) for i, s in enumerate(spec.sites)]
    for index, (path, net) in enumerate(networks):
        for other_path, other in networks[:index]:
            if net.overlaps(other):
                yield path, f"CIDR {net} overlaps {other} at {other_path}; expected disjoint networks"
    for path, net in cloud_networks:
        if net.prefixlen > 22:
            yield path, f"expected a /22 or larger network to split across three availability zones, got /{net.prefixlen}"


def regions_in_use(spec: EnvironmentSpec) -> list[tuple[str, str]]:
    """Every (field path, region) the spec places something in."""
    used = [(f"regions.aws.{role}.region", r.region)
            for role, r in (("primary", spec.regions.aws.primary), ("secondary", spec.regions.aws.secondary)) if r]
    if spec.regions.azure:
        used.append(("regions.azure.location", spec.regions.azure.location))
    used += [(f"clusters[{i}]", c.placement) for i, c in enumerate(spec.clusters)]
    return used


def check_residency(spec: EnvironmentSpec) -> Iterator[Problem]:
    """Practice 5.6 (data residency): nothing may be placed outside the zone's allowed regions."""
    zone = spec.residency.zone
    countries = spec.site_countries()
    for i, region in enumerate(spec.residency.allowed_regions):
        if region.startswith("onprem:") and region.removeprefix("onprem:") not in countries:
            yield f"residency.allowed_regions[{i}]", f"unknown site {region.removeprefix('onprem:')!r}; expected one of sites[].name"
        elif not region_in_zone(region, zone, countries):
            yield (f"residency.allowed_regions[{i}]",
                   f"region {region!r} is outside residency zone {zone!r}; expected one of "
                   f"{', '.join(sorted(ZONE_AWS_REGIONS[zone] | ZONE_AZURE_LOCATIONS[zone]))} or an on-prem site in the zone")
    allowed = set(spec.residency.allowed_regions)
    for path, region in regions_in_use(spec):
        if region not in allowed:
            yield path, f"region {region!r} is not in residency.allowed_regions ({', '.join(spec.residency.allowed_regions)})"


def check_references(spec: EnvironmentSpec) -> Iterator[Problem]:
    sites = {s.name for s in spec.sites}
    aws_regions = set(spec.aws_region_names())
    azure = spec.regions.azure.location if spec.regions.azure else None
    for i, cluster in enumerate(spec.clusters):
        if cluster.cloud == "onprem" and cluster.site not in sites:
            yield f"clusters[{i}].site", f"undefined site {cluster.site!r}; expected one of: {', '.join(sorted(sites)) or 'no sites defined'}"
        if cluster.cloud == "aws" and cluster.region not in aws_regions:
            yield f"clusters[{i}].region", f"undefined AWS region {cluster.region!r}; expected one of regions.aws: {', '.join(sorted(aws_regions))}"
        if cluster.cloud == "azure" and cluster.region != azure:
            yield f"clusters[{i}].region", f"undefined Azure location {cluster.region!r}; expected regions.azure.location ({azure or 'not set'})"


def check_tags(spec: EnvironmentSpec) -> Iterator[Problem]:
    for key in REQUIRED_TAGS:
        if key not in spec.tags:
            yield f"tags.{key}", f"required tag missing; expected tags to include {', '.join(REQUIRED_TAGS)}"


def check_secret_refs(spec: EnvironmentSpec, declared_secret_keys: set[str] | None) -> Iterator[Problem]:
    """A secret reference must name a config key that Pulumi.yaml declares with `secret: true`."""
    for i, cluster in enumerate(spec.clusters):
        yield from unresolved_secret(f"clusters[{i}].kubeconfig.secret", cluster.kubeconfig.secret, declared_secret_keys)


def cross_field_problems(spec: EnvironmentSpec, declared_secret_keys: set[str] | None = None,
                         root: Path | None = None) -> list[Problem]:
    """`root` is the project directory, when known (files the spec names are checked against it)."""
    problems: list[Problem] = []
    for check in (check_unique_names, check_cidrs, check_residency, check_references, check_tags, check_gateways):
        problems.extend(check(spec))
    problems.extend(check_secret_refs(spec, declared_secret_keys))
    problems.extend(check_messaging(spec, declared_secret_keys, root))
    problems.extend(check_secrets(spec))
    problems.extend(check_deployment(spec.deployment))
    problems.extend(check_observability(spec, declared_secret_keys))
    problems.extend(check_connectivity(spec, declared_secret_keys))
    problems.extend(check_routing(spec))
    problems.extend(check_nodes(spec))
    problems.extend(check_failover(spec))
    problems.extend(check_prerequisites(spec))
    problems.extend(check_data(spec))
    problems.extend(check_sagas(spec))
    problems.extend(check_integrations(spec, root))
    problems.extend(check_contexts(spec))
    return problems
