"""Presenting contract findings: grouped by check, one line per resource, after the policy verdicts."""

from __future__ import annotations

from rich.console import Console

from ..checker.report import short
from ..console import plural
from .enforcement import CONTRACT_ENFORCEMENT
from .model import Finding
from .run import by_check


def contracts_blocking(findings: list[Finding]) -> bool:
    """Whether the findings fail the command (only once the checks are mandatory)."""
    return bool(findings) and CONTRACT_ENFORCEMENT == "mandatory"


def print_contracts(console: Console, findings: list[Finding]) -> None:
    level = CONTRACT_ENFORCEMENT
    console.print(f"[bold]Cloud contracts[/] [dim]({level})[/]")
    if not findings:
        console.print("  [green]✓[/] every input is one the providers accept and every reference resolves")
        return
    colour = "red" if level == "mandatory" else "yellow"
    for check, group in by_check(findings):
        console.print(f"  [{colour}]✗ {check}[/] {plural(len(group), 'finding')}")
        for finding in group:
            console.print(f"      {short(finding.urn)}: {finding.message}", markup=False)
