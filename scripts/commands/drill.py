"""`hybrid drill ENV`: the regional failover drill with a report (practice 8.6).

`--target local` (default) drills against moto's server seeded from the offline plan; `--target aws` is a dry
run unless `--execute`, asks for the environment name unless `--yes`, and refuses production outside its
deployment window unless `--force-reason` says why. Exit 0 pass, 1 drill failure or refusal, 2 bad input.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from rich.markup import escape

from ..console import BAD_INPUT, FINDING, emit_json, err, fail, out
from ..files import WriteError, check_writable

if TYPE_CHECKING:  # the drill (boto3, moto) is imported when the verb runs, not for `hybrid --help`
    from ..drill.runner import DrillResult, StepRecord

class Target(str, Enum):
    local = "local"
    aws = "aws"


FAULTS = ("health-check-inversion", "region-outage", "arc-routing-control", "fis-experiment")


def _progress(event: str, step: StepRecord) -> None:
    if event == "start":
        err.print(f"  … {step.name}")
    else:
        mark = {"ok": "[green]✓[/]", "failed": "[red]✗[/]", "aborted": "[yellow]![/]"}.get(step.outcome, "·")
        err.print(f"  {mark} {step.name:<26} {step.seconds:6.2f} s{'  [cyan](emulated)[/]' if step.emulated else ''}"
                  f"  [dim]{escape(step.detail[:110])}[/]")


def _window(prepared, spec_policy, force_reason: Optional[str]) -> dict[str, Any]:
    from components.spec.windows import deployment_allowed

    decision = deployment_allowed(spec_policy, datetime.now(timezone.utc))
    note: dict[str, Any] = {"deployment_window": decision.reason, "window_open": decision.allowed}
    if force_reason:
        note["forced"] = force_reason
    return note


def _dry_run(prepared, window: dict[str, Any], json_output: bool) -> None:
    from ..drill.runner import PHASES
    from ..drill.session import credentials_configured

    inv = prepared.inventory
    source = credentials_configured()
    summary = {"environment": prepared.env, "target": "aws", "dry_run": True, "calls_made": 0,
               "credentials": source or "none found in the environment or ~/.aws (instance roles are not probed "
                                        "in a dry run); an --execute run would stop at preflight",
               "record": inv.primary.name, "primary": inv.primary_region, "secondary": inv.secondary_region,
               "fault": prepared.config.failover.fault.method,
               "account": prepared.config.expected_account,
               "promote": [s.name for s in inv.promoted()], "traffic_queue": inv.traffic_queue().name,
               "steps": list(PHASES), **window}
    if json_output:
        emit_json(summary)
        return
    out.print(f"[bold]Dry run[/]: drill {prepared.env} against AWS (no call made; add --execute to run it)")
    for key in ("credentials", "record", "primary", "secondary", "fault", "promote", "traffic_queue", "deployment_window"):
        out.print(f"  {key}: {summary[key]}")
    out.print("  steps: " + " → ".join(PHASES))


def _finish(result: DrillResult, reports: Path, json_output: bool) -> None:
    from ..drill import report

    try:
        json_path, md_path = report.write(result, reports)
    except WriteError as error:
        fail(str(error))
    if json_output:
        emit_json({**result.as_json(), "report": {"json": str(json_path), "markdown": str(md_path)}})
    else:
        verdict = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"
        out.print(f"drill {result.env} ({result.target}): {verdict} in {result.seconds:.1f} s")
        if result.rto:
            out.print(f"  RTO judged {result.rto.effective:.1f} s (measured {result.rto.measured:.2f} s, DNS floor "
                      f"{result.rto.floor} s) against {result.rto.target} s")
        if result.accounting:
            m = result.accounting
            out.print(f"  messages sent {m['sent']} of {m['planned']}, received {m['received']}, duplicates "
                      f"{m['duplicates']}, stranded {m['stranded']}, lost {m['lost']}")
        if result.not_run:
            out.print(f"  not run: {', '.join(result.not_run)}")
        if result.failback_seconds is not None:
            out.print(f"  failback {result.failback_seconds:.2f} s")
        for reason in result.reasons:
            out.print(f"  [red]-[/] {reason}")
        out.print(f"  report: {md_path}")
    if not result.passed:
        raise typer.Exit(FINDING)


def drill(
    env: str = typer.Argument(..., help="environment name (environments/<env>.yaml)"),
    target_choice: Target = typer.Option(Target.local, "--target", help="local (moto server seeded from the plan) or aws"),
    execute: bool = typer.Option(False, "--execute", help="against aws: really run (default is a dry run)"),
    yes: bool = typer.Option(False, "--yes", help="do not ask for the environment name before an aws run"),
    force_reason: Optional[str] = typer.Option(None, "--force-reason", help="run production outside its deployment "
                                               "window; the reason goes in the report"),
    fault: Optional[str] = typer.Option(None, "--fault", help="override failover.fault.method for this run: "
                                        + ", ".join(FAULTS) + " (region-outage loses the primary region)"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable result on stdout"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Drill regional failover of ENV and back, measure RTO, RPO and failback, write a report."""
    from components.spec import SpecError

    from ..drill.clients import Clients
    from ..drill.inventory import DrillInputError
    from ..drill.runner import Drill
    from ..drill.session import local_target, prepare
    from ..drill.state import state_path

    target = target_choice.value
    if target not in ("local", "aws"):
        fail(f"--target {target!r}: expected local or aws")
    if fault is not None and fault not in FAULTS:
        fail(f"--fault {fault!r}: expected one of {', '.join(FAULTS)}")
    if force_reason is not None and not force_reason.strip():
        fail("--force-reason needs a reason (it goes in the report)")
    try:
        check_writable(root / "reports" / "drill.json", create_parent=True)  # before the drill changes anything
    except WriteError as error:
        fail(str(error))
    try:
        from scripts import environments

        spec = environments.load(root, env).spec
        prepared = prepare(root, env, target, fault=fault)
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    except DrillInputError as error:
        fail(f"nothing to drill in {env!r}: {error}")
    reports = root / "reports"
    notes: dict[str, Any] = {}
    if target == "aws":
        notes = _window(prepared, spec.deployment, force_reason)
        if not execute:
            _dry_run(prepared, notes, json_output)
            return
        if prepared.production and not notes["window_open"] and not force_reason:
            err.print(f"[bold red]refused:[/] {env} is production and its deployment window is closed "
                      f"({notes['deployment_window']}); pass --force-reason TEXT to drill anyway")
            raise typer.Exit(FINDING)
        if not yes:
            typed = typer.prompt(f"This fails {env} over to {prepared.inventory.secondary_region} in AWS. "
                                 f"Type the environment name to continue")
            if typed.strip() != env:
                err.print("[red]not confirmed[/]: the name typed does not match; nothing was done")
                raise typer.Exit(BAD_INPUT)
    else:
        notes["deployment_window"] = "not applied: the local target touches no real environment"
    prepared.config.notes.update(notes)
    err.print(f"drill {env} → target {target} (fault {prepared.config.failover.fault.method})")
    state = state_path(reports, env, target)
    if target == "local":
        with local_target(prepared.inventory) as (clients, seeded, running):
            prepared.config.notes["seeded_from_plan"] = ", ".join(f"{v} {k}" for k, v in seeded.items())
            prepared.config.target_instance = running.instance
            result = Drill(prepared.config, clients, state, _progress).run()
    else:
        result = Drill(prepared.config, Clients(), state, _progress).run()
    _finish(result, reports, json_output)
