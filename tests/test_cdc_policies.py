"""The audit sink's web-identity role meets workload-identity-least-privilege: an S3 object prefix is the only
way to grant writes of objects whose keys are not known in advance, and nothing else rides on that exception."""

from __future__ import annotations

import json

from components.cdc.audit_sink import web_identity_sink_policy
from components.spec.cdc import CdcSource

from .rule_harness import Subject, judge

IRSA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/oidc.fra.example.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"oidc.fra.example.com:sub": "system:serviceaccount:msg-plant:cdc-mes-db-connect"}}}]})
ROLE = Subject("aws:iam/role:Role", {"name": "prod-cdc-mes-db-audit", "assumeRolePolicy": IRSA_TRUST}, name="role")
BUCKET = "arn:aws:s3:::prod-audit-1-eu-central-1"
KEY = "arn:aws:kms:eu-central-1:1:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SOURCE = CdcSource.model_validate({
    "name": "mes-db", "owner": "manufacturing-it", "engine": "sqlserver", "host": "mes-db.example.com",
    "database": "mes", "login": "mes-db-cdc", "tables": [{"name": "dbo.quality_records", "entity": "quality-record"}],
    "broker": "plant", "audit_sink": {"image_includes_plugin": True}})


def grant(policy: dict | str) -> Subject:
    return Subject("aws:iam/rolePolicy:RolePolicy", {"role": "prod-cdc-mes-db-audit",
                                                     "policy": policy if isinstance(policy, str) else json.dumps(policy)},
                   name="grant")


def sink_policy() -> dict:
    return json.loads(web_identity_sink_policy(SOURCE, ["quality-record"], BUCKET, KEY, "eu-central-1"))


def test_the_sinks_prefix_grant_passes_both_least_privilege_rules():
    policy = grant(sink_policy())
    assert not judge("workload-identity-least-privilege", policy, ROLE).findings
    assert not judge("iam-least-privilege", policy).findings


def test_a_whole_bucket_grant_still_fails():
    policy = sink_policy()
    policy["Statement"][0]["Resource"] = [f"{BUCKET}/*"]
    assert [name for name, _ in judge("workload-identity-least-privilege", grant(policy), ROLE).findings] == ["grant"]


def test_reading_or_deleting_under_the_prefix_does_not_ride_on_the_exception():
    for action in ("s3:GetObject", "s3:DeleteObject"):
        policy = sink_policy()
        policy["Statement"][0]["Action"].append(action)
        assert [name for name, _ in judge("workload-identity-least-privilege", grant(policy), ROLE).findings] == ["grant"]


def test_a_wildcard_inside_the_prefix_still_fails():
    policy = sink_policy()
    policy["Statement"][0]["Resource"] = [f"{BUCKET}/cdc/*/quality-record/*"]
    assert judge("workload-identity-least-privilege", grant(policy), ROLE).findings
