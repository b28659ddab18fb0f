"""Environments are discovered from environments/*.yaml, never listed by hand: the Makefile's `make plan`, the
generated workflows (deploy order from each spec's deployment.after), the catalog, and `hybrid env new`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from components.spec import SpecError
from scripts import environments, workflows
from scripts.cli import app
from tests.conftest import ROOT, SHIPPED, load_spec_data, write_env
from tests.test_catalog_committed import outdated
from tests.test_cli_conventions import camel_keys

runner = CliRunner()
NEW = next(name for name in ("qa", *(f"qa{n}" for n in range(2, 100))) if name not in SHIPPED)
"""A name no environment of the project has (so the tests also pass with an environment named qa added)."""


def test_make_plan_covers_every_environment_file(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "environments").mkdir()
    for name in ("dev", "qa", "staging"):
        (tmp_path / "environments" / f"{name}.yaml").write_text("name: x\n")
    (tmp_path / "environments" / "environment.schema.json").write_text("{}")
    assert make_envs(tmp_path) == ["dev", "qa", "staging"]
    assert make_envs(ROOT) == sorted(p.stem for p in (ROOT / "environments").glob("*.yaml"))


def make_envs(root: Path) -> list[str]:
    return subprocess.run(["make", "-s", "envs"], cwd=root, capture_output=True, text=True, check=True).stdout.split()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of everything `hybrid env new` reads and writes: specs, stacks, APIs, workflows, catalog, Makefile."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("Pulumi.yaml", "Makefile"):
        shutil.copy(ROOT / name, target / name)
    for folder in ("environments", "stacks", "apis", "schemas", "functions", "catalog", ".github"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, target / folder)
    (target / "policies" / "config").mkdir(parents=True)
    return target


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def with_after(env: str, after: str | None):
    spec = environments.load(ROOT, env).spec
    return spec.model_copy(update={"deployment": spec.deployment.model_copy(update={"after": after})})


def test_deploy_order_follows_deployment_after_ties_by_name():
    specs = {"prod": with_after("prod", "staging"), "staging": with_after("staging", "dev"),
             "dev": with_after("dev", None), "qa": with_after("staging", "dev"), "perf": with_after("dev", None)}
    assert environments.deploy_order(specs) == ["dev", "perf", "qa", "staging", "prod"]


@pytest.mark.parametrize("chain,cycle", [({"dev": "prod"}, "dev after prod after staging after dev"),
                                         ({"staging": "staging"}, None)])
def test_a_cycle_or_an_unknown_environment_in_deployment_after_is_a_spec_error_exit_2(project, chain, cycle):
    for env, after in chain.items():
        data = load_spec_data(env)
        data["deployment"]["after"] = after
        write_env(project, env, data)
    done = runner.invoke(app, ["workflows", "--root", str(project)])
    assert done.exit_code == 2 and "Traceback" not in done.output, done.output
    if cycle:
        assert f"deployment.after: deployment order has a cycle: {cycle}" in done.output
        for named in ([], environments.known_environments(project)):  # `make plan` names every one
            everything = runner.invoke(app, ["validate", *named, "--root", str(project)])
            assert everything.exit_code == 2 and cycle in everything.output, everything.output
    else:
        assert "staging cannot deploy after itself" in done.output
    data = load_spec_data("prod")
    data["deployment"]["after"] = "stagin"
    write_env(project, "prod", data)
    one = runner.invoke(app, ["validate", "prod", "--root", str(project)])
    assert one.exit_code == 2 and "prod.yaml: deployment.after: no environment named 'stagin'" in one.output
    with pytest.raises(SpecError, match="no environment named 'nowhere'"):
        environments.deploy_order({"prod": with_after("prod", "nowhere")})


def test_env_new_adds_an_environment_everywhere_the_list_is_used(project):
    done = runner.invoke(app, ["env", "new", NEW, "--from", "staging", "--json", "--root", str(project)])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["version"] == 1 and camel_keys(report) == []
    assert report["created"] == [f"environments/{NEW}.yaml", f"stacks/Pulumi.{NEW}.yaml", f"stacks/esc/{NEW}.yaml",
                                 f"catalog/{NEW}/catalog-info.yaml", f"catalog/{NEW}/topology.md"]
    assert report["regenerated"] == [".github/workflows/deploy.yml", ".github/workflows/pull-request.yml",
                                     ".github/workflows/security-audit.yml"]
    # `make plan` plans it, the workflows deploy and preview it, the catalog describes it, all of it fresh
    assert NEW in make_envs(project)
    deploy = yaml.safe_load((project / workflows.DEPLOY).read_text())["jobs"]
    staging = environments.load(ROOT, "staging").spec
    assert deploy[NEW]["needs"] == staging.deployment.after and deploy[NEW]["with"]["stack"] == NEW  # beside staging
    assert list(deploy) == environments.deploy_order(workflows.load_all(project))
    pull_request = yaml.safe_load((project / workflows.PULL_REQUEST).read_text())["jobs"]
    for job in ("preview", "code-scanning"):
        assert NEW in pull_request[job]["strategy"]["matrix"]["stack"], job
    audit = yaml.safe_load((project / workflows.SECURITY_AUDIT).read_text())["jobs"]["audit"]
    assert NEW in audit["strategy"]["matrix"]["stack"]
    assert workflows.stale(project) == [] and outdated(project) == []
    assert runner.invoke(app, ["catalog", NEW, "--check", "--root", str(project)]).exit_code == 0
    assert runner.invoke(app, ["validate", "--root", str(project)]).exit_code == 0
    spec = environments.load(project, NEW).spec
    assert spec.name == NEW and spec.tier == staging.tier
    stack = yaml.safe_load((project / "stacks" / f"Pulumi.{NEW}.yaml").read_text())
    assert stack["config"]["hybrid:environment"] == NEW and "encryptedkey" not in stack
    assert f"ci/{NEW}/" in (project / "stacks" / "esc" / f"{NEW}.yaml").read_text()
    schema = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                             "vendor.github-workflows", str(project / workflows.DEPLOY)], capture_output=True, text=True)
    assert schema.returncode == 0, schema.stdout + schema.stderr


@pytest.mark.parametrize("args,message", [
    (["Bad_Name", "--from", "staging"], "expected an environment name"),
    (["../elsewhere", "--from", "staging"], "expected an environment name"),
    (["prod", "--from", "staging"], "already exists"),
    ([NEW, "--from", "nowhere"], "no such environment"),
])
def test_env_new_refuses_bad_input_with_exit_2_and_writes_nothing(project, args, message):
    before = files_of(project)
    done = runner.invoke(app, ["env", "new", *args, "--root", str(project)])
    assert done.exit_code == 2 and message in done.output and "Traceback" not in done.output, done.output
    assert files_of(project) == before


def test_env_new_removes_what_it_created_when_the_workflows_cannot_be_generated(project):
    pull_request = project / workflows.PULL_REQUEST
    pull_request.write_text(pull_request.read_text().replace(workflows.MATRIX_MARKER, "# by hand"))
    before = files_of(project)
    done = runner.invoke(app, ["env", "new", NEW, "--from", "staging", "--root", str(project)])
    assert done.exit_code == 2 and "no stack matrix marked" in done.output, done.output
    assert files_of(project) == before and not (project / "catalog" / NEW).exists()
