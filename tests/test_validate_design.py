"""`hybrid validate` with design warnings: the --json shape, exit codes, and warnings after errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from scripts.cli import app

from .conftest import SHIPPED, load_spec_data, write_env
from .integration_fixtures import spec_data, sync_chain

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_the_shipped_environments_validate_without_errors(project_copy):
    result = run("validate", "--json", "--root", str(project_copy))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["errors"] == [] and sorted(report["problems"]) == sorted(SHIPPED)


def test_warnings_alone_exit_0_and_carry_check_path_message_and_values(project_copy):
    write_env(project_copy, "dev", spec_data("dev", lambda d: sync_chain(d, orders=99.99, inventory=99.95,
                                                                   requires={"latency_p99_ms": 250})))
    result = run("validate", "dev", "--json", "--root", str(project_copy))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["errors"] == [] and report["problems"] == {"dev": []}
    [warning] = report["warnings"]
    assert set(warning) == {"environment", "file", "check", "path", "message", "values"}
    assert warning["environment"] == "dev" and warning["file"].endswith("environments/dev.yaml")
    assert warning["check"] == "sync-chain-latency" and warning["path"] == "observability.integrations[1]"
    assert warning["values"]["budgetMs"] == 250 and warning["values"]["boundMs"] == 270


def test_errors_exit_2_as_objects_beside_the_problem_strings(project_copy):
    write_env(project_copy, "dev", spec_data("dev", lambda d: d["observability"]["integrations"][0].update(
        pattern="sync")))
    result = run("validate", "dev", "--json", "--root", str(project_copy))
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["warnings"] == []
    paths = {e["path"] for e in report["errors"]}
    assert {"observability.integrations[0].api", "observability.integrations[0].broker"} <= paths
    first = report["errors"][0]
    assert set(first) == {"environment", "file", "path", "message", "line", "column"} and first["line"] > 0
    assert [str(p) for p in report["problems"]["dev"]] == [
        f"{e['file']}: {e['path']}: {e['message']} (line {e['line']}, column {e['column']})" for e in report["errors"]]


def test_human_output_lists_warnings_after_errors(project_copy):
    broken = load_spec_data("staging")
    broken["observability"]["integrations"][0]["producer"] = "order-managment"
    write_env(project_copy, "staging", broken)
    result = run("validate", "--root", str(project_copy))
    assert result.exit_code == 2
    assert "✓ prod is valid (1 warning)" in result.stdout
    errors = result.stderr.index("observability.integrations[0].producer: unknown context 'order-managment'")
    warning = result.stderr.index("warning:")
    assert errors < warning and "[boundary-format]" in result.stderr[warning:]


def test_the_readme_explains_every_warning_and_its_example_parses():
    import re

    import yaml

    from components.spec.gateway import ApiObjectives
    from components.spec.observability import Integration
    from scripts.design import CHECKS

    from .conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Design warnings from `hybrid validate`"):]
    section = section[:section.index("\n## ", 1)]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.M))
    assert documented == {__import__(c.__module__, fromlist=["CHECK"]).CHECK for c in CHECKS}
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    item = Integration.model_validate(example["observability"]["integrations"][0])
    assert item.pattern == "sync" and item.required_availability() == 99.9
    assert ApiObjectives.model_validate(example["gateways"]["apis"][0]["slo"]).latency_p99_ms == 120
