"""Deduplication stores for consumers that ask for idempotency (practice 1.6).

On AWS a consumer records each processed key with an expiry, and DynamoDB's TTL forgets keys after the
spec's window, so the store never grows without bound. On Azure Service Bus the broker itself remembers
message ids for the window (duplicate detection), so no separate store is needed there.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import dynamodb

from ..naming import physical_name
from ..spec.messaging import IdempotencySpec
from .backend import BrokerArgs

# The attribute consumers write the key's expiry into (epoch seconds), as DynamoDB TTL requires.
EXPIRY_ATTRIBUTE = "expires_at"


def dynamodb_store(parent: pulumi.Resource, args: BrokerArgs, provider: pulumi.ProviderResource, path: str,
                   spec: IdempotencySpec, key_arn: pulumi.Input[str], prefix: str) -> dynamodb.Table:
    """A pay-per-request table keyed by the idempotency key, encrypted with the broker's key."""
    return dynamodb.Table(
        f"{prefix}-{path}-dedup", name=physical_name(args.estate.environment, args.spec.name, path, "dedup", limit=255),
        billing_mode="PAY_PER_REQUEST", hash_key=spec.key,
        attributes=[dynamodb.TableAttributeArgs(name=spec.key, type="S")],
        ttl=dynamodb.TableTtlArgs(attribute_name=EXPIRY_ATTRIBUTE, enabled=True),
        server_side_encryption=dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=key_arn),
        point_in_time_recovery=dynamodb.TablePointInTimeRecoveryArgs(enabled=args.protection.production),
        deletion_protection_enabled=args.protection.production,
        tags={"broker": args.spec.name, "consumer-path": path, "dedup-window-seconds": str(spec.window_seconds)},
        opts=args.protection.opts(parent, provider, stateful=True))


def iso_duration(seconds: int) -> str:
    """Seconds as an ISO 8601 duration, the form Azure takes for windows and timeouts: 90 -> PT1M30S."""
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if v)
    out = "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")
    return out if out != "P" else "PT0S"
