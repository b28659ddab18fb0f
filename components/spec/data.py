"""Spec models for data synchronisation between systems of record (curriculum module 4).

Entities name their owning bounded context (4.5); sagas (4.1), change data capture (4.2, 4.6), replicated
reference data (4.3) and caches (4.4) are declared beside them and refer to them by name. A bounded context is
the `owner` team string the rest of the spec already uses (brokers, nodes, secrets, APIs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional

from pydantic import Field

from .base import Name, Problem, SpecModel
from .caches import CacheSpec, check_caches
from .cdc import CdcSpec, check_cdc
from .nodes import TopicRef
from .ownership import StoreRef, check_ownership
from .reference_data import ReferenceTableSpec, check_reference_data
from .sagas import SagaSpec

if TYPE_CHECKING:
    from .environment import EnvironmentSpec


class EntitySpec(SpecModel):
    """One business entity and its single source of truth (practice 4.5)."""

    name: Name = Field(description="entity name, unique in the environment", examples=["order"])
    owner: str = Field(min_length=1, description="bounded context (owning team) whose systems are the entity's "
                                                 "source of truth; only its identities may write it",
                       examples=["order-management"])
    consumers: list[str] = Field(default_factory=list,
                                 description="bounded contexts that read the entity or subscribe to its changes")
    change_topic: Optional[TopicRef] = Field(default=None,
                                             description="broker topic (or stream) the owner publishes the entity's "
                                                         "changes to; only the owner's identities may publish to it")
    stores: list[StoreRef] = Field(default_factory=list,
                                   description="stores the stack creates that hold the entity's records (a broker's "
                                               "queue or stream); only the owner's identities may write them")
    critical: bool = Field(default=False,
                           description="changes to it are audit-relevant: they also reach the object-locked audit store")


class DataSpec(SpecModel):
    entities: list[EntitySpec] = Field(default_factory=list,
                                       description="business entities, each with one owning bounded context")
    sagas: list[SagaSpec] = Field(default_factory=list,
                                  description="distributed transactions with compensations, run by Step Functions")
    cdc: CdcSpec = Field(default_factory=CdcSpec,
                         description="change data capture: Debezium connectors on the environment's Kafka (4.2, 4.6)")
    reference: list[ReferenceTableSpec] = Field(
        default_factory=list, description="reference data replicated across regions as DynamoDB global tables, "
                                          "with their conflict rule (4.3)")
    caches: list[CacheSpec] = Field(default_factory=list,
                                    description="caches of entity copies, invalidated from the owner's change topic (4.4)")


def check_data(spec: "EnvironmentSpec") -> Iterator[Problem]:
    owners: dict[str, str] = {}
    for i, entity in enumerate(spec.data.entities):
        if entity.name in owners:
            yield (f"data.entities[{i}].name",
                   f"entity {entity.name!r} is declared twice (owners {owners[entity.name]!r} and {entity.owner!r}); "
                   "expected exactly one owner per entity")
        owners.setdefault(entity.name, entity.owner)
        if entity.owner in entity.consumers:
            yield f"data.entities[{i}].consumers", f"{entity.owner!r} owns {entity.name!r}; expected other contexts"
    yield from check_ownership(spec)
    yield from check_cdc(spec)
    yield from check_reference_data(spec)
    yield from check_caches(spec)
