"""The drill against moto's server (the local target's stand-in), a killed run repaired, and the CLI's safety."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from components.spec.failover import FailoverSpec
from scripts.drill.clients import Clients
from scripts.drill.inventory import read_inventory
from scripts.drill.local import LOCAL_CREDENTIALS, moto_server
from scripts.drill.runner import Drill, DrillConfig
from scripts.drill.seed import seed
from scripts.drill.synthetic import synthetic_export
from scripts.drill.traffic import Polling

from .test_cli_conventions import camel_keys

ROOT = Path(__file__).resolve().parent.parent
PRIMARY, SECONDARY = "eu-west-1", "eu-central-1"

KILLED_RUN = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from components.spec.failover import FailoverSpec
    from scripts.drill.clients import Clients
    from scripts.drill.inventory import read_inventory
    from scripts.drill.runner import Drill, DrillConfig
    from scripts.drill.synthetic import synthetic_export
    from scripts.drill.traffic import Polling

    endpoint, state = sys.argv[1], Path(sys.argv[2])
    inventory = read_inventory(synthetic_export(), "eu-west-1", "eu-central-1", promote=["token"])
    config = DrillConfig(env="synthetic", target="test", inventory=inventory,
                         failover=FailoverSpec(rto_seconds=120, synthetic_messages=20, poison_messages=1),
                         secondary_nodes=["eks-b"], polling=Polling(0, 1, 30))

    def observer(event, record):
        if event == "end" and record.name == "secret promotion":
            os.kill(os.getpid(), signal.SIGKILL)  # no failback, no cleanup: as if the machine died

    Drill(config, Clients(endpoint, ("drill-local", "drill-local")), state, observer).run()
""")


@pytest.mark.slow  # kills a drill process and runs another
def test_killed_drill_is_repaired_by_the_next_run(tmp_path):
    inventory = read_inventory(synthetic_export(), PRIMARY, SECONDARY, promote=["token"])
    state = tmp_path / "state.json"
    with moto_server() as endpoint:
        clients = Clients(endpoint, LOCAL_CREDENTIALS)
        seed(clients, inventory)
        script = tmp_path / "killed.py"
        script.write_text(KILLED_RUN)
        done = subprocess.run([sys.executable, str(script), endpoint, str(state)], cwd=ROOT, capture_output=True,
                              text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
        assert done.returncode == -9, done.stderr[-2000:]
        assert '"phase": "failed-over"' in state.read_text()
        route53 = clients("route53", "global")
        assert any(c["HealthCheckConfig"].get("Inverted") for c in route53.list_health_checks()["HealthChecks"])

        config = DrillConfig(env="synthetic", target="test", inventory=inventory,
                             failover=FailoverSpec(rto_seconds=120, synthetic_messages=20, poison_messages=1),
                             secondary_nodes=["eks-b"], polling=Polling(0, 1, 30))
        result = Drill(config, clients, state).run()
        assert result.passed, result.reasons
        assert result.steps[0].name == "repair" and result.steps[0].outcome == "ok"
        assert "4 drill-only queue(s) and their messages removed" in result.steps[0].detail
        for region in (PRIMARY, SECONDARY):
            left = [u for u in clients("sqs", region).list_queues().get("QueueUrls", []) if "-drill-" in u]
            assert not left, f"drill-only queues left in {region}: {left}"
        assert not state.exists()
        assert not any(c["HealthCheckConfig"].get("Inverted") for c in route53.list_health_checks()["HealthChecks"])
        status = clients("secretsmanager", PRIMARY).describe_secret(SecretId="drill/token")["ReplicationStatus"]
        assert [(s["Region"], s["Status"]) for s in status] == [(SECONDARY, "InSync")]


@pytest.fixture
def staging_plan(plans, monkeypatch):
    import scripts.planner.run as run

    monkeypatch.setattr(run, "plan_environment", lambda root, env, *a, **k: plans[env])
    return plans["staging"]


def test_dry_run_against_aws_without_credentials_explains_and_calls_nothing(staging_plan, monkeypatch, tmp_path):
    import boto3.session

    from scripts.cli import app

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setattr(boto3.session.Session, "client", lambda *a, **k: pytest.fail("a dry run made a client"))
    result = CliRunner().invoke(app, ["drill", "prod", "--target", "aws", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "no call made" in result.output
    assert "none found" in result.output and "--execute" in result.output
    assert not (ROOT / "reports" / ".drill-prod-aws.state.json").exists()


def test_environment_without_failover_section_is_bad_input(staging_plan):
    from scripts.cli import app

    result = CliRunner().invoke(app, ["drill", "dev", "--root", str(ROOT)])
    assert result.exit_code == 2
    assert "failover" in result.output


@pytest.mark.slow  # a whole drill against the local stand-in server
def test_local_drill_of_staging_passes(staging_plan, tmp_path, monkeypatch):
    """The shipped staging environment, end to end through the CLI on the local target (reports in tmp)."""
    import shutil

    from scripts.cli import app

    project = tmp_path / "project"
    project.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("environments", "stacks", "apis", "schemas", "functions"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, project / folder)
    result = CliRunner().invoke(app, ["drill", "staging", "--json", "--root", str(project)])
    assert result.exit_code == 0, result.output[-3000:]
    assert camel_keys(json.loads(result.stdout)) == [], "one key style in every --json report"
    reports = list((project / "reports").glob("drill-staging-*.md"))
    assert reports and "**emulated**" in reports[0].read_text() and "Verdict: PASS" in reports[0].read_text()
    # The JSON report beside it has the same shape and key style as --json (without the pointer to itself).
    [written] = (project / "reports").glob("drill-staging-*.json")
    stdout = json.loads(result.stdout)
    assert json.loads(written.read_text()) == {k: v for k, v in stdout.items() if k != "report"}
    assert "version" in stdout and "notRun" in stdout and "not_run" not in written.read_text()
