"""The contract checks over the shipped environments (none, and they block) and over a
hand-written stack export with one planted defect per family, through `hybrid check`."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from components.spec import load_environment
from scripts.cli import app
from scripts.contracts import CONTRACT_ENFORCEMENT, contract_findings

from .conftest import ROOT, SHIPPED
from .contract_states import ACCOUNT, export, res

# Findings per environment and check: none. The checks are mandatory (scripts/contracts/enforcement.py), so a
# finding in a shipped environment fails its plan; fix the component, never record a finding here.
TODAY: dict[str, dict[str, int]] = {"dev": {}, "staging": {}, "prod": {}}


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_environments_report_todays_findings(plans, env):
    spec = load_environment(ROOT / "environments" / f"{env}.yaml")
    found = contract_findings(plans[env].export, spec)
    counts = dict(Counter(f.check for f in found))
    assert env in TODAY, (f"{env} has no recorded contract findings: add {env!r}: {dict(sorted(counts.items()))} to TODAY in "
                          f"{__name__.replace('.', '/')}.py (`hybrid plan {env}` lists them)")
    assert counts == TODAY[env]
    assert all(f.urn.startswith(f"urn:pulumi:{env}::") for f in found)


def test_the_checks_are_mandatory_now_the_environments_are_clean():
    assert CONTRACT_ENFORCEMENT == "mandatory"
    assert all(counts == {} for counts in TODAY.values())


QUEUE_URL = f"https://sqs.eu-central-1.amazonaws.com/{ACCOUNT}/prod-planted"
QUEUE_ARN = f"arn:aws:sqs:eu-central-1:{ACCOUNT}:prod-planted"
K8S = "kubernetes:external-secrets.io/v1beta1"


def key(name: str, principal: str, deps: tuple[str, ...] = ()) -> dict:
    return res("aws:kms/key:Key", name, {"description": name, "policy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:Decrypt", "Resource": "*"}]})}, deps=deps)


def external_secret(name: str, namespace: str) -> dict:
    return res(f"{K8S}:ExternalSecret", name, {
        "apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"refreshInterval": "1h", "secretStoreRef": {"kind": "ClusterSecretStore", "name": "aws"},
                 "target": {"name": name}, "dataFrom": [{"extract": {"key": "prod/token"}}]}})


def record(name: str, target: str, zone: dict) -> dict:
    return res("aws:route53/record:Record", name, {"zoneId": zone["id"], "name": f"{name}.api.example.com",
                                                   "type": "CNAME", "records": [target], "ttl": 60}, deps=(zone["urn"],))


def planted_export() -> dict:
    queue = res("aws:sqs/queue:Queue", "planted-queue", {"name": "prod-planted"}, id=QUEUE_URL,
                outputs={"arn": QUEUE_ARN, "url": QUEUE_URL})
    policy_document = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": QUEUE_ARN}]})
    role = res("aws:iam/role:Role", "reader", {"name": "prod-reader", "assumeRolePolicy": "{}"},
               outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/prod-reader"})
    zone = res("aws:route53/zone:Zone", "zone", {"name": "api.example.com"}, id="ZB337ECD2ACE488928070")
    return export(
        queue, role, zone,
        # 1 types: a string where the SDK declares an integer, beside the same queue setting as an integer
        res("aws:sqs/queue:Queue", "typed-wrong", {"name": "prod-typed-wrong", "delaySeconds": "10"}),
        res("aws:sqs/queue:Queue", "typed-right", {"name": "prod-typed-right", "delaySeconds": 10}),
        # 2 naming: a Service Bus namespace ending in -sb, beside one that does not
        res("azure-native:servicebus:Namespace", "named-wrong", {"resourceGroupName": "rg", "namespaceName": "prod-events-sb"}),
        res("azure-native:servicebus:Namespace", "named-right", {"resourceGroupName": "rg", "namespaceName": "prod-events-bus"}),
        # 3 references: a key policy naming a role nothing creates, beside one naming the planned role
        key("key-wrong", f"arn:aws:iam::{ACCOUNT}:role/prod-nobody"),
        key("key-right", f"arn:aws:iam::{ACCOUNT}:role/prod-reader", deps=(role["urn"],)),
        # 4 ordering: a queue policy without, and one with, a dependency on its queue
        res("aws:sqs/queuePolicy:QueuePolicy", "policy-wrong", {"queueUrl": QUEUE_URL, "policy": policy_document}, id=QUEUE_URL),
        res("aws:sqs/queuePolicy:QueuePolicy", "policy-right", {"queueUrl": QUEUE_URL, "policy": policy_document}, id=QUEUE_URL,
            deps=(queue["urn"],)),
        # 5 Kubernetes: an ExternalSecret in a namespace nothing creates, beside one in a created namespace
        res("kubernetes:helm.sh/v3:Release", "eso", {"chart": "external-secrets", "version": "0.12.1",
                                                     "namespace": "external-secrets", "createNamespace": True}),
        res("kubernetes:core/v1:Namespace", "billing", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "billing"}}),
        res(f"{K8S}:ClusterSecretStore", "aws", {"apiVersion": "external-secrets.io/v1beta1", "kind": "ClusterSecretStore",
                                                 "metadata": {"name": "aws"},
                                                 "spec": {"provider": {"aws": {"service": "SecretsManager", "region": "eu-central-1"}}}}),
        external_secret("secret-wrong", "crm"),
        external_secret("secret-right", "billing"),
        # 6 DNS: a CNAME to a name nothing defines, beside one to a defined record
        record("dns-wrong", "orders-nowhere.api.example.com", zone),
        record("dns-right", "dns-target.api.example.com", zone),
        record("dns-target", "d-abc123.execute-api.eu-central-1.amazonaws.com", zone),
    )


def test_hybrid_check_reports_each_planted_defect_on_the_right_resource_only(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(planted_export()), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--json", "--root", str(ROOT)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output  # 1 only for the policies judging these bare resources
    report = json.loads(result.output[result.output.index("{"):])
    assert report["environment"] == "prod"
    found = sorted((c["check"], c["urn"].split("::")[-1]) for c in report["contracts"])
    assert found == [("azure-naming", "named-wrong"), ("dangling-principal", "key-wrong"),
                     ("dns-dangling-target", "dns-wrong"), ("k8s-namespace", "secret-wrong"),
                     ("missing-dependency", "policy-wrong"), ("sdk-type", "typed-wrong")]
    assert all(set(c) == {"urn", "check", "message"} and c["message"] for c in report["contracts"])


def test_a_preview_carries_the_same_findings_as_the_export():
    states = planted_export()["deployment"]["resources"]
    preview = {"steps": [{"op": "create", "urn": s["urn"], "newState": s} for s in states]}
    spec = load_environment(ROOT / "environments" / "prod.yaml")
    assert contract_findings(preview, spec) == contract_findings(planted_export(), spec)
    assert len(contract_findings(preview, spec)) == 6
