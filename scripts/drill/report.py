"""The drill report: JSON for machines, Markdown for people (timeline, emulated steps marked, verdict)."""

from __future__ import annotations

from pathlib import Path

from ..console import json_report
from ..files import write_atomic
from .runner import DrillResult


def markdown(result: DrillResult) -> str:
    data = result.as_json()
    lines = [f"# Failover drill: {result.env} ({result.target})", "",
             f"**Verdict: {'PASS' if result.passed else 'FAIL'}** · run `{result.run_id}` · started {result.started_at} · "
             f"{result.seconds:.1f} s · fault `{result.fault}`", ""]
    for reason in result.reasons:
        lines.append(f"- {reason}")
    if result.reasons:
        lines.append("")
    lines += ["## Objectives", "", "| measure | value | target | met |", "| --- | --- | --- | --- |"]
    if result.rto:
        rto = result.rto
        lines.append(f"| RTO, measured (fault to first answer and write in the secondary) | {rto.measured:.2f} s | | |")
        lines.append(f"| DNS floor (interval × threshold + TTL) | {rto.floor} s | | |")
        lines.append(f"| RTO, judged (larger of the two) | {rto.effective:.2f} s | {rto.target} s | {'yes' if rto.met else 'no'} |")
    messages = data["messages"]
    if messages:
        lines.append(f"| messages planned / sent (acknowledged) / not sent | {messages['planned']} / {messages['sent']} / "
                     f"{messages['not_sent']} | | |")
        lines.append(f"| messages received / duplicated (removed by key) | {messages['received']} / "
                     f"{messages['duplicates']} | | |")
        lines.append(f"| messages stranded (in the unreachable primary, delivered after failback) | "
                     f"{messages['stranded']} | | |")
        lines.append(f"| messages lost (acknowledged, never delivered: the recovery point) | {messages['lost']} | "
                     f"{'0' if result.rto else ''} | {('yes' if result.rpo_met else 'no') if result.rto else 'not judged'} |")
    if result.failback_seconds is not None:
        lines.append(f"| time to fail back | {result.failback_seconds:.2f} s | | |")
    lines.append(f"| producer throughput during failover | {result.failover_throughput:.0f} msg/s | | |")
    lines += ["", "## Timeline", "", "| # | step | outcome | start | duration | emulated | detail |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    for i, step in enumerate(result.steps, 1):
        detail = step.detail.replace("|", "\\|")
        lines.append(f"| {i} | {step.name} | {step.outcome} | {step.started:.2f} s | {step.seconds:.2f} s | "
                     f"{'**emulated**' if step.emulated else ''} | {detail} |")
    if result.not_run:
        lines += ["", "## Not run", "", "Steps this run did not reach (nothing of them was done):", ""]
        lines += [f"- {name}" for name in result.not_run]
    if result.coverage:
        lines += ["", "## What this drill exercised", "", "| kind | name | exercised | how, or why not |",
                  "| --- | --- | --- | --- |"]
        lines += [f"| {c['kind']} | {c['name']} | {c['exercised']} | {c['how'].replace('|', '/')} |"
                  for c in result.coverage]
    if result.emulated or result.known_gaps:
        lines += ["", "## Emulated here, proven only against real AWS", ""]
        lines += [f"- {item}" for item in result.emulated + result.known_gaps]
    if result.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {key}: {value}" for key, value in sorted(result.notes.items())]
    return "\n".join(lines) + "\n"


def write(result: DrillResult, reports: Path) -> tuple[Path, Path]:
    stem = f"drill-{result.env}-{result.started_at.replace(':', '').replace('+0000', 'Z')}-{result.run_id}"
    json_path, md_path = reports / f"{stem}.json", reports / f"{stem}.md"
    write_atomic(json_path, json_report(result.as_json()))  # the same shape and key style as `drill --json`
    write_atomic(md_path, markdown(result))
    return json_path, md_path
