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


def test_critical_cdc_changes_are_written_into_the_audit_bucket_with_its_key(plans):
    """The CDC audit sinks name the audit trail's bucket and key by their Outputs (so the engine orders them),
    and the bucket keeps its TLS-only policy and, in production, its COMPLIANCE default retention."""
    for env, sink_name, writer in (("staging", "cdc-orders-db-audit-order-connector", "cdc-orders-db-audit-order-access"),
                                   ("prod", "cdc-mes-db-audit-quality-record-connector", "cdc-mes-db-audit-access")):
        plan = plans[env]
        bucket, key = by_name(plan, "audit-bucket"), by_name(plan, "audit-key")
        sink = by_name(plan, sink_name)
        assert {bucket["urn"], key["urn"]} <= set(sink["dependencies"]), env
        config = sink["inputs"].get("connectorConfiguration") or sink["inputs"]["spec"]["config"]
        assert config["s3.bucket.name"] == bucket["id"] and config["s3.sse.kms.key.id"].endswith(f":key/{key['id']}")
        statements = {s["Sid"]: s for s in json.loads(by_name(plan, writer)["inputs"]["policy"])["Statement"]}
        assert all(r.startswith(f"arn:aws:s3:::{bucket['id']}/cdc/") for r in statements["WriteAuditObjects"]["Resource"])
        assert statements["EncryptWithAuditKeyViaS3"]["Resource"] == [config["s3.sse.kms.key.id"]]
        policy = json.loads(by_name(plan, "audit-bucket-policy")["inputs"]["policy"])
        assert not any(s["Effect"] == "Allow" and "cdc" in json.dumps(s) for s in policy["Statement"]), \
            "the bucket policy admits no principal wider: the writers' own IAM policies grant the prefix"
    assert by_name(plans["prod"], "audit-bucket-object-lock")["inputs"]["rule"]["defaultRetention"]["mode"] == "COMPLIANCE"


def test_the_msk_audit_sink_reaches_s3_through_its_vpcs_gateway_endpoint(plans):
    from scripts.planner.ids import aws_outputs
    plan = plans["staging"]
    endpoint = by_name(plan, "net-eu-west-1-s3-endpoint")
    _, outputs = aws_outputs(endpoint["type"], "net-eu-west-1-s3-endpoint", endpoint["urn"], endpoint["inputs"],
                             "eu-west-1", "321098765432")
    group = by_name(plan, "cdc-orders-db-audit-sg")
    https = [e for e in group["inputs"]["egress"] if e["fromPort"] == 443]
    assert https == [{"description": "the audit bucket through the S3 gateway endpoint", "fromPort": 443,
                      "prefixListIds": [outputs["prefixListId"]], "protocol": "tcp", "toPort": 443}]
    assert endpoint["urn"] in group["dependencies"]
