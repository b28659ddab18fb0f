"""`hybrid window ENV [--at TIME]`: may a deployment of ENV start now? The deploy workflow gates on it.

Exit 0 when it may, 1 when it may not (outside the windows, or frozen), 2 for bad input.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

from ..console import FINDING, emit_json, fail, out, warn

EARLIEST_YEAR, LATEST_YEAR = 1970, 9000
"""--at is refused outside these years: the window search looks days ahead, and datetime ends at 9999."""


def parse_at(text: Optional[str], zone_name: str) -> datetime:
    """--at as an instant: ISO 8601 with an offset or Z; without one it is read in the environment's zone."""
    if text is None:
        return datetime.now(timezone.utc)
    try:
        at = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        fail(f"--at {text!r} is not an ISO 8601 time; expected e.g. 2025-06-02T10:30:00+02:00 or 2025-06-02T08:30Z")
    if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        fail(f"--at {text!r} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR}; expected a time a deployment could "
             "really start at")
    if at.tzinfo is None:
        from zoneinfo import ZoneInfo

        at = at.replace(tzinfo=ZoneInfo(zone_name))
    try:
        at.astimezone(timezone.utc)
    except OverflowError:
        fail(f"--at {text!r} is out of range once converted to UTC")
    return at


def window(
    env: str = typer.Argument(..., help="environment name (environments/<env>.yaml)"),
    at: Optional[str] = typer.Option(None, "--at", help="ISO 8601 time to ask about instead of now; "
                                     "without an offset it is local time in the environment's zone"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable decision on stdout"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Say whether a deployment of ENV may start now (or --at); exit 1 when it may not."""
    from components.spec import SpecError
    from components.spec.windows import deployment_allowed

    from .. import environments

    try:
        loaded = environments.load(root, env)
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    for warning in loaded.warnings:
        warn(warning)
    policy = loaded.spec.deployment
    instant = parse_at(at, policy.timezone)
    try:
        decision = deployment_allowed(policy, instant)
    except OverflowError:
        fail(f"--at {at!r}: the window search runs past the end of the calendar; expected an earlier time")
    if json_output:
        emit_json({"environment": env, "at": instant.isoformat(), "timezone": policy.timezone, **decision.as_json()})
    else:
        local = instant.astimezone(policy.zone())
        verdict = "[green]open[/]" if decision.allowed else "[red]closed[/]"
        out.print(f"{env}: deployments {verdict} at {local:%Y-%m-%d %H:%M %Z} — {decision.reason}")
        if decision.allowed and decision.closes_at:
            out.print(f"  closes at {decision.closes_at:%Y-%m-%d %H:%M %Z}")
        if not decision.allowed:
            out.print(f"  next opening: {decision.next_open:%Y-%m-%d %H:%M %Z}" if decision.next_open
                      else "  no opening within the search horizon")
    if not decision.allowed:
        raise typer.Exit(FINDING)
