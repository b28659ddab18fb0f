"""The `hybrid` verbs of the spine: validate, plan and check, with their exit codes."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from scripts.cli import app

from .conftest import ROOT, SHIPPED, load_spec_data, write_env

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_validate_lists_every_problem_and_exits_2_without_a_traceback(project_copy):
    data = load_spec_data("prod")
    data["sites"][1]["cidr"] = "10.10.0.0/20"
    data["clusters"][0]["kubeconfig"] = "literal-kubeconfig"
    data["tier"] = "prodution"
    write_env(project_copy, "prod", data)
    result = invoke("validate", "--root", str(project_copy))
    assert result.exit_code == 2
    text = result.output
    assert "Traceback" not in text
    assert "environments/prod.yaml: tier:" in text
    assert "environments/prod.yaml: clusters[0].kubeconfig: expected a secret reference" in text
    assert "literal-kubeconfig" not in text
    assert "✓ dev is valid" in text


def test_validate_json(project_copy):
    result = invoke("validate", "dev", "--json", "--root", str(project_copy))
    assert result.exit_code == 0
    assert json.loads(result.output) == {"version": 1, "valid": True, "problems": {"dev": []}, "errors": [],
                                         "warnings": []}


def test_validate_reports_an_unknown_environment(project_copy):
    result = invoke("validate", "nowhere", "--root", str(project_copy))
    assert result.exit_code == 2 and f"no such environment; expected one of: {', '.join(SHIPPED)}" in result.output


def test_pulumi_yaml_follows_pulumis_own_schema():
    import jsonschema

    # Pulumi's own JSON schema for Pulumi.yaml, vendored under tests/data.
    schema = json.loads((ROOT / "tests" / "data" / "pulumi-project.schema.json").read_text())
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    jsonschema.validate(project, schema)
    assert project["stackConfigDir"] == "stacks" and project["runtime"]["options"]["virtualenv"] == ".venv"
    assert project["config"]["kubeconfig"]["secret"] is True


def test_no_ciphertext_or_secret_value_is_committed_in_stack_files():
    for stack_file in (ROOT / "stacks").glob("Pulumi.*.yaml"):
        config = yaml.safe_load(stack_file.read_text())["config"]
        assert not any(isinstance(v, dict) and "secure" in v for v in config.values()), stack_file
        assert "encryptionsalt" not in stack_file.read_text()


def export_file(tmp_path, plans, env="prod", mutate=None):
    export = json.loads(json.dumps(plans[env].export))
    if mutate:
        mutate(export)
    path = tmp_path / f"{env}-export.json"
    path.write_text(json.dumps(export))
    return path


def test_check_finds_the_environment_from_the_urns_stack(tmp_path, plans):
    result = invoke("check", str(export_file(tmp_path, plans)), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["environment"] == "prod" and report["blocking"] is False


def test_check_exits_1_on_a_mandatory_violation_naming_the_resource_not_the_value(tmp_path, plans):
    def strip_redrive(export):
        for r in export["deployment"]["resources"]:
            if r["urn"].endswith("::orders-euc1-billing-orders"):
                del r["inputs"]["redrivePolicy"]
    result = invoke("check", str(export_file(tmp_path, plans, mutate=strip_redrive)))
    assert result.exit_code == 1
    assert "dead-letter-queue-required mandatory, 1 violation" in result.output
    assert "aws:sqs/queue:Queue::orders-euc1-billing-orders: queue has no dead-letter queue" in result.output


def test_check_with_env_override_and_a_hand_written_stack_export(tmp_path):
    handwritten = {"version": 3, "deployment": {"manifest": {"time": "2026-11-01T10:00:00Z"}, "resources": [
        {"urn": "urn:pulumi:team-sandbox::hybrid::pulumi:pulumi:Stack::hybrid-team-sandbox", "custom": False,
         "type": "pulumi:pulumi:Stack"},
        {"urn": "urn:pulumi:team-sandbox::hybrid::pulumi:providers:aws::aws-us", "custom": True, "id": "p1",
         "type": "pulumi:providers:aws", "inputs": {"region": "us-east-1"}},
        {"urn": "urn:pulumi:team-sandbox::hybrid::aws:sqs/queue:Queue::legacy", "custom": True,
         "id": "https://sqs.us-east-1.amazonaws.com/1/legacy", "type": "aws:sqs/queue:Queue",
         "inputs": {"name": "legacy", "kmsMasterKeyId": {"4dabf18193072939515e22adb298388d":
                                                          "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}},
         "provider": "urn:pulumi:team-sandbox::hybrid::pulumi:providers:aws::aws-us::p1", "protect": False}]}}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(handwritten))
    unknown = invoke("check", str(path))
    assert unknown.exit_code == 2 and "stack 'team-sandbox' has no stack config" in unknown.output
    judged = invoke("check", str(path), "--env", "prod", "--json")
    assert judged.exit_code == 1
    failed = {v["rule"] for v in json.loads(judged.output)["verdicts"] if not v["passed"]}
    assert {"dead-letter-queue-required", "data-residency-region", "required-tags",
            "protect-stateful-resources"} <= failed
    assert "broker-cmk-encryption" not in failed  # the key is there, only as ciphertext
    assert "v1:abc" not in judged.output


def test_check_rejects_files_that_are_not_plans(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert invoke("check", str(path)).exit_code == 2
    path.write_text(json.dumps({"hello": 1}))
    result = invoke("check", str(path))
    assert result.exit_code == 2 and "expected a plan or `pulumi stack export`" in result.output


def test_plan_json_reports_counts_verdicts_and_timings(tmp_path, project_copy):
    shutil.copytree(ROOT / "policies", project_copy / "policies", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("venv", "__pycache__"))  # the pack, not its virtualenv
    result = invoke("plan", "dev", "--json", "--out", str(tmp_path / "dev.json"), "--root", str(project_copy))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    queues = sum(len(b.get("queues") or []) for b in load_spec_data("dev")["messaging"]["brokers"]
                 if b["kind"] == "sqs-sns")
    assert report["byTypeAndRegion"]["aws:sqs/queue:Queue"] == {"eu-central-1": 2 * queues}  # each with its DLQ
    assert report["blocking"] is False and report["timings"]["planSeconds"] > 0
    assert json.loads((tmp_path / "dev.json").read_text())["version"] == 3
    assert (project_copy / "policies" / "config" / "dev.json").exists()


@pytest.mark.slow  # the plan pool across environments
def test_plan_of_several_environments_runs_them_in_the_pool_and_reports_in_the_order_asked(project_copy, plans):
    from scripts.planner.export import dumps

    result = invoke("plan", "staging", "dev", "--json", "--root", str(project_copy))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [e["environment"] for e in report["environments"]] == ["staging", "dev"]
    assert report["version"] == 1 and "version" not in report["environments"][0]
    for env in ("staging", "dev"):
        assert (project_copy / "plans" / f"{env}.json").read_text() == dumps(plans[env].export)
    assert invoke("plan", "dev", "--all", "--root", str(project_copy)).exit_code == 2
    assert invoke("plan", "dev", "prod", "--out", "x.json", "--root", str(project_copy)).exit_code == 2
