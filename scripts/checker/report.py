"""Presenting policy verdicts: grouped by rule, one line per resource, never a property value."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from policies.rules.evaluate import Verdict
from scripts.console import plural


def short(urn: str) -> str:
    """type::name, enough to find the resource without the stack/project prefix."""
    parts = urn.split("::")
    return f"{parts[2].split('$')[-1]}::{parts[-1]}" if len(parts) >= 4 else urn


def verdicts_json(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    return [{
        "rule": v.rule.id, "level": v.level, "severity": v.rule.severity, "passed": v.passed,
        "violations": [{"urn": urn, "message": msg} for urn, msg in v.violations],
        "exempted": v.exempted, "notApplicable": [{"urn": urn, "reason": r} for urn, r in v.not_applicable],
        "unknownAtPreview": v.unknown, "remediation": v.rule.remediation,
    } for v in verdicts]


def print_verdicts(console: Console, verdicts: list[Verdict]) -> None:
    console.print("[bold]Policy verdicts[/]")
    for v in verdicts:
        if v.level == "disabled":
            console.print(f"  [dim]- {v.rule.id}: disabled[/]")
            continue
        notes = []
        if v.exempted:
            notes.append(f"{len(v.exempted)} exempted")
        if v.not_applicable:
            reasons = sorted({r for _, r in v.not_applicable})
            notes.append(f"{len(v.not_applicable)} not applicable: {'; '.join(reasons)}")
        if v.unknown:
            notes.append(f"{len(v.unknown)} not judged: values unknown until apply")
        suffix = f" [dim]({escape(', '.join(notes))})[/]" if notes else ""
        if v.passed:
            console.print(f"  [green]✓[/] {v.rule.id}{suffix}")
            continue
        colour = "red" if v.level == "mandatory" else "yellow"
        console.print(f"  [{colour}]✗ {v.rule.id}[/] [{colour}]{v.level}[/], {plural(len(v.violations), 'violation')}{suffix}")
        for urn, message in v.violations:
            console.print(f"      {short(urn)}: {message}", markup=False)
        console.print(f"      fix: {v.rule.remediation}", markup=False, style="dim")


def blocking(verdicts: list[Verdict]) -> bool:
    return any(v.blocking for v in verdicts)
