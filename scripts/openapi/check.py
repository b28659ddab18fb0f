"""The environment's API references: each points at an existing, valid, lint-clean OpenAPI document."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from components.spec import EnvironmentSpec, SpecIssue

from .document import DocumentError, Finding, read_document, validate_document
from .lint import lint_document


def document_issues(root: Path, relative: str, label: str) -> list[SpecIssue]:
    """Validator and lint findings for one document, each as an issue naming the document and where in it.

    Judged once per content in a process: every environment (and every `validate` of a long-running caller)
    refers to the same few documents, and parsing plus validating one is most of what `validate` costs."""
    try:
        content = hashlib.sha256((root / relative).read_bytes()).hexdigest()
    except OSError:
        content = ""  # unreadable: read_document below says why, every time
    return list(_judged(root, relative, label, content)) if content else list(_judge(root, relative, label))


@lru_cache(maxsize=64)
def _judged(root: Path, relative: str, label: str, content: str) -> tuple[SpecIssue, ...]:
    return tuple(_judge(root, relative, label))


def _judge(root: Path, relative: str, label: str) -> list[SpecIssue]:
    try:
        document = read_document(root / relative)
    except DocumentError as error:
        return [SpecIssue(relative, error.finding.where, error.finding.message)]
    findings = validate_document(document)
    if not findings:  # lint a structurally valid document only; otherwise its findings would be noise
        findings = lint_document(document)
        stated = str((document.get("info") or {}).get("version", ""))
        if stated.split(".")[0] != label[1:]:
            findings.insert(0, Finding("info.version", f"expected a {label[1:]}.x version for {label}, got {stated!r}"))
    return [SpecIssue(relative, f.where, f.message) for f in findings]


def api_issues(root: Path, spec: EnvironmentSpec, source: str) -> list[SpecIssue]:
    """Problems with the OpenAPI documents `spec` refers to; `source` is the environment file's name."""
    issues: list[SpecIssue] = []
    for i, api in enumerate(spec.gateways.apis):
        for j, version in enumerate(api.versions):
            relative = api.file_of(version)
            if not (root / relative).is_file():
                issues.append(SpecIssue(source, f"gateways.apis[{i}].versions[{j}].file",
                                        f"OpenAPI document {relative} does not exist; expected apis/<api>/<version>.yaml"))
                continue
            issues += document_issues(root, relative, version.version)
    return issues
