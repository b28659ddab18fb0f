"""`hybrid diff` shows contract findings a change introduces or fixes, beside the policy ones."""

from __future__ import annotations

from scripts.contracts.enforcement import CONTRACT_ENFORCEMENT
from scripts.diff.compare import compare
from scripts.diff.findings import Finding, contract_findings_of, delta
from scripts.diff.report import report_json
from scripts.diff.run import HeadPlan, env_report

FOUND = {"urn": "urn:pulumi:prod::hybrid::aws:sqs/queuePolicy:QueuePolicy::p", "check": "missing-dependency",
         "message": "queueUrl refers to Queue 'q' ..."}
EXPORT = {"version": 3, "deployment": {"resources": []}}


def test_a_new_contract_finding_is_introduced_and_a_gone_one_fixed():
    introduced = env_report("prod", EXPORT, [], HeadPlan(EXPORT, [], [FOUND]), base_contracts=[])
    assert introduced.findings.introduced == (
        Finding("contract:missing-dependency", FOUND["urn"], FOUND["message"], CONTRACT_ENFORCEMENT),)
    assert report_json(introduced)["policy"]["introduced"][0]["rule"] == "contract:missing-dependency"
    fixed = env_report("prod", EXPORT, [], HeadPlan(EXPORT, [], []), base_contracts=[FOUND])
    assert [f.rule for f in fixed.findings.fixed] == ["contract:missing-dependency"]
    unchanged = env_report("prod", EXPORT, [], HeadPlan(EXPORT, [], [FOUND]), base_contracts=[FOUND])
    assert unchanged.findings.introduced == () and unchanged.findings.remaining == 1


def test_advisory_contract_findings_do_not_block_a_change():
    change = delta(set(), contract_findings_of([FOUND], "advisory"))
    assert change.introduced and not change.blocking
    assert delta(set(), contract_findings_of([FOUND], "mandatory")).blocking
    assert compare(EXPORT, EXPORT).empty
