"""A known plaintext injected through the config path reaches its consumer marked secret, and nothing else."""

from __future__ import annotations

import io
import json
import logging

import pytest
from rich.console import Console

from components.spec import load_environment
from scripts.checker.report import print_verdicts, verdicts_json
from scripts.checker.run import check_document
from scripts.planner.export import SECRET_ENVELOPE, dumps
from scripts.planner.run import plan_environment
from scripts.planner.summary import plan_tree
from scripts.policy_config import environment_facts

from .conftest import ROOT, by_type

PLAINTEXT = "apiVersion: v1\nusers: [{name: admin, user: {token: s3cr3t-KUBE-t0ken-7f9a}}]"


@pytest.mark.slow  # plans a whole environment with injected config
def test_injected_kubeconfig_stays_secret_end_to_end(caplog):
    caplog.set_level(logging.DEBUG)
    plan = plan_environment(ROOT, "prod", secret_values={"kubeconfig": PLAINTEXT})
    providers = by_type(plan, "pulumi:providers:kubernetes")
    assert len(providers) == 4
    assert all(p["inputs"]["kubeconfig"] == SECRET_ENVELOPE for p in providers)

    written = dumps(plan.export)
    spec = load_environment(ROOT / "environments" / "prod.yaml")
    verdicts = check_document(plan.export, spec)
    buffer = io.StringIO()
    console = Console(file=buffer, width=200)
    console.print(plan_tree(plan.export, environment_facts(spec)))
    print_verdicts(console, verdicts)
    for artefact in (written, buffer.getvalue(), json.dumps(verdicts_json(verdicts)), caplog.text):
        assert "s3cr3t-KUBE-t0ken-7f9a" not in artefact
        assert "apiVersion: v1" not in artefact


def test_the_placeholder_is_used_when_no_value_is_injected(plans):
    assert all(p["inputs"]["kubeconfig"] == SECRET_ENVELOPE for p in by_type(plans["dev"], "pulumi:providers:kubernetes"))
    assert "placeholder-for-secret" not in dumps(plans["dev"].export)
