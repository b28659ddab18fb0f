"""Builds every reference table of the environment from its spec, the entities' ownership and the nodes' roles.

Grants follow ownership (practice 4.5): nodes of the entity's owning context write, nodes of its consumers read.
"""

from __future__ import annotations

from typing import Any, Mapping

import pulumi

from .component import ReferenceTable, ReferenceTableArgs


def build_reference_data(spec: Any, providers: Any, node_role_names: Mapping[str, pulumi.Input[str]]
                         ) -> dict[str, object]:
    entities = {e.name: e for e in spec.data.entities}
    outputs: dict[str, object] = {}
    for table in spec.data.reference:
        entity = entities[table.entity]
        regions = table.replica_regions(spec)
        writers = {n.name: node_role_names[n.name] for n in spec.processing.nodes
                   if n.owner == entity.owner and n.name in node_role_names}
        readers = {n.name: node_role_names[n.name] for n in spec.processing.nodes
                   if n.owner in entity.consumers and n.name in node_role_names}
        resource = ReferenceTable(f"ref-{table.name}", ReferenceTableArgs(
            spec=table, environment=spec.name, aws_account=spec.accounts.aws.account_id, regions=regions,
            providers={r: providers.for_aws(r) for r in regions}, owner=entity.owner,
            writer_roles=writers, reader_roles=readers, protect=spec.production,
            key_deletion_days=30 if spec.production else 7),
            pulumi.ResourceOptions(provider=providers.for_aws(regions[0])))
        outputs[table.name] = {"table_name": resource.table_name, "table_arn": resource.table_arn,
                               "stream_arn": resource.stream_arn, "replica_regions": resource.replica_regions,
                               "conflict_resolution": resource.conflict_resolution}
    return {"reference_tables": outputs} if outputs else {}
