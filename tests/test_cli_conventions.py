"""What a command-line user expects of every verb: a version, completion, choices in help, findings on stdout and
diagnostics on stderr, one camelCase JSON style with a `version`, and no cut lines when piped."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from scripts.cli import app, version

from .conftest import ROOT

runner = CliRunner()


def test_version_completion_and_choices_in_help():
    shown = runner.invoke(app, ["--version"])
    assert shown.exit_code == 0 and shown.stdout.strip() == f"hybrid {version()}"
    assert "--install-completion" in runner.invoke(app, ["--help"]).stdout
    assert "local|aws" in runner.invoke(app, ["drill", "--help"]).stdout
    refused = runner.invoke(app, ["drill", "dev", "--target", "gcp"])
    assert refused.exit_code == 2


def test_findings_on_stdout_diagnostics_on_stderr(project_copy):
    broken = project_copy / "environments" / "staging.yaml"
    broken.write_text(broken.read_text().replace("tier: staging", "tier: nope"))
    result = runner.invoke(app, ["validate", "--root", str(project_copy)])
    assert result.exit_code == 2
    assert "✓ dev is valid" in result.stdout and "staging" not in result.stdout
    assert "✗ staging: 1 problem" in result.stderr and "problem(s)" not in result.stderr


def camel_keys(value, where="") -> list[str]:
    """Keys that are not camelCase (data keys such as environment names or resource types excepted)."""
    bad = []
    if isinstance(value, dict):
        for key, item in value.items():
            if "_" in key and re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", key):
                bad.append(f"{where}.{key}")
            bad += camel_keys(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            bad += camel_keys(item, f"{where}[{i}]")
    return bad


JSON_RUNS = {
    "validate": [["validate", "--json"]],
    "plan": [["plan", "dev", "--json", "--out", "{tmp}/planned.json"]],
    "check": [["check", "{tmp}/dev.json", "--json"]],
    "drift": [["drift", "dev", "--export", "{tmp}/dev.json", "--plan", "{tmp}/dev.json", "--json"]],
    "catalog": [["catalog", "dev", "--json", "--out", "{tmp}/catalog"]],
    "window": [["window", "dev", "--json", "--at", "2026-06-02T10:00+02:00"]],
    "prerequisites": [["prerequisites", "staging", "--json"]],
    "drill": [["drill", "staging", "--target", "aws", "--json"]],  # the dry run; the local run: test_drill_server
    "audit": [["audit", "dev", "--target", "local", "--plan", "{tmp}/dev.json", "--json"]],
    "schemas check": [["schemas", "check", "--base", "HEAD", "--json", "--root", str(ROOT)]],
    "workflows": [["workflows", "--check", "--json", "--root", str(ROOT)]],
}
"""Every verb with --json, run here; `hybrid diff --json` is walked by tests/test_diff_e2e.py (it needs a git
repository of its own), `hybrid drill` on the local target by tests/test_drill_server.py and `hybrid env new`
by tests/test_environment_discovery.py (it needs the workflows and catalog in its copy)."""
ELSEWHERE = {"diff", "env new"}


def json_verbs(group=None, prefix="") -> set[str]:
    """Every verb of the command line that takes --json (sub-verbs as `schemas check`)."""
    import typer.main

    command = group or typer.main.get_command(app)
    found = set()
    for name, sub in command.commands.items():
        if hasattr(sub, "commands"):
            found |= json_verbs(sub, f"{prefix}{name} ")
        elif any("--json" in option.opts for option in sub.params if hasattr(option, "opts")):
            found.add(prefix + name)
    return found


@pytest.mark.slow  # every verb run end to end
def test_json_reports_carry_a_version_and_camel_case_keys(project_copy, tmp_path, plans):
    assert json_verbs() == set(JSON_RUNS) | ELSEWHERE, "a verb with --json must be walked here (or say where)"
    (tmp_path / "dev.json").write_text(json.dumps(plans["dev"].export))
    for verb, runs in JSON_RUNS.items():
        for args in runs:
            args = [a.replace("{tmp}", str(tmp_path)) for a in args]
            extra = [] if "--root" in args else ["--root", str(project_copy)]
            result = runner.invoke(app, [*args, *extra])
            assert result.exit_code in (0, 1), (args, result.output)
            report = json.loads(result.stdout)
            assert report["version"] == 1, args
            assert camel_keys(report) == [], args


def test_report_keys_follow_one_convention():
    from scripts.console import camel, json_report, verbatim

    assert camel("not_run") == "notRun" and camel("lost_sequence_numbers") == "lostSequenceNumbers"
    assert camel("notRun") == "notRun" and camel("aws:sqs/queue:Queue") == "aws:sqs/queue:Queue"
    shaped = json.loads(json_report({"dry_run": True, "steps": [{"started_seconds": 1}],
                                     "inputs": verbatim({"cost_center": "x"})}))
    assert shaped == {"version": 1, "dryRun": True, "steps": [{"startedSeconds": 1}], "inputs": {"cost_center": "x"}}


def test_piped_output_is_not_cut_at_80_columns(tmp_path):
    long_name = "x" * 150
    (tmp_path / f"{long_name}.json").write_text("{")
    done = subprocess.run([sys.executable, "-m", "scripts.cli_main", "check", str(tmp_path / f"{long_name}.json")],
                          cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode == 2
    line = next(line for line in done.stderr.splitlines() if "error:" in line)
    assert long_name in line and "\x1b[" not in done.stderr
