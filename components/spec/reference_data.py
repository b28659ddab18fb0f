"""Spec models and cross-field checks for reference data replicated across regions (practice 4.3, conflict rules).

A reference table is a DynamoDB global table holding one declared entity: its owning context writes it, its
consumers read it, in every replica region. Concurrent writes to one item in two regions are reconciled by
DynamoDB itself, last writer wins; where that would lose business meaning, the spec names an application-level
resolver, a processing node of the owning context that reads the replicas' streams and writes the winning version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Literal, Optional, Union

from pydantic import Field

from .base import AwsRegion, Name, Problem, SpecModel
from .residency import ZONE_AWS_REGIONS, region_in_zone

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

LAST_WRITER_WINS = "last-writer-wins"
# DynamoDB attribute names are 1-255 bytes, and key attributes at most 255 bytes
# (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes); the
# blueprint keeps key names to the characters expression attribute names need no escaping for.
KEY_ATTRIBUTE = r"^[A-Za-z_][A-Za-z0-9_.-]{0,254}$"
ScalarType = Literal["S", "N", "B"]


class ReferenceKeys(SpecModel):
    """The table's primary key; changing either attribute replaces the table (and loses its items)."""

    hash_key: str = Field(pattern=KEY_ATTRIBUTE, description="partition (hash) key attribute", examples=["sku"])
    hash_key_type: ScalarType = Field(default="S", description="its type: S (string), N (number) or B (binary)")
    range_key: Optional[str] = Field(default=None, pattern=KEY_ATTRIBUTE,
                                     description="sort (range) key attribute, if items share a partition",
                                     examples=["currency"])
    range_key_type: ScalarType = Field(default="S", description="its type: S (string), N (number) or B (binary)")

    def attributes(self) -> list[tuple[str, str]]:
        """(name, type) of every key attribute: exactly what the table's attribute definitions must list."""
        out = [(self.hash_key, self.hash_key_type)]
        return out + ([(self.range_key, self.range_key_type)] if self.range_key else [])


class Resolver(SpecModel):
    """An application-level resolver: a processing node of the owning context that reconciles conflicting writes."""

    resolver: Name = Field(description="name of the processing node (processing.nodes[].name) that reads every "
                                       "replica's stream and writes the winning version", examples=["price-sync"])


class ReferenceTableSpec(SpecModel):
    """Reference data of one entity replicated to every listed region as a DynamoDB global table."""

    name: Name = Field(description="table name within the environment", examples=["price-lists"])
    entity: Name = Field(description="the entity it holds (data.entities[].name); its owner writes it, its "
                                     "consumers read it", examples=["price-list"])
    regions: Optional[list[AwsRegion]] = Field(
        default=None, description="replica regions, the first holding the table the others replicate; default "
                                  "the environment's AWS primary and secondary regions")
    keys: ReferenceKeys = Field(description="primary key attributes")
    conflict_resolution: Union[Literal["last-writer-wins"], Resolver] = Field(
        default=LAST_WRITER_WINS,
        description="last-writer-wins (DynamoDB's own reconciliation: concurrent writes to an item resolve to the "
                    "latest write) or {resolver: <processing node>} for an application-level resolver")
    description: str = Field(default="", description="what the data is and who relies on it")

    @property
    def resolver(self) -> Optional[str]:
        return self.conflict_resolution.resolver if isinstance(self.conflict_resolution, Resolver) else None

    def replica_regions(self, spec: "EnvironmentSpec") -> list[str]:
        """Every region holding a replica, the table's own region first."""
        if self.regions is not None:
            return list(self.regions)
        return [r.region for r in spec.regions.aws.all()]


def conflict_statement(resolver: Optional[str]) -> str:
    """The conflict rule as the stack states it: the table's output and the catalog's annotation. DynamoDB's own
    rule: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html."""
    if resolver is None:
        return (f"{LAST_WRITER_WINS}: DynamoDB reconciles concurrent writes to the same item in different regions "
                "to the latest write, per item, and every replica converges to it; the earlier write is "
                "overwritten, not merged")
    return (f"resolver {resolver}: the owner's node {resolver} reads every replica's stream (new and old images) "
            "and writes the winning version; underneath, DynamoDB still keeps the latest write per item")


def check_reference_data(spec: "EnvironmentSpec") -> Iterator[Problem]:
    zone = spec.residency.zone
    countries = spec.site_countries()
    entities = {e.name: e for e in spec.data.entities}
    nodes = {n.name: n for n in spec.processing.nodes}
    aws_regions = set(spec.aws_region_names())
    seen: set[str] = set()
    for i, table in enumerate(spec.data.reference):
        path = f"data.reference[{i}]"
        if table.name in seen:
            yield f"{path}.name", f"reference table {table.name!r} is declared twice; expected unique names"
        seen.add(table.name)
        entity = entities.get(table.entity)
        if entity is None:
            yield (f"{path}.entity", f"unknown entity {table.entity!r}; expected one of data.entities[].name "
                                     f"({', '.join(sorted(entities)) or 'none declared'})")
        regions = table.replica_regions(spec)
        where = f"{path}.regions" if table.regions is not None else "regions.aws"
        if len(set(regions)) < 2:
            yield (where, f"a global table needs replicas in at least two regions, got {', '.join(regions)}; "
                          "list two or more regions (or give the environment a secondary AWS region)")
        for j, region in enumerate(table.regions or []):
            if not region_in_zone(region, zone, countries):
                yield (f"{path}.regions[{j}]",
                       f"replica region {region!r} is outside residency zone {zone!r}; expected one of "
                       f"{', '.join(sorted(ZONE_AWS_REGIONS[zone] & aws_regions)) or 'the zone regions'}")
            elif region not in aws_regions:
                yield (f"{path}.regions[{j}]",
                       f"region {region!r} is not one of the environment's AWS regions; expected one of "
                       f"{', '.join(sorted(aws_regions))}")
            if region in (table.regions or [])[:j]:
                yield f"{path}.regions[{j}]", f"region {region!r} is listed twice; a global table has one replica per region"
        if table.keys.range_key is not None and table.keys.range_key == table.keys.hash_key:
            yield f"{path}.keys.range_key", "the sort key must differ from the partition key"
        resolver = table.resolver
        if resolver is not None:
            node = nodes.get(resolver)
            if node is None:
                yield (f"{path}.conflict_resolution.resolver",
                       f"resolver {resolver!r} is not a deployed workload; expected one of processing.nodes[].name "
                       f"({', '.join(sorted(nodes)) or 'none declared'})")
            elif entity is not None and node.owner != entity.owner:
                yield (f"{path}.conflict_resolution.resolver",
                       f"resolver {resolver!r} belongs to {node.owner!r}, but a resolver writes {entity.name!r}, "
                       f"which only its owner {entity.owner!r} may write; expected a node of {entity.owner!r}")
