"""Reference tables (practice 4.3) in the service catalog: a Resource per global table, owned by its entity's
owner, with its replica regions and its conflict rule, and the nodes granted on it as its dependants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.spec.reference_data import conflict_statement

from .entities import ANNOTATION, _entity, _ref, entity_name, owner_ref

if TYPE_CHECKING:
    from components.spec import EnvironmentSpec


def reference_entities(spec: "EnvironmentSpec") -> list[dict[str, Any]]:
    env, out = spec.name, []
    entities = {e.name: e for e in spec.data.entities}
    for table in spec.data.reference:
        entity = entities[table.entity]
        contexts = {entity.owner, *entity.consumers}
        nodes = sorted(n.name for n in spec.processing.nodes if n.owner in contexts)
        regions = table.replica_regions(spec)
        out.append(_entity(
            "Resource", env, entity_name("reference", table.name),
            f"Reference table {table.name} of entity {entity.name}, a DynamoDB global table in "
            f"{', '.join(regions)}" + (f": {table.description}." if table.description else "."),
            {"type": "database", "owner": owner_ref(entity.owner), "system": _ref("system", env, env),
             "dependencyOf": [_ref("component", env, entity_name("node", n)) for n in nodes]},
            annotations={f"{ANNOTATION}placement": ", ".join(regions), f"{ANNOTATION}entity": entity.name,
                         f"{ANNOTATION}conflict-resolution": conflict_statement(table.resolver)},
            tags=["dynamodb-global-table"]))
    return out
