"""Reading an OpenAPI document and validating it against the OpenAPI specification itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.spec.documents import DocumentError as ReadError, read_yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator


@dataclass(frozen=True)
class Finding:
    """One problem in a document: where (a dotted path, naming path and operation) and what was expected."""

    where: str
    message: str


class DocumentError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def read_document(path: Path) -> dict[str, Any]:
    """Parse a YAML/JSON OpenAPI file; raises DocumentError naming line and column on bad syntax."""
    try:
        data = read_yaml(path).data
    except ReadError as error:
        raise DocumentError(Finding(error.where, error.message)) from None
    if not isinstance(data, dict):
        raise DocumentError(Finding("(top level)", "expected an OpenAPI document (a mapping with openapi, info, paths)"))
    return data


def _where(parts: Any) -> str:
    return ".".join(str(p) for p in parts) or "(top level)"


def validate_document(document: dict[str, Any], limit: int = 20) -> list[Finding]:
    """Every schema violation the official OpenAPI 3.0/3.1 schema finds (first `limit`), as findings."""
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0.", "3.1.")):
        return [Finding("openapi", f"expected an OpenAPI 3.0.x or 3.1.x document, got {version or 'no version'}")]
    validator = (OpenAPIV31SpecValidator if version.startswith("3.1.") else OpenAPIV30SpecValidator)(document)
    findings = []
    for error in validator.iter_errors():
        findings.append(Finding(_where(error.absolute_path), error.message))
        if len(findings) >= limit:
            break
    return findings
