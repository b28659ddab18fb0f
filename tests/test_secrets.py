"""SecretsReplication: replicas under multi-region keys, reader-only policies, ESO sync, Key Vault, parameters,
the secrets rules, and the end-to-end proof that an injected secret stays secret."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import date

import pytest
from pulumi_policy.proxy import unknown_checking_proxy

from policies.rules.evaluate import evaluate
from policies.rules.framework import Resource
from policies.rules import ALL_RULES as RULES
from scripts.planner.export import dumps

from .conftest import ROOT, by_name, by_type, load_spec_data

ENVELOPE_KEY = "4dabf18193072939515e22adb298388d"
RULE = {r.id: r for r in RULES}


def test_staging_and_prod_replicate_secrets_into_the_secondary_region_under_a_replica_key(plans):
    for env in ("staging", "prod"):
        secondary = load_spec_data(env)["regions"]["aws"]["secondary"]["region"]
        secrets = by_type(plans[env], "aws:secretsmanager/secret:Secret")
        assert secrets, env
        replica_key = by_type(plans[env], "aws:kms/replicaKey:ReplicaKey")[0]
        primary_key = by_name(plans[env], "secrets-key")
        assert primary_key["inputs"]["multiRegion"] is True and replica_key["inputs"]["primaryKeyArn"].endswith(primary_key["id"])
        for secret in secrets:
            assert secret["inputs"]["kmsKeyId"].startswith("arn:aws:kms:")
            assert secret["inputs"]["replicas"] == [{"region": secondary,
                                                     "kmsKeyId": f"arn:aws:kms:{secondary}:{secret['id'].split(':')[4]}:key/{replica_key['id']}"}]
    assert not by_type(plans["dev"], "aws:kms/replicaKey:ReplicaKey")
    assert all(not s["inputs"].get("replicas") for s in by_type(plans["dev"], "aws:secretsmanager/secret:Secret"))


def test_no_secret_value_is_ever_set_by_the_program(plans):
    for plan in plans.values():
        assert not by_type(plan, "aws:secretsmanager/secretVersion:SecretVersion")
        assert not by_type(plan, "azure-native:keyvault:Secret")


def test_promotion_flags_and_production_protection(plans):
    outputs = plans["prod"].export["deployment"]["resources"][0]["outputs"]
    assert outputs["secrets_promoted_on_failover"] == ["partner-api-token", "billing-db-credentials"]
    assert outputs["secret_replica_regions"]["crm-webhook-signing-key"] == ["eu-west-1"]
    token = by_name(plans["prod"], "secrets-partner-api-token")
    assert token["protect"] is True and token["inputs"]["tags"]["promote-on-failover"] == "true"
    assert by_name(plans["staging"], "secrets-partner-api-token")["protect"] is False


def test_resource_policy_grants_read_to_the_readers_only(plans):
    policy = json.loads(by_name(plans["prod"], "secrets-billing-db-credentials-policy")["inputs"]["policy"])
    allow = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    # The readers are the roles the stack creates: the node named in the spec and the External Secrets role
    # of the cluster it syncs to, each a dependency (issue: prod-order-billing and prod-billing-ledger did not exist).
    node_role = by_name(plans["prod"], "node-order-billing-role")
    eso_role = by_name(plans["prod"], "secrets-k8s-fra-eso-role")
    assert allow == [{"Sid": "ConsumersRead", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                      "Principal": {"AWS": sorted([node_role["inputs"]["name"], eso_role["inputs"]["name"]] and
                                                  [f"arn:aws:iam::432109876543:role/{node_role['inputs']['name']}",
                                                   f"arn:aws:iam::432109876543:role/{eso_role['inputs']['name']}"])},
                      "Resource": "*"}]
    deps = by_name(plans["prod"], "secrets-billing-db-credentials-policy")["dependencies"]
    assert node_role["urn"] in deps and eso_role["urn"] in deps
    assert by_name(plans["prod"], "secrets-billing-db-credentials-policy")["inputs"]["blockPublicPolicy"] is True


def test_rotation_only_where_the_spec_asks(plans):
    rotations = by_type(plans["prod"], "aws:secretsmanager/secretRotation:SecretRotation")
    assert [r["urn"].split("::")[-1] for r in rotations] == ["secrets-billing-db-credentials-rotation"]
    assert rotations[0]["inputs"]["rotationLambdaArn"].endswith(":function:prod-billing-db-rotation")
    assert rotations[0]["inputs"]["rotationRules"]["automaticallyAfterDays"] == 30


def test_external_secrets_per_workload_with_the_spec_refresh_interval(plans):
    for env, refresh in (("dev", "15m"), ("prod", "1h")):
        externals = by_type(plans[env], "kubernetes:external-secrets.io/v1beta1:ExternalSecret")
        assert externals and all(e["inputs"]["spec"]["refreshInterval"] == refresh for e in externals)
    ledger = by_name(plans["prod"], "secrets-k8s-fra-billing-billing-ledger-billing-db-credentials")
    assert ledger["inputs"]["spec"]["dataFrom"] == [{"extract": {"key": "prod/billing-db-credentials"}}]
    assert by_name(plans["prod"], "addons-k8s-fra-external-secrets")["urn"] in ledger["dependencies"]
    stores = {s["urn"].split("::")[-1]: s["inputs"]["spec"]["provider"]["aws"]
              for s in by_type(plans["prod"], "kubernetes:external-secrets.io/v1beta1:ClusterSecretStore")
              if "aws" in s["inputs"]["spec"]["provider"]}
    # an EKS cluster in the secondary region reads its local replica; every cluster, on-prem too, authenticates
    # with its own service-account token as its External Secrets role (no static keys anywhere)
    assert stores["secrets-eks-dub-store-aws"]["region"] == "eu-west-1"
    for store in ("secrets-eks-dub-store-aws", "secrets-k8s-fra-store-aws"):
        assert stores[store]["auth"] == {"jwt": {"serviceAccountRef": {"name": "external-secrets-aws",
                                                                       "namespace": "external-secrets"}}}
        cluster = store[len("secrets-"):-len("-store-aws")]
        identity = by_name(plans["prod"], f"secrets-{cluster}-eso-aws-identity")["inputs"]["metadata"]
        role = by_name(plans["prod"], f"secrets-{cluster}-eso-role")
        assert identity["annotations"]["eks.amazonaws.com/role-arn"].endswith(f":role/{role['inputs']['name']}")
        trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]
        assert list(trust["Condition"]["StringEquals"].values())[0] in (
            "system:serviceaccount:external-secrets:external-secrets-aws", "sts.amazonaws.com")
    # the ExternalSecret waits for its namespace, which the stack creates when no node does
    namespace = by_name(plans["prod"], "secrets-k8s-fra-billing-namespace")
    assert namespace["urn"] in ledger["dependencies"]


def test_key_vault_rbac_purge_protection_and_private_in_production(plans):
    prod = by_type(plans["prod"], "azure-native:keyvault:Vault")[0]
    props = prod["inputs"]["properties"]
    assert (props["enableRbacAuthorization"], props["enablePurgeProtection"], props["enableSoftDelete"]) == (True, True, True)
    assert props["publicNetworkAccess"] == "Disabled" and prod["protect"] is True
    staging = by_type(plans["staging"], "azure-native:keyvault:Vault")[0]["inputs"]["properties"]
    assert staging["publicNetworkAccess"] == "Enabled" and staging["softDeleteRetentionInDays"] == 30
    [reader] = [r["inputs"] for r in by_type(plans["prod"], "azure-native:authorization:RoleAssignment")
                if r["inputs"]["scope"] == prod["id"] and r["inputs"]["principalId"] == "7c9e6679-7425-40de-944b-e07fc1f90ae7"]
    assert reader["roleDefinitionId"].endswith("4633458b-17de-408a-b874-0445c86b69e6")


def test_parameters_replicate_like_secrets(plans):
    params = by_type(plans["prod"], "aws:ssm/parameter:Parameter")
    batch = [p for p in params if p["inputs"]["name"] == "/prod/billing-batch-size"]
    assert sorted(p["provider"].split("::")[-2] for p in batch) == ["aws-eu-central-1", "aws-eu-west-1"]
    assert all(p["inputs"]["insecureValue"] == "200" for p in batch)
    assert [p["provider"].split("::")[-2] for p in by_type(plans["dev"], "aws:ssm/parameter:Parameter")] == ["aws-eu-central-1"]
    assert by_type(plans["prod"], "azure-native:appconfiguration:KeyValue")[0]["inputs"]["value"] == "500"


# --- rules ---

def secret(**changes) -> Resource:
    props = {"kmsKeyId": "arn:aws:kms:eu-west-1:1:key/k", "replicas": [{"region": "eu-central-1", "kmsKeyId": "arn:k2"}]}
    props.update(changes)
    return Resource(urn="urn:pulumi:t::p::aws:secretsmanager/secret:Secret::s", type="aws:secretsmanager/secret:Secret",
                    name="s", props=unknown_checking_proxy(props))


def run(rule_id: str, resource: Resource, **config):
    verdict = evaluate([resource], [RULE[rule_id]], {rule_id: {"enforcementLevel": "mandatory", **config}},
                       date(2025, 1, 1))[0]
    return [m for _, m in verdict.violations], [r for _, r in verdict.not_applicable]


def test_secret_cmk_rule():
    assert run("secrets-cmk-encryption", secret())[0] == []
    assert run("secrets-cmk-encryption", secret(kmsKeyId=None))[0] == [
        "secret is encrypted with the AWS-managed key: set kmsKeyId to a customer-managed key"]
    assert run("secrets-cmk-encryption", secret(replicas=[{"region": "eu-central-1"}]))[0] == [
        "replica 0 is encrypted with the AWS-managed key of its region"]


def test_secret_replicated_rule():
    assert run("secrets-replicated", secret(), secondaryRegion="eu-central-1")[0] == []
    assert run("secrets-replicated", secret(replicas=[]), secondaryRegion="eu-central-1")[0] == [
        "secret has no replica in the environment's secondary region: failover would lose it"]
    assert run("secrets-replicated", secret(replicas=[]), secondaryRegion=None)[1] == ["the environment has no secondary region"]


def test_credentials_rule_offline_and_not_applicable_in_the_engine():
    plain = Resource(urn="urn:pulumi:t::p::pulumi:providers:kubernetes::k", type="pulumi:providers:kubernetes",
                     name="k", props=unknown_checking_proxy({"kubeconfig": "apiVersion: v1 ..."}))
    hidden = Resource(urn=plain.urn, type=plain.type, name="k", props=unknown_checking_proxy({"kubeconfig": "[secret]"}))
    violations, _ = run("credentials-secret-marked", plain)
    assert violations == ["credential input kubeconfig is not secret-marked: it would be stored and shown in plaintext"]
    assert "apiVersion" not in violations[0]
    assert run("credentials-secret-marked", hidden)[0] == []
    from policies.rules.framework import RuleContext
    from policies.rules.framework import NotApplicable
    try:
        list(RULE["credentials-secret-marked"].check(plain, RuleContext(config={}, today=date(2025, 1, 1))))
        raise AssertionError("expected not applicable inside the engine")
    except NotApplicable as reason:
        assert reason.reason.startswith("offline only")
    psk = Resource(urn="urn:pulumi:t::p::aws:ec2/vpnConnection:VpnConnection::v", type="aws:ec2/vpnConnection:VpnConnection",
                   name="v", props=unknown_checking_proxy({"tunnel1PresharedKey": "abc123", "tunnel2PresharedKey": "[secret]"}))
    assert run("credentials-secret-marked", psk)[0] == [
        "credential input tunnel1PresharedKey is not secret-marked: it would be stored and shown in plaintext"]


# --- end to end: a known plaintext through the config path ---

KNOWN = "https://events.pagerduty.com/integration/KNOWN-PLAINTEXT-7f3a9c/enqueue"
KNOWN_KUBECONFIG = "apiVersion: v1\nkind: Config\n# KNOWN-KUBECONFIG-PLAINTEXT-41b2\n"


@pytest.mark.slow  # plans, reports and logs a whole environment
def test_an_injected_secret_stays_secret_end_to_end(tmp_path, caplog, capfd):
    from scripts.planner.run import plan_environment

    endpoints = json.dumps({"pagerduty": KNOWN, "chat": "https://chat.example/hooks/KNOWN-CHAT-PLAINTEXT-9d1e"})
    with caplog.at_level(logging.DEBUG):
        plan = plan_environment(ROOT, "dev", secret_values={"oncallEndpoints": endpoints, "kubeconfig": KNOWN_KUBECONFIG})
    text = dumps(plan.export)
    # it reached its consuming inputs, marked secret
    sub = by_name(plan, "observability-euc1-alerts-critical-to-platform-pager")
    assert sub["inputs"]["endpoint"] == {ENVELOPE_KEY: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "[redacted]"}
    assert by_name(plan, "k8s-eks-dev")["inputs"]["kubeconfig"][ENVELOPE_KEY]
    # and appears in no plan, log or report
    target = tmp_path / "dev.json"
    target.write_text(text)
    reports = [subprocess.run([sys.executable, "-m", "scripts.cli_main", "check", str(target), *flags],
                              cwd=ROOT, capture_output=True, text=True, timeout=120) for flags in ([], ["--json"])]
    captured = capfd.readouterr()
    for needle in ("KNOWN-PLAINTEXT-7f3a9c", "KNOWN-CHAT-PLAINTEXT-9d1e", "KNOWN-KUBECONFIG-PLAINTEXT-41b2"):
        assert needle not in text
        assert needle not in caplog.text and needle not in captured.out and needle not in captured.err
        for report in reports:
            assert needle not in report.stdout and needle not in report.stderr
    assert all(r.returncode in (0, 1) for r in reports), [r.stderr for r in reports]
    assert "credentials-secret-marked" in reports[1].stdout


def test_a_missing_endpoint_entry_fails_without_echoing_the_map():
    import pytest

    from components.observability.endpoints import EndpointError, pick_entry
    from components.spec.observability import EndpointRef

    ref = EndpointRef(secret="oncallEndpoints", entry="pagerduty")
    assert pick_entry(json.dumps({"pagerduty": KNOWN}), ref) == KNOWN
    with pytest.raises(EndpointError) as error:
        pick_entry(json.dumps({"chat": KNOWN}), ref)
    assert KNOWN not in str(error.value) and "'pagerduty'" in str(error.value)
