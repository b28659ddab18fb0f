"""`python -m scripts.bench.policies [--size 10000] [--json]`: the policy pack over a large stack export.

The export is the shipped prod plan's resources repeated under fresh names (their URNs, ids and the
references between copies renamed, so stack rules match within each copy) until it holds `--size`
resources: the real mix of types and inputs, at the scale of a large estate. Reading it into rule views
(behind pulumi-policy's proxy, as `hybrid check` does) and evaluating every rule are timed apart.
Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]


def large_export(base: dict[str, Any], size: int) -> dict[str, Any]:
    """Copies of the plan's resources, each copy's URNs under its own stack name and every reference (parent,
    provider, dependencies) pointed at the same copy's resource."""
    stack, *body = base["deployment"]["resources"]
    out = [stack]
    copy_index = 0
    while len(out) < size:
        # a copy is another stack of the same program: names (and so provider names) stay as planned
        renamed = {r["urn"]: r["urn"].replace("urn:pulumi:prod::", f"urn:pulumi:prod-c{copy_index:03d}::", 1)
                   for r in body}

        def ref(urn: str) -> str:
            return renamed.get(urn, urn)

        for resource in json.loads(json.dumps(body)):
            resource["urn"] = ref(resource["urn"])
            if resource.get("parent"):
                resource["parent"] = ref(resource["parent"])
            if resource.get("provider"):
                urn, _, id_ = resource["provider"].rpartition("::")
                resource["provider"] = f"{ref(urn)}::{id_}"
            resource["dependencies"] = [ref(d) for d in resource.get("dependencies") or []]
            out.append(resource)
        copy_index += 1
    return {"version": 3, "deployment": {"manifest": base["deployment"]["manifest"], "resources": out[:size]}}


def measure(size: int) -> dict[str, Any]:
    from components.spec import load_environment
    from policies.rules import ALL_RULES
    from policies.rules.evaluate import evaluate
    from scripts.checker.sources import resources_of
    from scripts.planner.run import plan_environment
    from scripts.policy_config import policy_config

    base = plan_environment(ROOT, "prod").export
    export = large_export(base, size)
    config = policy_config(load_environment(ROOT / "environments" / "prod.yaml"))
    started, cpu = time.perf_counter(), time.process_time()
    views = resources_of(export)
    read = time.perf_counter() - started
    verdicts = evaluate(views, ALL_RULES, config)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    findings = Counter(v.rule.id for v in verdicts for _ in v.violations)
    return {"resources": len(views), "rules": len(ALL_RULES), "read_seconds": read, "evaluate_seconds": total - read,
            "total_seconds": total, "cpu_seconds": total_cpu, "violations": sum(findings.values())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.policies", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="resources in the export")
    parser.add_argument("--json", action="store_true", help="print the measurement as JSON")
    args = parser.parse_args(argv)
    row = measure(args.size)
    if args.json:
        print(json.dumps(row, indent=2))
        return
    table = Table(title=f"policy pack over a {row['resources']}-resource export ({row['rules']} rules; target < 1 s)")
    for column in ("resources", "read s", "evaluate s", "total s", "cpu s", "violations"):
        table.add_column(column, justify="right")
    table.add_row(str(row["resources"]), f"{row['read_seconds']:.2f}", f"{row['evaluate_seconds']:.2f}",
                  f"{row['total_seconds']:.2f}", f"{row['cpu_seconds']:.2f}", str(row["violations"]))
    Console(width=max(Console().width, 110)).print(table)


if __name__ == "__main__":
    main()
