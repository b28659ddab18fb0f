"""`python -m scripts.bench [--sizes 100,1000,5000] [--json] [--sdk-defaults]`: plan synthetic environments
of growing size under the planner and under the SDK's stock mocks, side by side, plus `hybrid plan prod`.

Each cell is a fresh subprocess (see worker.py), so peak memory is per run. Figures are reported,
never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

from .synthetic import BASE_ENV, queues_for, synthetic_spec, write_project

ROOT = Path(__file__).resolve().parents[2]


def run_worker(mode: str, root: Path, env: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "scripts.bench.worker", mode, str(root), env], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark run {mode} {env} at {root} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rate(row: dict[str, Any]) -> float:
    return row["resources"] / row["plan_seconds"] if row["plan_seconds"] else 0.0


def table(rows: list[dict[str, Any]]) -> Table:
    out = Table(title="offline planner vs the SDK's stock mocks (each row a fresh process; plan = program + "
                      "recording + export + policies + cloud contracts, the contracts also alone; cpu is the steadier "
                      "figure on a busy machine)")
    for column in ("case", "mode", "resources", "import s", "plan s", "plan cpu s", "contracts wall/cpu s", "resources/s", "peak MiB",
                   "vs stock wall/cpu"):
        out.add_column(column, justify="left" if column in ("case", "mode") else "right")
    stock = {r["case"]: r for r in rows if r["mode"] == "stock"}
    for row in rows:
        base = stock.get(row["case"])
        ratio = (f"{row['plan_seconds'] / base['plan_seconds']:.2f}× / {row['plan_cpu_seconds'] / base['plan_cpu_seconds']:.2f}×"
                 if base and row["mode"] != "stock" else "")
        out.add_row(row["case"], row["mode"], str(row["resources"]), f"{row['import_seconds']:.2f}",
                    f"{row['plan_seconds']:.2f}", f"{row['plan_cpu_seconds']:.2f}",
                    "" if row.get("contracts_seconds") is None
                    else f"{row['contracts_seconds']:.2f} / {row['contracts_cpu_seconds']:.2f}", f"{rate(row):.0f}", f"{row['peak_rss_mib']:.0f}", ratio)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="approximate resource counts, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--sdk-defaults", action="store_true",
                        help="also run the planner with the SDK's defaults (no fast_runtime knobs)")
    parser.add_argument("--no-prod", action="store_true", help="skip the `hybrid plan prod` row")
    args = parser.parse_args(argv)
    modes = ["planner"] + (["planner-sdk"] if args.sdk_defaults else []) + ["stock"]
    console = Console(stderr=True)
    base = yaml.safe_load((ROOT / "environments" / f"{BASE_ENV}.yaml").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="hybrid-bench-") as scratch:
        cases: list[tuple[str, Path, str]] = []
        if not args.no_prod:
            cases.append(("prod (shipped)", ROOT, "prod"))
        for size in (int(s) for s in args.sizes.split(",") if s.strip()):
            project = write_project(ROOT, Path(scratch) / f"n{size}", BASE_ENV, synthetic_spec(base, queues_for(size)))
            cases.append((f"~{size}", project, BASE_ENV))
        for case, root, env in cases:
            for mode in modes:
                console.print(f"[dim]{case}: {mode}…[/]")
                rows.append({"case": case, **run_worker(mode, root, env)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        Console(width=max(Console().width, 150)).print(table(rows))  # a readable table even when piped


if __name__ == "__main__":
    main()
