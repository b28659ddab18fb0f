"""One environment's review result (resource changes plus policy delta) and its JSON shape.

`hybrid diff` and `hybrid drift` share it: a drift is the diff from the real stack export (base) to the
offline plan (head), so "create" reads "missing" and "delete" reads "extra" (see LABELS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .compare import CREATE, DELETE, KINDS, REPLACE, UPDATE, Change, ResourceDiff
from .findings import Finding, FindingDelta
from ..console import verbatim
from .values import ABSENT

DIFF_LABELS = {CREATE: "create", UPDATE: "update", REPLACE: "replace", DELETE: "delete"}
DRIFT_LABELS = {CREATE: "missing", UPDATE: "differs", REPLACE: "differs (replace)", DELETE: "extra"}


@dataclass
class EnvReport:
    env: str
    diff: ResourceDiff
    findings: Optional[FindingDelta] = None
    topology: Optional[str] = None
    """Link to the environment's Mermaid topology diagram."""
    notes: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.findings and self.findings.blocking)

    @property
    def destructive(self) -> list[Change]:
        return [c for c in self.diff.changes if c.destructive]

    @property
    def quiet(self) -> bool:
        return self.diff.empty and not (self.findings and (self.findings.introduced or self.findings.fixed))


def _value(value: Any) -> Any:
    return None if value is ABSENT else value


def change_json(change: Change, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "urn": change.urn, "type": change.type, "name": change.name, "kind": labels[change.kind],
        "protected": change.protected, "stateful": change.stateful, "destructive": change.destructive,
        "reasons": list(change.reasons),
        "properties": [{"path": p.path, "old": verbatim(_value(p.old)), "new": verbatim(_value(p.new)),
                        "oldSet": p.old is not ABSENT, "newSet": p.new is not ABSENT, "replaces": p.replaces,
                        "secret": p.secret}
                       for p in change.properties],
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "level": finding.level, "urn": finding.urn, "message": finding.message}


def report_json(report: EnvReport, labels: dict[str, str] = DIFF_LABELS) -> dict[str, Any]:
    data: dict[str, Any] = {
        "environment": report.env,
        "counts": verbatim({labels[k]: n for k, n in report.diff.counts().items()}),
        "unchanged": report.diff.unchanged,
        "changes": [change_json(c, labels) for c in report.diff.changes],
        "destructive": [c.urn for c in report.destructive],
        "topology": report.topology, "notes": report.notes, "blocking": report.blocking,
        "notComparable": [{"urn": urn, "path": path} for urn, path in report.diff.not_comparable],
    }
    if report.findings is not None:
        data["policy"] = {"introduced": [finding_json(f) for f in report.findings.introduced],
                          "fixed": [finding_json(f) for f in report.findings.fixed],
                          "remaining": report.findings.remaining}
    return data


__all__ = ["EnvReport", "KINDS", "DIFF_LABELS", "DRIFT_LABELS", "report_json"]
