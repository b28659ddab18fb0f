"""Schema registries (practice 3.2): AWS Glue Schema Registry and Azure Event Hubs schema groups.

Schema texts come from the repository (read by the program entry point, never here); the registry
enforces the binding's compatibility mode on every new version, and `hybrid schemas check` enforces
the same mode in CI before a change can reach a registry.
"""

from __future__ import annotations

from typing import Iterator

import pulumi
from pulumi_aws import glue
from pulumi_azure_native import eventhub

from ..spec.brokers import BrokerSpec
from ..spec.messaging import SchemaBinding
from .backend import AzurePlace, BrokerArgs

# Glue spells the modes like the spec, with NONE meaning "no check" (it also offers DISABLED, which we never use).
GLUE_MODES = {"NONE": "NONE", "BACKWARD": "BACKWARD", "BACKWARD_TRANSITIVE": "BACKWARD_ALL", "FORWARD": "FORWARD",
              "FORWARD_TRANSITIVE": "FORWARD_ALL", "FULL": "FULL", "FULL_TRANSITIVE": "FULL_ALL"}
AZURE_MODES = {"NONE": "None", "BACKWARD": "Backward", "FORWARD": "Forward"}


def bindings(spec: BrokerSpec) -> Iterator[tuple[str, SchemaBinding]]:
    """(queue/topic/stream name, binding) for everything the broker binds to a schema."""
    for _, name, binding in spec.schema_bindings():
        yield name, binding


def glue_registry(parent: pulumi.Resource, args: BrokerArgs, provider: pulumi.ProviderResource,
                  prefix: str) -> glue.Registry | None:
    spec = args.spec
    items = list(bindings(spec))
    if not items:
        return None
    registry = glue.Registry(f"{prefix}-schemas", registry_name=f"{args.estate.environment}-{spec.name}",
                             description=f"Event schemas of broker {spec.name} (owner {spec.owner})",
                             opts=args.protection.opts(parent, provider, stateful=True))
    for target, binding in items:
        glue.Schema(f"{prefix}-{target}-schema", schema_name=target, registry_arn=registry.arn,
                    data_format=binding.format, compatibility=GLUE_MODES[binding.compatibility],
                    schema_definition=args.schema_texts[binding.file],
                    description=f"{binding.file} bound to {target}",
                    opts=args.protection.opts(parent, provider, stateful=True))
    return registry


def event_hubs_schema_groups(parent: pulumi.Resource, args: BrokerArgs, place: AzurePlace,
                             namespace: eventhub.Namespace, prefix: str) -> list[eventhub.SchemaRegistry]:
    """One schema group per bound hub; Azure accepts Avro with None/Backward/Forward only (the spec checks it)."""
    return [eventhub.SchemaRegistry(
        f"{prefix}-{target}-schema-group", schema_group_name=target, namespace_name=namespace.name,
        resource_group_name=place.resource_group_name, schema_type="Avro",
        schema_compatibility=AZURE_MODES[binding.compatibility], group_properties={"file": binding.file},
        opts=args.protection.opts(parent, place.provider)) for target, binding in bindings(args.spec)]
