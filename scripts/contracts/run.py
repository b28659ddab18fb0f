"""Runs every family of contract checks over one document."""

from __future__ import annotations

import gc
from typing import Any, Callable, Iterable, Iterator

from components.spec import EnvironmentSpec

from .context import Context, context_of
from .model import Document, Finding

Check = Callable[[Document, Context], Iterable[Finding]]


def families() -> list[Check]:
    from .dns import check_dns
    from .kubernetes import check_kubernetes
    from .naming import check_naming
    from .ordering import check_ordering
    from .references import check_references
    from .sdk_types import check_sdk_types

    return [check_sdk_types, check_naming, check_references, check_ordering, check_kubernetes, check_dns]


def contract_findings(document: Any, spec: EnvironmentSpec | None = None,
                      checks: Iterable[Check] | None = None) -> list[Finding]:
    """Every finding, sorted and without repeats; `document` is a plan, a stack export or a preview."""
    # With the provider SDKs loaded the heap is large, and a full collection costs more than the checks
    # themselves (the planner pauses the collector for the same reason); they allocate little.
    paused = gc.isenabled()
    gc.disable()
    try:
        doc = Document.of(document)
        context = context_of(spec)
        found: set[Finding] = set()
        for check in checks if checks is not None else families():
            found.update(check(doc, context))
    finally:
        if paused:
            gc.enable()
    return sorted(found)


def findings_json(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"urn": f.urn, "check": f.check, "message": f.message} for f in findings]


def by_check(findings: Iterable[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.check, []).append(finding)
    yield from sorted(groups.items())
