"""Audit trails: a validated, encrypted, multi-region CloudTrail into a locked bucket; Azure audit logs."""

from __future__ import annotations

import json

from .conftest import by_name, by_type, load_spec_data


def test_trail_is_multi_region_validated_encrypted_with_broker_data_events(plans):
    for env, plan in plans.items():
        trail = by_type(plan, "aws:cloudtrail/trail:Trail")
        assert len(trail) == 1, env
        props = trail[0]["inputs"]
        assert (props["isMultiRegionTrail"], props["enableLogFileValidation"]) == (True, True)
        assert props["kmsKeyId"].startswith("arn:aws:kms:")
        data_types = {s["fieldSelectors"][1]["equals"][0] for s in props["advancedEventSelectors"]
                      if len(s["fieldSelectors"]) > 1}
        assert data_types == {"AWS::SQS::Queue", "AWS::SNS::Topic"}


def test_bucket_versioned_private_tls_only_and_retained_for_the_spec_period(plans):
    for env, plan in plans.items():
        days = load_spec_data(env)["observability"]["audit_retention_days"]
        lifecycle = by_name(plan, "audit-bucket-lifecycle")["inputs"]["rules"][0]
        assert lifecycle["expiration"]["days"] == days, env
        assert by_name(plan, "audit-bucket-versioning")["inputs"]["versioningConfiguration"]["status"] == "Enabled"
        block = by_name(plan, "audit-bucket-public-access")["inputs"]
        assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        policy = json.loads(by_name(plan, "audit-bucket-policy")["inputs"]["policy"])
        assert any(s["Sid"] == "DenyInsecureTransport" and s["Effect"] == "Deny" for s in policy["Statement"])


def test_object_lock_in_production_only(plans):
    lock = by_name(plans["prod"], "audit-bucket-object-lock")["inputs"]
    assert lock["rule"]["defaultRetention"] == {"mode": "COMPLIANCE", "days": 2557}
    assert by_name(plans["prod"], "audit-bucket")["inputs"]["objectLockEnabled"] is True
    assert by_name(plans["prod"], "audit-bucket")["protect"] is True
    assert not [r for r in plans["staging"].resources if r["urn"].endswith("::audit-bucket-object-lock")]


def test_azure_activity_and_key_vault_logs_go_to_log_analytics(plans):
    workspace = by_type(plans["prod"], "azure-native:operationalinsights:Workspace")[0]
    assert workspace["inputs"]["retentionInDays"] == 730  # Log Analytics' interactive maximum; the bucket keeps 7 years
    assert by_type(plans["staging"], "azure-native:operationalinsights:Workspace")[0]["inputs"]["retentionInDays"] == 365
    activity = by_type(plans["prod"], "azure-native:monitor:SubscriptionDiagnosticSetting")[0]["inputs"]
    assert {l["category"] for l in activity["logs"]} >= {"Administrative", "Security"}
    vault_logs = by_type(plans["prod"], "azure-native:monitor:DiagnosticSetting")
    vault = by_type(plans["prod"], "azure-native:keyvault:Vault")[0]
    assert [d["inputs"]["resourceUri"] for d in vault_logs if "key-vault" in d["urn"]] == [vault["id"]]
    assert not by_type(plans["dev"], "azure-native:operationalinsights:Workspace")
