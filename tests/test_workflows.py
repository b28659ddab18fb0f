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

from scripts import environments, workflows

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


def test_deploy_runs_each_environment_after_the_one_its_spec_names_in_its_environment_and_window():
    jobs = load("deploy.yml")["jobs"]
    specs = {env: environments.load(ROOT, env).spec for env in SHIPPED}
    assert list(jobs) == environments.deploy_order(specs)
    for env, job in jobs.items():
        assert job.get("needs") == specs[env].deployment.after, f"deploy.yml:{env}"
        assert job["with"]["stack"] == env
    # the shipped specs roll out dev, then staging, then prod
    assert [specs[e].deployment.after for e in ("dev", "staging", "prod")] == [None, "dev", "staging"]
    assert load("deploy.yml")["concurrency"]["cancel-in-progress"] is False
    up = load("pulumi-up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    steps = [s.get("run", "") + s.get("uses", "") for s in up["steps"]]
    window = next(i for i, s in enumerate(steps) if "hybrid window" in s)
    pulumi = next(i for i, s in enumerate(steps) if s.startswith("pulumi/actions@"))
    assert window < pulumi, "the deployment window must be checked before pulumi up"


def test_the_committed_workflows_are_what_the_specs_generate():
    """deploy.yml and the stack matrices follow environments/*.yaml: regenerating gives the same bytes."""
    outdated = [p.relative_to(ROOT).as_posix() for p in workflows.stale(ROOT)]
    assert not outdated, f"stale: {', '.join(outdated)}; run `hybrid workflows` (and commit the result)"


def test_pull_request_previews_every_stack_with_the_policy_pack_and_its_config():
    workflow = load("pull-request.yml")
    preview = workflow["jobs"]["preview"]
    assert sorted(preview["strategy"]["matrix"]["stack"]) == sorted(SHIPPED)
    action = next(s for s in preview["steps"] if s.get("uses", "").startswith("pulumi/actions@")
                  and "command" in s.get("with", {}))
    assert action["with"]["command"] == "preview" and action["with"]["comment-on-pr"] is True
    assert action["with"]["policyPacks"] == "policies"
    assert action["with"]["policyPackConfigs"] == "policies/config/${{ matrix.stack }}.json"
    diff_steps = workflow["jobs"]["diff"]["steps"]
    assert any("hybrid diff --all --base" in s.get("run", "") for s in diff_steps)
    assert any("<!-- hybrid-diff -->" in s.get("with", {}).get("script", "") for s in diff_steps)


def test_the_diff_comment_links_diagrams_from_the_pr_and_carries_one_marker():
    """The renderer writes the marker once and sizes the body; the workflow posts the file unchanged."""
    steps = load("pull-request.yml")["jobs"]["diff"]["steps"]
    run = next(s for s in steps if "hybrid diff --all" in s.get("run", ""))
    assert '--link-base "${LINK_BASE}"' in run["run"]
    assert run["env"]["LINK_BASE"].endswith("/blob/${{ github.event.pull_request.head.sha }}/")
    script = next(s for s in steps if "script" in s.get("with", {}))["with"]["script"]
    assert "const body = fs.readFileSync('diff.md', 'utf8');" in script and "${marker}" not in script


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


# --- the real path: a pinned CLI, the policy pack's virtualenv, secret config from ESC or CI secrets ---

def pulumi_jobs() -> list[tuple[str, str, list[dict]]]:
    """(workflow, job, steps) of every job that runs `pulumi preview` or `pulumi up`."""
    found = []
    for path in WORKFLOWS:
        for name, job in load(path.name)["jobs"].items():
            steps = job.get("steps", [])
            if any(s.get("uses", "").startswith("pulumi/actions@") and s.get("with", {}).get("command") in
                   ("preview", "up") for s in steps):
                found.append((path.name, name, steps))
    return found


def sdk_pin() -> str:
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    return pins["pulumi"].strip()


def test_every_pulumi_job_installs_the_cli_pinned_to_the_sdk_version_first():
    jobs = pulumi_jobs()
    assert len(jobs) >= 2
    for workflow, name, steps in jobs:
        actions = [s for s in steps if s.get("uses", "").startswith("pulumi/actions@")]
        for action in actions:
            assert str(action["with"].get("pulumi-version")) == sdk_pin(), f"{workflow}:{name}: CLI not pinned"
        first_cli = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("pulumi/actions@"))
        assert "command" not in steps[first_cli]["with"], f"{workflow}:{name}: install the CLI before using it"


def test_every_job_that_passes_the_policy_pack_creates_its_virtualenv_with_pulumi_install():
    for workflow, name, steps in pulumi_jobs():
        runs = [(i, s) for i, s in enumerate(steps) if s.get("run", "").strip() == "pulumi install"]
        assert runs and runs[0][1].get("working-directory") == "policies", f"{workflow}:{name}"
        action = next(i for i, s in enumerate(steps) if "policyPacks" in s.get("with", {}))
        assert runs[0][0] < action


def secret_variable(key: str) -> str:
    import re

    return "SECRET_" + re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).upper()


