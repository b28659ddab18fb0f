"""OpenAPI documents as the source of every gateway (practice 2.3): validation, REST lint, spec references."""

from .check import api_issues
from .document import Finding, read_document, validate_document
from .lint import lint_document

__all__ = ["Finding", "api_issues", "lint_document", "read_document", "validate_document"]
