"""Policy findings a change introduces or fixes: the verdicts over the base plan against those over the head.

Both sides come as `hybrid plan --json` verdicts (the base's from its own code in the worktree, so a
rule added by the change counts as introducing its findings, which is what merging would do to the
deploy pipeline). A finding is (rule, resource, message); messages never carry property values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True, order=True)
class Finding:
    rule: str
    urn: str
    message: str
    level: str

    @property
    def mandatory(self) -> bool:
        return self.level == "mandatory"


@dataclass(frozen=True)
class FindingDelta:
    introduced: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    remaining: int
    """Findings present before and after: not this change's doing, only counted."""

    @property
    def blocking(self) -> bool:
        """The change breaks a mandatory policy."""
        return any(f.mandatory for f in self.introduced)


def findings_of(verdicts: Iterable[dict[str, Any]]) -> set[Finding]:
    """Findings from `verdicts_json` output (disabled rules report nothing)."""
    found = set()
    for verdict in verdicts:
        if verdict.get("level") == "disabled":
            continue
        for violation in verdict.get("violations") or []:
            found.add(Finding(verdict["rule"], violation["urn"], violation["message"], verdict["level"]))
    return found


def contract_findings_of(contracts: Iterable[dict[str, Any]], level: str) -> set[Finding]:
    """Contract findings (`hybrid plan --json` "contracts") as findings of rule `contract:<check>`; both sides
    are weighed at today's contract enforcement level, so only a change to the resources moves them."""
    return {Finding(f"contract:{c['check']}", c["urn"], c["message"], level) for c in contracts}


def delta(base: set[Finding], head: set[Finding]) -> FindingDelta:
    """A finding whose enforcement level changed counts as fixed at the old level and introduced at the new."""
    return FindingDelta(tuple(sorted(head - base)), tuple(sorted(base - head)), len(base & head))
