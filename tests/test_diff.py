"""`hybrid diff` on prebuilt plan pairs: each kind of change, loud warnings, policy delta, size limit, secrets."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scripts import environments
from scripts.checker.report import verdicts_json
from scripts.checker.run import check_document
from scripts.diff.compare import CREATE, DELETE, REPLACE, UPDATE, compare
from scripts.diff.findings import delta, findings_of
from scripts.diff.markdown import COMMENT_LIMIT, GITHUB_LIMIT, MARKER, render, size
from scripts.diff.replacements import create_only
from scripts.diff.report import EnvReport, report_json
from scripts.diff.run import HeadPlan, env_report
from tests.conftest import ROOT

STACK = "urn:pulumi:prod::hybrid::"
PROVIDER = f"{STACK}pulumi:providers:aws::aws-eu-central-1"
ENVELOPE = "4dabf18193072939515e22adb298388d"
SIG = "1b47061264138c4ac30d75fd1eb44270"


def resource(name: str, type_: str, inputs: dict[str, Any], protect: bool = False,
             parent_type: str = "hybrid:messaging:Broker") -> dict[str, Any]:
    return {"urn": f"{STACK}{parent_type}${type_}::{name}", "custom": True, "id": f"id-{name}-0000", "type": type_,
            "inputs": inputs, "provider": f"{PROVIDER}::p1", "protect": protect, "dependencies": []}


def provider(region: str = "eu-central-1") -> dict[str, Any]:
    return {"urn": PROVIDER, "custom": True, "id": "p1", "type": "pulumi:providers:aws",
            "inputs": {"region": region}, "protect": False, "dependencies": []}


def export(*resources: dict[str, Any]) -> dict[str, Any]:
    root = {"urn": f"{STACK}pulumi:pulumi:Stack::hybrid-prod", "custom": False, "type": "pulumi:pulumi:Stack"}
    return {"version": 3, "deployment": {"manifest": {}, "resources": [root, *resources]}}


def queue(urn_name: str = "orders-euc1-billing", protect: bool = True, **inputs: Any) -> dict[str, Any]:
    props = {"name": f"prod-{urn_name}", "visibilityTimeoutSeconds": 30, "kmsMasterKeyId": "alias/k",
             "tags": {"owner": "orders"}}
    props.update(inputs)
    return resource(urn_name, "aws:sqs/queue:Queue", props, protect)


def kinds(diff) -> dict[str, list[str]]:
    return {k: [c.name for c in diff.of_kind(k)] for k in (CREATE, UPDATE, REPLACE, DELETE)}


def test_identical_plans_have_no_changes():
    base = export(provider(), queue())
    result = compare(base, copy.deepcopy(base))
    assert result.empty and result.unchanged == 3  # the root stack counts, as in the plan
    assert "No changes." in render([EnvReport("prod", result)], "t")


def test_create_update_delete():
    base = export(provider(), queue("a"), queue("gone", protect=False))
    head = export(provider(), queue("a", visibilityTimeoutSeconds=60, tags={"owner": "billing"}), queue("new"))
    result = compare(base, head)
    assert kinds(result) == {CREATE: ["new"], UPDATE: ["a"], REPLACE: [], DELETE: ["gone"]}
    update = result.of_kind(UPDATE)[0]
    assert [(p.path, p.old, p.new, p.replaces) for p in update.properties] == [
        ("tags.owner", "orders", "billing", False), ("visibilityTimeoutSeconds", 30, 60, False)]
    markdown = render([EnvReport("prod", result)], "t")
    assert "<code>visibilityTimeoutSeconds</code> | <code>30</code> | <code>60</code>" in markdown
    assert "**gone**" in markdown.split("[!CAUTION]")[1].split("###")[0], "deleting a queue is a loud warning"


def test_create_only_change_replaces_a_stateful_resource_loudly():
    base = export(provider(), queue("billing"))
    head = export(provider(), queue("billing", name="prod-billing-renamed"))
    result = compare(base, head)
    assert kinds(result)[REPLACE] == ["billing"]
    change = result.changes[0]
    assert change.destructive and change.protected and change.stateful
    markdown = render([EnvReport("prod", result)], "t")
    caution = markdown.index("[!CAUTION]")
    assert caution < markdown.index("### prod"), "warnings come before details"
    assert "replace protected stateful" in markdown and "create-only <code>name</code>" in markdown


def test_a_replaced_provider_replaces_its_resources():
    result = compare(export(provider(), queue("q")), export(provider("eu-west-1"), queue("q")))
    assert sorted(kinds(result)[REPLACE]) == ["aws-eu-central-1", "q"]
    assert next(c for c in result.changes if c.name == "q").reasons == ("its provider is replaced",)


def test_policy_findings_introduced_and_fixed_with_the_real_rules():
    spec = environments.load(ROOT, "prod").spec
    protected, unprotected = export(provider(), queue("q", protect=True)), export(provider(), queue("q", protect=False))

    def findings(document):
        return findings_of(verdicts_json(check_document(document, spec)))

    broken = delta(findings(protected), findings(unprotected))
    assert [f.rule for f in broken.introduced] == ["protect-stateful-resources"] and broken.blocking
    fixed = delta(findings(unprotected), findings(protected))
    assert [f.rule for f in fixed.fixed] == ["protect-stateful-resources"] and not fixed.blocking
    report = env_report("prod", unprotected, verdicts_json(check_document(unprotected, spec)),
                        HeadPlan(protected, verdicts_json(check_document(protected, spec))))
    markdown = render([report], "t")
    assert "Policy findings this change fixes" in markdown and "✅ 1 fixed" in markdown
    assert report_json(report)["policy"]["fixed"][0]["rule"] == "protect-stateful-resources"


def test_secrets_are_never_compared_or_shown():
    def secret(text: str) -> dict[str, str]:
        return {ENVELOPE: SIG, "plaintext": json.dumps(text), "ciphertext": f"v1:{text}-cipher"}

    base = export(provider(), resource("k", "pulumi:providers:kubernetes", {"kubeconfig": secret("hunter2-old"),
                                                                            "token": "plain-then-secret"}))
    head = export(provider(), resource("k", "pulumi:providers:kubernetes", {"kubeconfig": secret("hunter2-new"),
                                                                            "token": secret("hunter2-token")}))
    result = compare(base, head)
    report = EnvReport("prod", result)
    text = render([report], "t") + json.dumps(report_json(report))
    for leaked in ("hunter2", "plain-then-secret", "cipher"):
        assert leaked not in text
    assert [p.path for p in result.changes[0].properties] == ["token"]
    assert "[secret]" in text


def test_comment_stays_under_githubs_limit_and_keeps_the_summary():
    base = export(provider(), *[queue(f"q{i}", policy="x" * 300) for i in range(3000)])
    head = export(provider(), *[queue(f"q{i}", visibilityTimeoutSeconds=99, policy="y" * 300, name=f"n{i}")
                                for i in range(3000)])
    reports = [EnvReport("prod", compare(base, head), topology="catalog/prod/topology.md"),
               EnvReport("dev", compare(base, base))]
    markdown = render(reports, "t")
    assert size(markdown) <= COMMENT_LIMIT < GITHUB_LIMIT, "the whole body, marker included, as GitHub counts it"
    assert markdown.startswith(MARKER) and markdown.count(MARKER) == 1
    assert "| **prod** | 0 | 3000 | 0 | 0 | 2 |" in markdown and "| dev | 0 | 0 | 0 | 0 | 3002 |" in markdown
    assert "[diagram](catalog/prod/topology.md)" in markdown
    assert "truncated" in markdown and "… and 2950 more" in markdown
    assert 20 < markdown.count("<code>prod-q") < 3000, "details are shown up to the limit, then cut"
    assert markdown.count("<details>") == markdown.count("</details>")


def test_every_planned_type_has_a_replacement_entry(plans):
    missing = sorted({r["type"] for plan in plans.values() for r in plan.export["deployment"]["resources"]
                      if r["custom"] and create_only(r["type"]) is None})
    assert not missing, f"add these types to scripts/diff/replacements.py: {missing}"


def test_a_changed_secret_shows_as_changed_by_keyed_digest_never_by_value():
    from scripts.diff.values import keyed_digest, secret_leaves

    key = b"k" * 32
    raw_old = {"content": {ENVELOPE: SIG, "value": '{"kill_switch": false}'}, "name": "flags"}
    raw_new = {"content": {ENVELOPE: SIG, "value": '{"kill_switch": true}'}, "name": "flags"}
    type_ = "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion"

    def digests(raw):
        return {"urn:x": {path: keyed_digest(key, value) for path, value in secret_leaves(raw)}}

    redacted = {"content": {ENVELOPE: SIG, "ciphertext": "[redacted]"}, "name": "flags"}
    base, head = export(resource("f", type_, redacted)), export(resource("f", type_, redacted))
    urn = base["deployment"]["resources"][1]["urn"]
    old, new = ({urn: d["urn:x"]} for d in (digests(raw_old), digests(raw_new)))
    result = compare(base, head, digests=(old, new))
    [change] = result.changes
    # a hosted configuration version is immutable: new content is a new version
    assert change.kind == REPLACE and [(p.path, p.secret) for p in change.properties] == [("content", True)]
    report = EnvReport("dev", result)
    text = render([report], "t") + json.dumps(report_json(report))
    assert "changed (secret)" in text and "kill_switch" not in text and old[urn]["content"] not in text
    assert compare(base, head, digests=(old, old)).empty, "same value, same digest: unchanged"
    assert compare(base, head).empty and compare(base, head).not_comparable, "no digests: said, not guessed"
    assert keyed_digest(b"other" * 8, '{"kill_switch": true}') != new[urn]["content"], "digests are per run key"


def test_digests_stay_beside_the_plan_never_in_it(plans):
    from scripts.planner.export import dumps
    from scripts.planner.run import plan_environment

    keyed = plan_environment(ROOT, "dev", digest_key=b"\x01" * 32)
    assert dumps(keyed.export) == dumps(plans["dev"].export), "the plan file stays byte-for-byte the same"
    digests = [d for paths in keyed.secret_digests.values() for d in paths.values()]
    assert digests and not any(d in dumps(keyed.export) for d in digests)
    assert not plans["dev"].secret_digests
