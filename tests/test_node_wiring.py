"""Processing nodes are wired to what they use by the outputs of those resources: the queues they read,
the topics they publish to and the idempotency tables of their queues (permission and name)."""

from __future__ import annotations

import json

import pytest

from .conftest import SHIPPED, by_name, by_type


def node_resources(plan, node: str) -> tuple[dict, dict, dict]:
    access = by_name(plan, f"node-{node}-access")
    deployment = by_name(plan, f"node-{node}-deployment")
    scaled = by_name(plan, f"node-{node}-scaled-object")
    return access, deployment, scaled


@pytest.mark.parametrize("env", SHIPPED)
def test_nodes_depend_on_the_queues_they_read_and_scale_on(plans, env):
    plan = plans[env]
    queues = {r["id"]: r for r in by_type(plan, "aws:sqs/queue:Queue")}
    nodes = [r["urn"].rsplit("::", 1)[1][len("node-"):-len("-deployment")]
             for r in by_type(plan, "kubernetes:apps/v1:Deployment") if r["urn"].rsplit("::", 1)[1].startswith("node-")]
    assert nodes
    for node in nodes:
        access, deployment, scaled = node_resources(plan, node)
        for trigger in scaled["inputs"]["spec"]["triggers"]:
            queue = queues[trigger["metadata"]["queueURL"]]
            assert queue["urn"] in scaled["dependencies"], f"{node}: scales on {queue['urn']} without depending on it"
            assert queue["urn"] in access["dependencies"] and queue["urn"] in deployment["dependencies"]


def test_a_node_reading_an_idempotent_queue_may_use_its_table_and_is_told_its_name(plans):
    plan = plans["prod"]
    tables: dict[str, list[dict]] = {}
    for table in by_type(plan, "aws:dynamodb/table:Table"):
        tables.setdefault(table["inputs"]["name"], []).append(table)  # one copy per region
    checked = 0
    for deployment in by_type(plan, "kubernetes:apps/v1:Deployment"):
        name = deployment["urn"].rsplit("::", 1)[1]
        if not name.startswith("node-"):
            continue
        [container] = deployment["inputs"]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        access = json.loads(by_name(plan, name.replace("-deployment", "-access"))["inputs"]["policy"])
        for variable, table_name in ((k, v) for k, v in env.items() if k.startswith("DEDUP_")):
            [table] = [t for t in tables[table_name] if t["urn"] in deployment["dependencies"]]
            grant = next(s for s in access["Statement"] if s["Sid"] == "RecordIdempotencyKeys")
            assert {"dynamodb:PutItem", "dynamodb:GetItem"} <= set(grant["Action"])
            assert len(grant["Resource"]) == 1 and grant["Resource"][0].endswith(f":table/{table_name}") \
                or table_name in grant["Resource"][0]
            assert table["urn"] in by_name(plan, name.replace("-deployment", "-access"))["dependencies"]
            checked += 1
    assert checked, "prod is expected to run a node on a queue with idempotency"
