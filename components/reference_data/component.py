"""One reference table: a DynamoDB global table (version 2019.11.21) with a replica in every listed region.

Every replica is encrypted with a customer-managed key of its own region (a replica's key must live in the
replica's region: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-replicassespecification.html),
keeps point-in-time recovery and deletion protection, and carries the table's tags (`propagate_tags`). Streams
are on with NEW_AND_OLD_IMAGES: an eventually consistent global table with more than one replica must have them
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-streamspecification.html;
the provider's global-table examples set exactly this view), and they give a resolver both sides of an
overwritten write. Inputs as the provider documents them:
https://www.pulumi.com/registry/packages/aws/api-docs/dynamodb/table/ (`replicas`: `region_name`, `kms_key_arn`,
`point_in_time_recovery`, `propagate_tags`, `deletion_protection_enabled`; replicas list the other regions, not
the table's own). On-demand capacity: provisioned replicas would need auto scaling in every region.

Conflicts (practice 4.3): DynamoDB reconciles concurrent writes to one item in two regions itself, last writer
wins (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html); the
component states that rule, or the named resolver, as an output so every consumer reads which one holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

import pulumi
from pulumi_aws import dynamodb, iam, kms

from ..naming import physical_name, reference_table_name, region_code
from ..spec.reference_data import LAST_WRITER_WINS, ReferenceTableSpec, conflict_statement
from . import documents

TYPE = "hybrid:data:ReferenceTable"
STREAM_VIEW = "NEW_AND_OLD_IMAGES"


def table_name(environment: str, table: str) -> str:
    """The table's physical name, the same in every replica region (components/naming.py, which policy config's
    ownership map reads without the provider SDK)."""
    return reference_table_name(environment, table)


@dataclass(frozen=True)
class ReferenceTableArgs:
    spec: ReferenceTableSpec
    """The table's spec entry."""
    environment: str
    """Environment name, the prefix of every physical name."""
    aws_account: str
    """Account every replica lives in (the keys' policies name it)."""
    regions: Sequence[str]
    """Replica regions, the table's own region first."""
    providers: Mapping[str, pulumi.ProviderResource]
    """Region -> its explicit AWS provider (the table in the first region, each replica key in its own)."""
    owner: str
    """The entity's owning context: the table's `owner` tag."""
    writer_roles: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Node -> IAM role name: the owner's nodes, which write."""
    reader_roles: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Node -> IAM role name: the consumers' nodes, which only read."""
    protect: bool = False
    """Protect the table and its keys from deletion by the engine: true in production."""
    key_deletion_days: int = 30
    """KMS deletion window of the replica keys."""


def _replica_field(replica: Any, name: str, camel: str) -> Any:
    if isinstance(replica, Mapping):
        return replica.get(camel, replica.get(name))
    return getattr(replica, name, None)


class ReferenceTable(pulumi.ComponentResource):
    table_name: pulumi.Output[str]
    table_arn: pulumi.Output[str]
    stream_arn: pulumi.Output[str]
    replica_arns: pulumi.Output[dict]
    stream_arns: pulumi.Output[dict]
    key_arns: pulumi.Output[dict]
    replica_regions: list[str]
    conflict_resolution: str

    def __init__(self, name: str, args: ReferenceTableArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TYPE, name, None, opts)
        spec = args.spec
        if len(set(args.regions)) < 2:
            raise ValueError(f"reference table {spec.name}: a global table needs two or more regions")
        home, *others = args.regions
        name_in_regions = table_name(args.environment, spec.name)
        resolver = spec.resolver
        tags = {"component": "reference-data", "reference-table": spec.name, "entity": spec.entity,
                "owner": args.owner, "conflict-resolution": f"resolver-{resolver}" if resolver else LAST_WRITER_WINS}

        def pinned(region: str, protect: bool) -> pulumi.ResourceOptions:
            # Each region's resource names its region's provider: a replica key in another region must be
            # created there, never by the ambient provider.
            return pulumi.ResourceOptions(parent=self, provider=args.providers[region], protect=protect)

        keys: dict[str, kms.Key] = {}
        for region in args.regions:
            code = region_code(region)
            keys[region] = kms.Key(
                f"{name}-key-{code}", description=f"{args.environment} reference table {spec.name} ({region} replica)",
                enable_key_rotation=True, deletion_window_in_days=args.key_deletion_days,
                policy=documents.key_policy(args.aws_account), tags=tags, opts=pinned(region, args.protect))
            kms.Alias(f"{name}-key-alias-{code}", name=f"alias/{physical_name(name_in_regions, limit=250)}",
                      target_key_id=keys[region].key_id, opts=pinned(region, False))

        attributes = [dynamodb.TableAttributeArgs(name=n, type=t) for n, t in spec.keys.attributes()]
        # A replica whose key is still being created fails replication (GenerateDataKey on a pending key): the
        # keys' ARNs are Outputs, so the engine creates every key before the table.
        table = dynamodb.Table(
            f"{name}-table", name=name_in_regions, billing_mode="PAY_PER_REQUEST",
            hash_key=spec.keys.hash_key, range_key=spec.keys.range_key, attributes=attributes,
            stream_enabled=True, stream_view_type=STREAM_VIEW,
            server_side_encryption=dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=keys[home].arn),
            point_in_time_recovery=dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            deletion_protection_enabled=True,
            replicas=[dynamodb.TableReplicaArgs(region_name=region, kms_key_arn=keys[region].arn,
                                                point_in_time_recovery=True, propagate_tags=True,
                                                deletion_protection_enabled=True)
                      for region in others],
            tags=tags, opts=pinned(home, args.protect))

        replica_arns = pulumi.Output.all(table.arn, table.replicas).apply(
            lambda a: {home: a[0], **{_replica_field(r, "region_name", "regionName"): _replica_field(r, "arn", "arn")
                                      for r in (a[1] or [])}})
        stream_arns = pulumi.Output.all(table.stream_arn, table.replicas).apply(
            lambda a: {home: a[0], **{_replica_field(r, "region_name", "regionName"):
                                      _replica_field(r, "stream_arn", "streamArn") for r in (a[1] or [])}})
        key_arns = pulumi.Output.all(*[keys[r].arn for r in args.regions]).apply(
            lambda arns: dict(zip(args.regions, arns)))

        grants = [(node, role, "write") for node, role in sorted(args.writer_roles.items())]
        grants = [(node, role, "resolve" if node == resolver else level) for node, role, level in grants]
        grants += [(node, role, "read") for node, role in sorted(args.reader_roles.items())
                   if node not in args.writer_roles]
        for node, role, level in grants:
            iam.RolePolicy(
                f"{name}-{level}-{node}", role=role, name=physical_name("reference", spec.name, level, limit=128),
                policy=pulumi.Output.all(replica_arns, stream_arns, key_arns).apply(
                    lambda a, level=level: documents.access_policy(level, a[0].values(), a[1].values(), a[2])),
                opts=pulumi.ResourceOptions(parent=self, provider=args.providers[home]))

        self.table_name = table.name
        self.table_arn = table.arn
        self.stream_arn = table.stream_arn
        self.replica_arns = replica_arns
        self.stream_arns = stream_arns
        self.key_arns = key_arns
        self.replica_regions = list(args.regions)
        self.conflict_resolution = conflict_statement(resolver)
        self.register_outputs({"table_name": self.table_name, "table_arn": self.table_arn,
                               "stream_arn": self.stream_arn, "replica_arns": replica_arns,
                               "stream_arns": stream_arns, "key_arns": key_arns,
                               "replica_regions": self.replica_regions,
                               "conflict_resolution": self.conflict_resolution})
