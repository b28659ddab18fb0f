"""`hybrid drift` against a hand-written stack export (tests/data/drift)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scripts.diff.compare import CREATE, DELETE, REPLACE, UPDATE, compare
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "drift"


def load(name: str):
    return json.loads((DATA / name).read_text())


def test_drift_reports_missing_extra_and_different_only():
    result = compare(load("prod-export.json"), load("prod-plan.json"), drift=True)
    by_kind = {k: sorted(c.name for c in result.of_kind(k)) for k in (CREATE, UPDATE, REPLACE, DELETE)}
    assert by_kind == {CREATE: ["orders-q-dlq"], UPDATE: ["orders-q", "orders-sg"], REPLACE: [],
                       DELETE: ["orders-legacy"]}
    queue = next(c for c in result.changes if c.name == "orders-q")
    # the key reference differs only by mock vs real id; defaults the provider added are not the plan's
    assert [(p.path, p.old, p.new) for p in queue.properties] == [("visibilityTimeoutSeconds", 30, 120)]
    sg = next(c for c in result.changes if c.name == "orders-sg")
    assert sorted({p.path.split(".")[0] for p in sg.properties}) == ["ingress[1]"]
    assert result.unchanged == 4  # root stack, provider, key, secret version (ciphertexts differ, never compared)
    assert [path for _, path in result.not_comparable] == ["secretString"], "the secret is said to be not comparable"


@pytest.mark.slow  # runs the command end to end
def test_drift_command_markdown_and_json():
    command = [sys.executable, "-m", "scripts.cli_main", "drift", "prod", "--export", str(DATA / "prod-export.json"),
               "--plan", str(DATA / "prod-plan.json")]
    markdown = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert markdown.returncode == 1, markdown.stderr
    assert "| Extra | Differs (replace) | Differs | Missing |" in markdown.stdout
    assert "Deployed | Planned" in markdown.stdout
    assert "realciphertext" not in markdown.stdout
    data = json.loads(subprocess.run(command + ["--json"], cwd=ROOT, capture_output=True, text=True).stdout)
    assert data["counts"] == {"extra": 1, "differs (replace)": 0, "differs": 2, "missing": 1}
    assert "realciphertext" not in json.dumps(data)
    assert markdown.stdout.startswith("<!-- hybrid-drift -->") and "<!-- hybrid-diff -->" not in markdown.stdout
    assert "not comparable" in markdown.stdout and data["notComparable"]


def test_a_drift_free_stack_says_no_drift_not_no_changes():
    from scripts.commands.drift import NO_DRIFT
    from scripts.diff.markdown import DRIFT_MARKER, render
    from scripts.diff.report import DRIFT_LABELS, EnvReport

    export = load("prod-export.json")
    text = render([EnvReport("prod", compare(export, export, drift=True))], "t", DRIFT_LABELS,
                  marker=DRIFT_MARKER, nothing=NO_DRIFT)
    assert NO_DRIFT in text and "No changes" not in text and text.count("<!-- hybrid") == 1
