"""SARIF 2.1.0 for `hybrid check --format sarif`: code scanning shows each finding on the spec that declares it.

One result per violation (and per contract finding): its physical location is the repository file that
declares the resource (environments/<env>.yaml, on the line that names it where one does), its logical
location the URN, and `partialFingerprints` hash rule, URN and message, so an alert keeps its identity
across runs while it stays unfixed. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable

from policies.rules import ALL_RULES
from policies.rules.concerns import CONCERNS
from policies.rules.evaluate import Verdict
from policies.rules.framework import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "hybrid-integration-policies"
INFORMATION_URI = "https://github.com/pulumi/pulumi-policy"
LEVELS = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
# GitHub orders security alerts by this property (0-10): critical 9+, high 7-8.9, medium 4-6.9, low below.
SECURITY_SEVERITY = {"critical": "9.5", "high": "7.5", "medium": "5.0", "low": "2.0"}
FINGERPRINT = "hybridFinding/v1"


def _rule_descriptor(rule: Rule, level: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": f"{rule.description} Concern: {CONCERNS[rule.concern]}."},
        "help": {"text": rule.remediation, "markdown": f"**Fix:** {rule.remediation}"},
        "defaultConfiguration": {"level": LEVELS.get(level, "warning")},
        "properties": {"tags": ["security", rule.concern], "security-severity": SECURITY_SEVERITY[rule.severity],
                       "problem.severity": "error" if rule.severity in ("critical", "high") else "warning"},
    }


def _contract_descriptor(check: str) -> dict[str, Any]:
    return {"id": f"contract/{check}", "name": "Contract" + "".join(p.capitalize() for p in check.split("-")),
            "shortDescription": {"text": f"Cloud contract check: {check}"},
            "fullDescription": {"text": "What a real cloud or engine would refuse or wire to nothing (docs/contracts.md)."},
            "defaultConfiguration": {"level": "warning"}, "properties": {"tags": ["contract", check]}}


def declaring_line(lines: list[str], urn: str) -> int:
    """The first line of the spec naming the resource (its name, then ever shorter dash-prefixes), else 1."""
    name = urn.rsplit("::", 1)[-1]
    parts = name.split("-")
    for end in range(len(parts), 0, -1):
        token = "-".join(parts[:end])
        if len(token) < 3:
            break
        for number, line in enumerate(lines, 1):
            if token in line and not line.lstrip().startswith("#"):
                return number
    return 1


def _fingerprint(rule_id: str, urn: str, message: str) -> str:
    return hashlib.sha256("\x1f".join((rule_id, urn, message)).encode()).hexdigest()


def _result(rule_id: str, index: int, level: str, urn: str, message: str, uri: str, line: int) -> dict[str, Any]:
    return {
        "ruleId": rule_id, "ruleIndex": index, "level": level,
        "message": {"text": f"{message} ({urn.rsplit('::', 1)[-1]})"},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": line}},
            "logicalLocations": [{"fullyQualifiedName": urn, "name": urn.rsplit("::", 1)[-1], "kind": "resource"}],
        }],
        "partialFingerprints": {FINGERPRINT: _fingerprint(rule_id, urn, message)},
    }


def sarif_log(verdicts: list[Verdict], contracts: Iterable[Any], root: Path, environment: str,
              checked_file: str) -> dict[str, Any]:
    """The SARIF log for one `hybrid check` run; `contracts` are findings with urn, check and message."""
    uri = f"environments/{environment}.yaml"
    spec = root / uri
    lines = spec.read_text(encoding="utf-8").splitlines() if spec.exists() else []
    level_of = {v.rule.id: v.level for v in verdicts}
    descriptors = [_rule_descriptor(rule, level_of.get(rule.id, rule.level_for("production"))) for rule in ALL_RULES]
    contracts = sorted(contracts, key=lambda f: (f.check, f.urn, f.message))
    for check in sorted({f.check for f in contracts}):
        descriptors.append(_contract_descriptor(check))
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    results = []
    for verdict in verdicts:
        if verdict.level == "disabled":
            continue
        for urn, message in sorted(verdict.violations):
            results.append(_result(verdict.rule.id, index[verdict.rule.id], LEVELS[verdict.level], urn, message, uri,
                                   declaring_line(lines, urn)))
    for finding in contracts:
        rule_id = f"contract/{finding.check}"
        results.append(_result(rule_id, index[rule_id], "warning", finding.urn, finding.message, uri,
                               declaring_line(lines, finding.urn)))
    return {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "informationUri": INFORMATION_URI, "rules": descriptors}},
            "automationDetails": {"id": f"hybrid-check/{environment}/"},
            "artifacts": [{"location": {"uri": uri, "uriBaseId": "%SRCROOT%"}}],
            "properties": {"checkedFile": checked_file},
            "results": results,
        }],
    }
