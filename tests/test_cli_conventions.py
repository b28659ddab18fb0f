"""What a command-line user expects of every verb: a version, completion, choices in help, findings on stdout and
diagnostics on stderr, one camelCase JSON style with a `version`, and no cut lines when piped."""

from __future__ import annotations

import json
import re
import subprocess
import sys

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


def test_json_reports_carry_a_version_and_camel_case_keys(project_copy, tmp_path, plans):
    (tmp_path / "dev.json").write_text(json.dumps(plans["dev"].export))
    for args in (["validate", "--json"], ["window", "dev", "--json", "--at", "2026-06-02T10:00+02:00"],
                 ["check", str(tmp_path / "dev.json"), "--json"],
                 ["drift", "dev", "--export", str(tmp_path / "dev.json"), "--plan", str(tmp_path / "dev.json"),
                  "--json"],
                 ["catalog", "dev", "--json", "--out", str(tmp_path / "catalog")]):
        result = runner.invoke(app, [*args, "--root", str(project_copy)])
        assert result.exit_code in (0, 1), (args, result.output)
        report = json.loads(result.stdout)
        assert report["version"] == 1, args
        assert camel_keys(report) == [], args


def test_piped_output_is_not_cut_at_80_columns(tmp_path):
    long_name = "x" * 150
    (tmp_path / f"{long_name}.json").write_text("{")
    done = subprocess.run([sys.executable, "-m", "scripts.cli_main", "check", str(tmp_path / f"{long_name}.json")],
                          cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert done.returncode == 2
    line = next(line for line in done.stderr.splitlines() if "error:" in line)
    assert long_name in line and "\x1b[" not in done.stderr