def test_every_pulumi_job_supplies_secret_config_through_esc_or_ci_secrets_before_it_runs():
    declared = {k for k, v in yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"].items()
                if isinstance(v, dict) and v.get("secret")}
    for workflow, name, steps in pulumi_jobs():
        action = next(i for i, s in enumerate(steps) if s.get("with", {}).get("command") in ("preview", "up"))
        earlier = steps[:action]
        esc = [s for s in earlier if "pulumi config env add" in s.get("run", "")]
        ci = [s for s in earlier if "set-secret-config.sh" in s.get("run", "")]
        assert esc and esc[0]["if"] == "vars.PULUMI_ESC_PROJECT != ''", f"{workflow}:{name}: no ESC path"
        assert ci and ci[0]["if"] == "vars.PULUMI_ESC_PROJECT == ''", f"{workflow}:{name}: no CI-secrets path"
        assert set(ci[0]["env"]) == {secret_variable(k) for k in declared}, f"{workflow}:{name}"
        # A self-managed backend needs no Pulumi Cloud token: the action logs in to PULUMI_BACKEND_URL.
        assert steps[action]["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"


def test_the_reusable_up_workflow_receives_every_secret_deploy_passes():
    declared = load("pulumi-up.yml")["on"]["workflow_call"]["secrets"]
    for name, job in load("deploy.yml")["jobs"].items():
        assert set(job["secrets"]) == set(declared), f"deploy.yml:{name}"
    assert not any(s.get("required") for s in declared.values()), "no secret is required with both backends"


def fake_pulumi(tmp_path: Path) -> Path:
    """A `pulumi` on PATH that records its arguments and stdin, one JSON line per call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    script = bin_dir / "pulumi"
    script.write_text(f"""#!{sys.executable}
import json, sys
data = "" if sys.argv[1:3] == ["stack", "select"] else sys.stdin.read()
with open({str(log)!r}, "a") as out:
    out.write(json.dumps({{"args": sys.argv[1:], "stdin": data}}) + "\\n")
""")
    script.chmod(0o755)
    return bin_dir


def test_the_ci_secrets_script_sets_each_declared_key_through_stdin_and_skips_empty_ones(tmp_path):
    import json
    import os

    bin_dir = fake_pulumi(tmp_path)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "STACK_NAME": "acme/staging", "PYTHON": sys.executable,
           "SECRET_KUBECONFIG": "apiVersion: v1 # kube-Plaintext-77", "SECRET_ONCALL_ENDPOINTS": '{"pagerduty": "x"}',
           "SECRET_VPN_PRESHARED_KEYS": ""}
    done = subprocess.run([str(ROOT / ".github" / "scripts" / "set-secret-config.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    assert calls[0]["args"] == ["stack", "select", "acme/staging"]
    sets = {c["args"][-1]: c for c in calls[1:]}
    assert set(sets) == {"kubeconfig", "oncallEndpoints"}
    for key, call in sets.items():
        assert call["args"] == ["config", "set", "--secret", "--stack", "acme/staging", key]
    assert sets["kubeconfig"]["stdin"] == "apiVersion: v1 # kube-Plaintext-77"
    assert "kube-Plaintext-77" not in done.stdout + done.stderr


def test_pull_requests_upload_policy_findings_as_sarif_with_hash_pinned_actions_and_no_forks():
    job = load("pull-request.yml")["jobs"]["code-scanning"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert sorted(job["strategy"]["matrix"]["stack"]) == sorted(SHIPPED)
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert uses and all(len(u.split("@")[1]) == 40 for u in uses), "actions pinned by full commit hash"
    check = next(s["run"] for s in job["steps"] if "hybrid check" in s.get("run", ""))
    assert "--format sarif" in check
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "results/${{ matrix.stack }}.sarif"


def test_the_security_audit_runs_on_a_schedule_against_each_cloud_with_oidc_and_uploads_sarif():
    workflow = load("security-audit.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    job = workflow["jobs"]["audit"]
    assert job["permissions"] == {"contents": "read", "id-token": "write", "security-events": "write"}
    assert sorted(job["strategy"]["matrix"]["stack"]) == sorted(SHIPPED)
    assert job["strategy"]["matrix"]["target"] == ["aws", "azure"]
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert uses and all(len(u.split("@")[1].split()[0]) == 40 for u in uses), "actions pinned by full commit hash"
    assert any(u.startswith("aws-actions/configure-aws-credentials@") for u in uses)
    assert any(u.startswith("azure/login@") for u in uses)
    run = next(s["run"] for s in job["steps"] if "hybrid audit" in s.get("run", ""))
    assert '--target "${TARGET}" --format sarif --output "results/${STACK}-${TARGET}.sarif"' in run
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "results/${{ matrix.stack }}-${{ matrix.target }}.sarif"
    steps = [s.get("uses", "") + s.get("run", "") for s in job["steps"]]
    assert steps.index(upload["uses"]) < len(steps) - 1, "findings fail the job only after the upload"
