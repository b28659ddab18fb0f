"""AuditTrail built alone: a multi-region CloudTrail into a locked, encrypted, private bucket."""

from __future__ import annotations

import json

import pulumi

from components.audit.component import AuditTrail, AuditTrailArgs

from .conftest import ACCOUNT, assert_children_named_after, aws_provider, build


def audit(production: bool):
    def program():
        provider = aws_provider("eu-central-1")
        return AuditTrail("audit", AuditTrailArgs(environment="unit", account=ACCOUNT, home_region="eu-central-1",
                                                  provider=provider, retention_days=400, production=production),
                          pulumi.ResourceOptions(provider=provider))
    return build(program)


def test_the_trail_covers_every_region_and_writes_to_its_own_encrypted_bucket():
    built = audit(production=True)
    assert_children_named_after(built, "hybrid:audit:AuditTrail", "audit")
    trail = built.named("audit-trail")
    assert trail["inputs"]["isMultiRegionTrail"] is True
    assert trail["inputs"]["enableLogFileValidation"] is True
    bucket = built.named("audit-bucket")
    assert trail["inputs"]["s3BucketName"] == bucket["id"]
    # the trail waits for the bucket policy that lets CloudTrail write (else AWS refuses the trail)
    assert built.named("audit-bucket-policy")["urn"] in trail["dependencies"]
    block = built.named("audit-bucket-public-access")["inputs"]
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    rule = built.named("audit-bucket-encryption")["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]
    key = built.named("audit-key")
    assert rule["sseAlgorithm"] == "aws:kms" and rule["kmsMasterKeyId"].endswith(f":key/{key['id']}")
    assert key["inputs"]["enableKeyRotation"] is True
    statements = json.loads(built.named("audit-bucket-policy")["inputs"]["policy"])["Statement"]
    assert any(s["Principal"] == {"Service": "cloudtrail.amazonaws.com"} for s in statements)


def test_object_lock_and_protection_follow_the_tier():
    production, staging = audit(production=True), audit(production=False)
    assert production.named("audit-bucket")["inputs"]["objectLockEnabled"] is True
    assert "audit-bucket-object-lock" in {r["urn"].rsplit("::", 1)[1] for r in production.resources}
    assert "audit-bucket-object-lock" not in {r["urn"].rsplit("::", 1)[1] for r in staging.resources}
    assert production.named("audit-bucket")["protect"] is True
