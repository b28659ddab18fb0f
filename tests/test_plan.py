"""The offline plan: stack-export shape, real-engine URNs, snapshot order and byte-for-byte determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from scripts.planner.export import PlanError, to_export
from scripts.planner.recorder import Recording, Registration

from .conftest import ROOT, by_name, by_type, load_spec_data, write_env


def test_plan_has_the_stack_export_shape(plans):
    export = plans["prod"].export
    assert export["version"] == 3
    assert export["deployment"]["manifest"]["time"] == "1970-01-01T00:00:00Z"
    resources = export["deployment"]["resources"]
    assert resources[0]["type"] == "pulumi:pulumi:Stack"
    assert resources[0]["urn"] == "urn:pulumi:prod::hybrid::pulumi:pulumi:Stack::hybrid-prod"
    for r in resources[1:]:
        assert {"urn", "custom", "type", "inputs", "parent", "protect", "dependencies"} <= set(r), r["urn"]
        if r["custom"]:
            assert r["id"], r["urn"]


def test_urns_carry_the_full_parent_type_chain_without_the_root_stack(plans):
    export = plans["prod"].export
    queue = by_name(export, "orders-euc1-billing-orders")
    assert queue["urn"] == ("urn:pulumi:prod::hybrid::hybrid:messaging:Broker$aws:sqs/queue:Queue::"
                            "orders-euc1-billing-orders")
    broker = by_name(export, "orders")
    assert broker["urn"] == "urn:pulumi:prod::hybrid::hybrid:messaging:Broker::orders"
    assert queue["parent"] == broker["urn"]
    provider = by_name(export, "aws-eu-central-1")
    assert provider["urn"] == "urn:pulumi:prod::hybrid::pulumi:providers:aws::aws-eu-central-1"
    assert queue["provider"] == f"{provider['urn']}::{provider['id']}"


def test_parents_providers_and_dependencies_come_first(plans):
    for env, plan in plans.items():
        seen: set[str] = set()
        for r in plan.resources:
            if r["type"] != "pulumi:pulumi:Stack":
                assert r["parent"] in seen, f"{env}: {r['urn']} listed before its parent"
                for dep in r["dependencies"]:
                    assert dep in seen, f"{env}: {r['urn']} listed before its dependency {dep}"
                if "provider" in r:
                    assert r["provider"].rsplit("::", 1)[0] in seen, f"{env}: {r['urn']} before its provider"
            seen.add(r["urn"])


def test_ids_are_realistic(plans):
    export = plans["prod"].export
    queue = by_name(export, "orders-euw1-partner-inbound")
    assert queue["id"] == "https://sqs.eu-west-1.amazonaws.com/432109876543/prod-orders-partner-inbound"
    assert all(v["id"].startswith("vpc-") for v in by_type(export, "aws:ec2/vpc:Vpc"))
    key = by_name(export, "orders-euc1-key")
    # each region's queues use that region's key (KMS keys never cross regions)
    assert queue["inputs"]["kmsMasterKeyId"].startswith("arn:aws:kms:eu-west-1:432109876543:key/")
    assert key["id"] in by_name(export, "orders-euc1-partner-inbound")["inputs"]["kmsMasterKeyId"]


@pytest.mark.slow  # fresh interpreters, each importing the provider SDKs
def test_a_fresh_process_and_the_warm_pool_under_other_hash_seeds_write_identical_bytes(tmp_path, project_copy, plans):
    """prod planned alone in a fresh process, and planned in a child the warm plan pool forks from this test
    process (which has imported the provider SDKs and run plans before), under different hash seeds, write the
    same bytes. Both run at once."""
    from scripts.planner import pool
    from scripts.planner.export import dumps
    from scripts.planner.run import plan_environment

    # A fresh process judges exemptions on the real date: keep the copy's exemptions valid whenever this runs.
    data = load_spec_data("prod")
    for exemption in data["policy"]["exemptions"]:
        exemption["expires"] = date.today() + timedelta(days=365)
    write_env(project_copy, "prod", data)
    ours = os.environ.get("PYTHONHASHSEED", "random")
    seed = str(int(ours) + 1) if ours.isdigit() else "1"  # anything but this process's seed
    fresh = tmp_path / "prod-fresh.json"
    process = subprocess.Popen([sys.executable, "-m", "scripts.cli_main", "plan", "prod", "--out", str(fresh), "--json",
                                "--root", str(project_copy)], cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=seed),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pool.warm()
    pooled, = pool.run_all([pool.Job("prod", call=lambda: sys.stdout.write(
        dumps(plan_environment(project_copy, "prod").export)))])
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert pooled.code == 0, pooled.stderr
    assert fresh.read_text(encoding="utf-8") == pooled.stdout


def test_duplicate_urns_are_an_error():
    recording = Recording(project="hybrid", stack="dev")
    urn = "urn:pulumi:dev::hybrid::aws:sqs/queue:Queue::q"
    recording.resources[urn] = Registration(urn, "aws:sqs/queue:Queue", "q", True, "id", {}, "", "", False, [])
    recording.duplicates.append(urn)
    with pytest.raises(PlanError, match="duplicate URNs"):
        to_export(recording, "urn:pulumi:dev::hybrid::pulumi:pulumi:Stack::hybrid-dev")
