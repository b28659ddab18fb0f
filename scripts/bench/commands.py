"""`python -m scripts.bench.commands [--json] [--no-diff]`: what a user waits for, command by command.

Side by side in one run, each a fresh process timed from the outside (wall, and the CPU seconds of it and
its children): `hybrid plan prod` against the same program under the SDK's stock mocks, every shipped
environment planned by one `hybrid plan --all`, and `hybrid diff --all --base HEAD` (the working tree
against its own commit: both sides of every environment), with the provider SDK import timed apart. Figures
are reported, never asserted: they depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "environments", "stacks", "apis", "schemas", "functions")
"""What `--root` needs for planning; the code itself is this checkout's (on sys.path)."""
TARGETS = {"plan prod": 7.0, "plan --all": 9.0, "diff --all --base HEAD": 12.0}
"""Wall-time goals on the 2-core development box (docs/performance.md)."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
    """Run `command`; its wall and CPU seconds (children included) and its last JSON document on stdout.

    Exit 1 is a finding (a plan that breaks a mandatory rule still took its time); any other code stops."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode not in ok:
        raise SystemExit(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    text = done.stdout.strip()
    start = text.rfind("\n{") + 1 if not text.startswith("{") else 0
    try:
        report = json.loads(text[start:]) if text else {}
    except ValueError:
        report = {}
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "report": report}


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy(source, target / name)
    (target / "policies" / "config").mkdir(parents=True)
    return target


def measure(with_diff: bool) -> list[dict[str, Any]]:
    hybrid = [sys.executable, "-m", "scripts.cli_main"]
    rows = []
    console = Console(stderr=True)
    with tempfile.TemporaryDirectory(prefix="hybrid-bench-commands-") as scratch:
        project = copy_project(Path(scratch) / "project")
        console.print("[dim]provider SDK import alone…[/]")
        warm = timed([sys.executable, "-c", "from scripts.planner import pool; pool.warm()"], ROOT)
        rows.append({"case": "provider SDK import (once per command)", **warm, "import": warm["wall"]})
        console.print("[dim]hybrid plan prod…[/]")
        plan = timed(hybrid + ["plan", "prod", "--json", "--out", str(Path(scratch) / "prod.json"), "--root",
                               str(project)], ROOT)
        rows.append({"case": "plan prod", **plan, "import": plan["report"].get("timings", {}).get("importSeconds")})
        console.print("[dim]prod under the stock mocks…[/]")
        stock = timed([sys.executable, "-m", "scripts.bench.worker", "stock", str(project), "prod"], ROOT, ok=(0,))
        rows.append({"case": "prod under the stock mocks (baseline)", **stock,
                     "import": stock["report"].get("import_seconds"),
                     "note": "the program alone: no verdicts, contracts or plan file"})
        console.print("[dim]hybrid plan --all…[/]")
        every = timed(hybrid + ["plan", "--all", "--json", "--root", str(project)], ROOT)
        names = [r.get("environment") for r in every["report"].get("environments", [])]
        rows.append({"case": "plan --all", **every, "import": every["report"].get("timings", {}).get("importSeconds"),
                     "note": ", ".join(str(n) for n in names)})
        if with_diff:
            console.print("[dim]hybrid diff --all --base HEAD…[/]")
            diff = timed(hybrid + ["diff", "--all", "--base", "HEAD", "--json"], ROOT)
            rows.append({"case": "diff --all --base HEAD", **diff, "import": None,
                         "note": f"{2 * len(diff['report'].get('environments', []))} plans (base and working tree)"})
    for row in rows:
        row.pop("report", None)
        row["target"] = TARGETS.get(row["case"])
    return rows


def table(rows: list[dict[str, Any]]) -> Table:
    out = Table(title="what a user waits for (each row a fresh command; CPU includes its children)")
    for column in ("case", "wall s", "CPU s", "import s", "target wall s", "note"):
        out.add_column(column, justify="left" if column in ("case", "note") else "right")
    for row in rows:
        out.add_row(row["case"], f"{row['wall']:.2f}", f"{row['cpu']:.2f}",
                    "" if row.get("import") is None else f"{row['import']:.2f}",
                    "" if row.get("target") is None else f"< {row['target']:.0f}", row.get("note", ""))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.commands", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--no-diff", action="store_true", help="skip `hybrid diff --all --base HEAD` (needs git)")
    args = parser.parse_args(argv)
    rows = measure(with_diff=not args.no_diff)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        Console(width=max(Console().width, 150)).print(table(rows))


if __name__ == "__main__":
    main()
