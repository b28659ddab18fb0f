"""An audit's results as Markdown, JSON and SARIF: one line per finding, never a property value."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..checker.report import short, verdicts_json
from .readonly import READ_PREFIXES
from .rules import not_assessed
from .run import AuditResult

TARGETS = {"aws": "AWS", "azure": "Azure", "local": "the local stand-in (moto, seeded from the plan)"}


def _scope_line(result: AuditResult) -> str:
    scope = result.scope
    parts = []
    if scope.get("account"):
        parts.append(f"account {scope['account']}")
    if scope.get("subscription"):
        parts.append(f"subscription {scope['subscription']}")
    if scope.get("regions"):
        parts.append(f"regions {', '.join(scope['regions'])}")
    parts.append(f"resources tagged `{scope.get('tag')}`")
    return "; ".join(parts)


def markdown(result: AuditResult) -> str:
    calls = Counter(op for op in result.operations)
    lines = [f"# Security audit: {result.env} on {TARGETS.get(result.target, result.target)}", "",
             f"Scope: {_scope_line(result)}. {result.assessed} resources assessed with "
             f"{len(calls)} distinct read-only operations ({sum(calls.values())} calls, "
             f"{'/'.join(READ_PREFIXES)} only; no secret value read).", ""]
    if result.seeded:
        lines += ["Seeded from the plan: " + ", ".join(f"{n} {t.rsplit(':', 1)[-1]}" for t, n in result.seeded.items()) + ".", ""]
    findings = [(v, urn, message) for v in result.verdicts if v.level != "disabled" for urn, message in v.violations]
    if findings:
        lines += [f"## Findings ({len(findings)})", "", "| rule | severity | level | resource | finding |",
                  "| --- | --- | --- | --- | --- |"]
        for verdict, urn, message in sorted(findings, key=lambda f: (f[0].rule.id, f[1])):
            lines.append(f"| `{verdict.rule.id}` | {verdict.rule.severity} | {verdict.level} | `{short(urn)}` | "
                         f"{message.replace('|', '/')} |")
        lines += ["", "### How to fix", ""]
        for verdict in result.verdicts:
            if verdict.violations and verdict.level != "disabled":
                lines.append(f"- `{verdict.rule.id}`: {verdict.rule.remediation}")
    else:
        lines += ["## Findings", "", "None: every assessed resource passes every audited rule."]
    lines += ["", "## Rules run", ""]
    for verdict in result.verdicts:
        mark = "disabled" if verdict.level == "disabled" else ("✓" if verdict.passed else "✗")
        notes = []
        if verdict.exempted:
            notes.append(f"{len(verdict.exempted)} exempted")
        if verdict.not_applicable:
            notes.append(f"{len(verdict.not_applicable)} not applicable")
        lines.append(f"- {mark} `{verdict.rule.id}` ({verdict.level})" + (f": {', '.join(notes)}" if notes else ""))
    lines += ["", "Not assessed (they judge inputs a live read does not collect): "
              + ", ".join(f"`{r}`" for r in not_assessed()) + "."]
    return "\n".join(lines) + "\n"


def as_json(result: AuditResult) -> dict[str, Any]:
    from ..console import verbatim

    types = Counter(r["type"] for r in result.document["deployment"]["resources"] if not r["type"].startswith("pulumi:"))
    return {"environment": result.env, "target": result.target, "scope": result.scope,
            "assessed": result.assessed, "resourceTypes": verbatim(dict(sorted(types.items()))),
            "seeded": verbatim(result.seeded), "findings": result.findings,
            "verdicts": verdicts_json(result.verdicts), "notAssessed": not_assessed(),
            "readOnly": {"operations": sorted(set(result.operations)), "calls": len(result.operations)}}


def sarif(result: AuditResult, root: Path) -> dict[str, Any]:
    """The SARIF log `hybrid check` writes, for what is deployed: its own automation id per target."""
    from ..checker.sarif import sarif_log

    log = sarif_log(result.verdicts, [], root, result.env, f"live {result.target}")
    run = log["runs"][0]
    run["automationDetails"] = {"id": f"hybrid-audit/{result.env}/{result.target}/"}
    run["properties"] = {"target": result.target, "scope": result.scope, "assessed": result.assessed}
    return log
