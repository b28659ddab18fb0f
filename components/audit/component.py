"""AuditTrail: one multi-region CloudTrail per environment and Azure activity / Key Vault diagnostics.

The bucket is versioned, private, TLS-only and, in production, object-locked (compliance mode) for the
retention period, so not even an administrator can rewrite the record during that time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_aws import cloudtrail, kms, s3
from pulumi_azure_native import monitor, operationalinsights

from .documents import bucket_policy, event_selectors, trail_arn, trail_key_policy


@dataclass(frozen=True)
class AzureAudit:
    provider: pulumi.ProviderResource
    """The Azure provider of the environment's location."""
    location: str
    """Location of the Log Analytics workspace."""
    resource_group_name: pulumi.Input[str]
    """Resource group of the workspace."""
    key_vault_id: Optional[pulumi.Input[str]]
    """The Key Vault whose audit events are collected, if any."""
    tags: dict[str, str]
    """Platform tags."""


@dataclass(frozen=True)
class AuditTrailArgs:
    environment: str
    """Environment name: the prefix of every physical name."""
    account: str
    """AWS account id."""
    home_region: str
    """Region of the trail and its bucket (the trail itself records every region)."""
    provider: pulumi.ProviderResource
    """AWS provider of the home region."""
    retention_days: int
    """How long audit records are kept (and locked, in production)."""
    production: bool
    """Production: object lock and protection."""
    key_deletion_days: int = 30
    """KMS deletion window for the trail key."""
    azure: Optional[AzureAudit] = None
    """Where Azure audit logs go, when the environment uses Azure."""


class AuditTrail(pulumi.ComponentResource):
    trail_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    """The key the bucket encrypts with by default: writers of other audit records (CDC sinks) use it."""
    region: str
    object_locked: bool
    """Objects written get the default COMPLIANCE retention (production)."""
    workspace_id: Optional[pulumi.Output[str]]

    def __init__(self, name: str, args: AuditTrailArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("hybrid:audit:AuditTrail", name, None, opts)
        env, account, region = args.environment, args.account, args.home_region
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        stateful = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=args.production))
        trail_name = f"{env}-audit"
        arn = trail_arn(region, account, trail_name)
        bucket_name = f"{env}-audit-{account}-{region}"
        key = kms.Key(f"{name}-key", description=f"{env} audit trail", enable_key_rotation=True,
                      deletion_window_in_days=args.key_deletion_days, policy=trail_key_policy(account, arn),
                      opts=stateful)
        kms.Alias(f"{name}-key-alias", name=f"alias/{env}-audit", target_key_id=key.key_id, opts=child)
        bucket = s3.Bucket(f"{name}-bucket", bucket=bucket_name, object_lock_enabled=args.production,
                           force_destroy=False, opts=stateful)
        s3.BucketPublicAccessBlock(f"{name}-bucket-public-access", bucket=bucket.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
                                   opts=child)
        versioning = s3.BucketVersioning(f"{name}-bucket-versioning", bucket=bucket.id,
                                         versioning_configuration={"status": "Enabled"}, opts=child)
        s3.BucketServerSideEncryptionConfiguration(
            f"{name}-bucket-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
                                                                "kms_master_key_id": key.arn},
                    "bucket_key_enabled": True}], opts=child)
        if args.production:
            s3.BucketObjectLockConfiguration(
                f"{name}-bucket-object-lock", bucket=bucket.id, object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": "COMPLIANCE", "days": args.retention_days}},
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[versioning])))
        s3.BucketLifecycleConfiguration(
            f"{name}-bucket-lifecycle", bucket=bucket.id,
            rules=[{"id": "audit-retention", "status": "Enabled", "filter": {},
                    "expiration": {"days": args.retention_days},
                    "noncurrent_version_expiration": {"noncurrent_days": args.retention_days}}],
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[versioning])))
        policy = s3.BucketPolicy(f"{name}-bucket-policy", bucket=bucket.id,
                                 policy=bucket_policy(bucket_name, account, arn), opts=child)
        trail = cloudtrail.Trail(
            f"{name}-trail", name=trail_name, s3_bucket_name=bucket.id, is_multi_region_trail=True,
            include_global_service_events=True, enable_log_file_validation=True, kms_key_id=key.arn,
            enable_logging=True, advanced_event_selectors=event_selectors(),
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[policy])))
        self.trail_arn = trail.arn
        self.bucket_name = bucket.id
        self.bucket_arn = bucket.arn
        self.key_arn = key.arn
        self.region = region
        self.object_locked = args.production
        self.workspace_id = self._azure(name, args) if args.azure else None
        self.register_outputs({"trail_arn": self.trail_arn, "bucket_name": self.bucket_name,
                               "bucket_arn": self.bucket_arn, "key_arn": self.key_arn,
                               "workspace_id": self.workspace_id})

    def _azure(self, name: str, args: AuditTrailArgs) -> pulumi.Output[str]:
        azure = args.azure
        assert azure is not None
        opts = pulumi.ResourceOptions(parent=self, provider=azure.provider)
        workspace = operationalinsights.Workspace(
            f"{name}-workspace", workspace_name=f"{args.environment}-audit", resource_group_name=azure.resource_group_name,
            location=azure.location, retention_in_days=min(args.retention_days, 730),
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"), tags=azure.tags,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=args.production)))
        categories = ("Administrative", "Security", "Policy", "Alert", "ServiceHealth")
        monitor.SubscriptionDiagnosticSetting(
            f"{name}-activity-log", name=f"{args.environment}-activity-to-log-analytics", workspace_id=workspace.id,
            logs=[monitor.SubscriptionLogSettingsArgs(category=c, enabled=True) for c in categories], opts=opts)
        if azure.key_vault_id is not None:
            monitor.DiagnosticSetting(
                f"{name}-key-vault-audit", name=f"{args.environment}-key-vault-audit", resource_uri=azure.key_vault_id,
                workspace_id=workspace.id, log_analytics_destination_type="Dedicated",
                logs=[monitor.DiagnosticsLogSettingsArgs(category_group="audit", enabled=True)],
                metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)], opts=opts)
        return workspace.id
