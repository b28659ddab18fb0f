"""The GitHub workflows, checked by real tools: GitHub's workflow schema and zizmor's security audits.

Plus the few promises the workflows make that a linter cannot know: deploy order, the window gate,
the sticky diff comment, previews over every stack.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, SHIPPED

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed in {BIN}; install the test extras: pip install -e '.[test]'"
    return str(path)


def load(name: str) -> dict:
    # PyYAML (YAML 1.1) reads the key `on` as True.
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def test_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"pull-request.yml", "deploy.yml", "pulumi-up.yml", "failover-drill.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_githubs_schema(workflow: Path):
    done = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing(workflow: Path):
    done = subprocess.run([tool("zizmor"), "--offline", "--no-progress", "--config", str(ROOT / ".github" / "zizmor.yml"),
                           str(workflow)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_workflow_starts_with_no_permissions():
    for workflow in WORKFLOWS:
        assert load(workflow.name)["permissions"] == {}, f"{workflow.name}: expected top-level permissions: {{}}"


def test_deploy_runs_dev_then_staging_then_prod_each_in_its_environment_and_window():
    jobs = load("deploy.yml")["jobs"]
    assert list(jobs) == ["dev", "staging", "prod"]
    assert "needs" not in jobs["dev"] and jobs["staging"]["needs"] == "dev" and jobs["prod"]["needs"] == "staging"
    assert [jobs[j]["with"]["stack"] for j in jobs] == ["dev", "staging", "prod"]
    assert load("deploy.yml")["concurrency"]["cancel-in-progress"] is False
    up = load("pulumi-up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    steps = [s.get("run", "") + s.get("uses", "") for s in up["steps"]]
    window = next(i for i, s in enumerate(steps) if "hybrid window" in s)
    pulumi = next(i for i, s in enumerate(steps) if s.startswith("pulumi/actions@"))
    assert window < pulumi, "the deployment window must be checked before pulumi up"


def test_pull_request_previews_every_stack_with_the_policy_pack_and_its_config():
    workflow = load("pull-request.yml")
    preview = workflow["jobs"]["preview"]
    assert sorted(preview["strategy"]["matrix"]["stack"]) == sorted(SHIPPED)
    action = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert action["with"]["command"] == "preview" and action["with"]["comment-on-pr"] is True
    assert action["with"]["policyPacks"] == "policies"
    assert action["with"]["policyPackConfigs"] == "policies/config/${{ matrix.stack }}.json"
    diff_steps = workflow["jobs"]["diff"]["steps"]
    assert any("hybrid diff --all --base" in s.get("run", "") for s in diff_steps)
    assert any("<!-- hybrid-diff -->" in s.get("with", {}).get("script", "") for s in diff_steps)


def test_the_policy_config_is_written_before_every_pulumi_step_that_passes_it():
    """policies/config/<env>.json is generated (not committed): `hybrid validate` must write it first."""
    checked = 0
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for name, job in load(path.name)["jobs"].items():
            steps = job.get("steps", [])
            for index, step in enumerate(steps):
                if "policyPackConfigs" in step.get("with", {}):
                    checked += 1
                    earlier = " ".join(s.get("run", "") for s in steps[:index])
                    assert "hybrid validate" in earlier, f"{path.name}:{name} passes a policy config it never wrote"
    assert checked >= 2
