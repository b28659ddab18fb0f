"""`hybrid check --format sarif`: a valid SARIF 2.1.0 log, one result per finding, located on the spec and the URN."""

from __future__ import annotations

import copy
import json

import jsonschema
from typer.testing import CliRunner

from policies.rules import ALL_RULES
from scripts.cli import app

from .conftest import ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
runner = CliRunner()
WORLD_SSH = {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"], "description": "ssh"}


def planted(plans, tmp_path):
    """The prod plan with one security group opened to the world on SSH (a real, mandatory finding)."""
    export = copy.deepcopy(plans["prod"].export)
    group = next(r for r in export["deployment"]["resources"] if r["type"] == "aws:ec2/securityGroup:SecurityGroup")
    group["inputs"]["ingress"] = [*group["inputs"].get("ingress", []), WORLD_SSH]
    path = tmp_path / "prod-export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return path, group["urn"]


def sarif(path, out):
    result = runner.invoke(app, ["check", str(path), "--format", "sarif", "--out", str(out), "--root", str(ROOT)],
                           catch_exceptions=False)
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_sarif_log_is_valid_and_locates_each_finding(plans, tmp_path):
    path, urn = planted(plans, tmp_path)
    result, log = sarif(path, tmp_path / "check.sarif")
    assert result.exit_code == 1, result.output  # a mandatory finding still fails the command
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {r.id for r in ALL_RULES}
    ingress = [r for r in run["results"] if r["ruleId"] == "no-open-ingress"]
    assert len(ingress) == 1 and ingress[0]["level"] == "error"
    assert rules[ingress[0]["ruleIndex"]]["id"] == "no-open-ingress"
    location = ingress[0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "environments/prod.yaml"
    assert location["physicalLocation"]["region"]["startLine"] >= 1
    assert location["logicalLocations"][0]["fullyQualifiedName"] == urn
    assert "TCP port 22" in ingress[0]["message"]["text"]


def test_fingerprints_are_stable_across_runs_and_distinct_per_finding(plans, tmp_path):
    path, _ = planted(plans, tmp_path)
    _, first = sarif(path, tmp_path / "a.sarif")
    _, second = sarif(path, tmp_path / "b.sarif")
    prints = [r["partialFingerprints"]["hybridFinding/v1"] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"]["hybridFinding/v1"] for r in second["runs"][0]["results"]]
    assert len(prints) == len(set(prints))


def test_json_format_is_the_json_output_and_text_refuses_out(plans, tmp_path):
    path, _ = planted(plans, tmp_path)
    as_format = runner.invoke(app, ["check", str(path), "--format", "json", "--root", str(ROOT)])
    as_flag = runner.invoke(app, ["check", str(path), "--json", "--root", str(ROOT)])
    assert json.loads(as_format.stdout) == json.loads(as_flag.stdout)
    refused = runner.invoke(app, ["check", str(path), "--out", str(tmp_path / "x"), "--root", str(ROOT)])
    assert refused.exit_code == 2 and not (tmp_path / "x").exists()
    bad = runner.invoke(app, ["check", str(path), "--format", "xml", "--root", str(ROOT)])
    assert bad.exit_code == 2


def test_sarif_on_stdout_is_the_same_log(plans, tmp_path):
    path, _ = planted(plans, tmp_path)
    printed = runner.invoke(app, ["check", str(path), "--format", "sarif", "--root", str(ROOT)])
    _, written = sarif(path, tmp_path / "c.sarif")
    assert json.loads(printed.stdout) == written and written["version"] == "2.1.0"
