"""REST-convention lint (practice 2.1): naming, methods that match their semantics, documented errors,
operation ids and security on every operation. Each finding names the path and the operation."""

from __future__ import annotations

import re
from typing import Any, Iterator

from .document import Finding

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
UNSAFE = ("post", "put", "patch", "delete")
SEGMENT = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PARAMETER = re.compile(r"^\{[a-z][A-Za-z0-9]*\}$")
# Verbs in a path mean the method is not carrying the semantics: /orders/create instead of POST /orders.
VERBS = {"get", "list", "create", "add", "update", "delete", "remove", "fetch", "set", "save", "do", "run"}
# Success codes each method may answer with.
SUCCESS = {"get": {"200", "206", "304"}, "head": {"200", "304"}, "options": {"200", "204"},
           "post": {"200", "201", "202", "204"}, "put": {"200", "201", "204"}, "patch": {"200", "204"},
           "delete": {"200", "202", "204"}}
NO_BODY = {"get", "head", "delete", "options"}
NEEDS_BODY = {"put", "patch"}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    yield path, method, item[method]


def _label(path: str, method: str, operation: dict[str, Any]) -> str:
    op_id = operation.get("operationId")
    return f"paths.{path}.{method}" + (f" ({op_id})" if op_id else "")


def _lint_path(path: str) -> Iterator[str]:
    if path != "/" and path.endswith("/"):
        yield "expected no trailing slash"
    for segment in [s for s in path.split("/") if s]:
        if segment.startswith("{"):
            if not PARAMETER.match(segment):
                yield f"path parameter {segment} should be {{camelCase}}"
        elif not SEGMENT.match(segment):
            yield f"segment {segment!r} should be lower-case kebab-case nouns"
        elif segment in VERBS:
            yield f"segment {segment!r} is a verb; expected a resource noun and the HTTP method to carry the action"


def _lint_operation(method: str, operation: dict[str, Any], global_security: Any) -> Iterator[str]:
    if not operation.get("operationId"):
        yield "expected an operationId"
    security = operation.get("security", global_security)
    if not security:
        yield "expected a security requirement (operation security or a global one); none means anonymous access"
    elif any(requirement == {} for requirement in security):
        yield "security allows anonymous access ({}); expected every alternative to name a scheme"
    if method in NO_BODY and "requestBody" in operation:
        yield f"{method.upper()} must not take a request body"
    if method in NEEDS_BODY and "requestBody" not in operation:
        yield f"{method.upper()} replaces or changes a resource; expected a requestBody"
    codes = {str(code) for code in (operation.get("responses") or {})}
    success = {c for c in codes if c.startswith("2") or c == "304"}
    if not success:
        yield "expected a documented success response (2xx)"
    elif not success & SUCCESS[method]:
        yield f"{method.upper()} should answer with one of {', '.join(sorted(SUCCESS[method]))}; documented {', '.join(sorted(success))}"
    if not any(c.startswith("4") for c in codes):
        yield "expected documented client errors (4xx)"
    if security and "401" not in codes:
        yield "a secured operation should document 401"
    if not any(c.startswith("5") for c in codes) and "default" not in codes:
        yield "expected a documented server error (5xx or default)"
    if method in ("post", "put", "patch") and "requestBody" in operation and "400" not in codes and "422" not in codes:
        yield "an operation taking a body should document 400 or 422 for an invalid one"


def lint_document(document: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    seen_ids: dict[str, str] = {}
    global_security = document.get("security")
    for path in (document.get("paths") or {}):
        findings += [Finding(f"paths.{path}", message) for message in _lint_path(str(path))]
    for path, method, operation in operations(document):
        where = _label(path, method, operation)
        findings += [Finding(where, message) for message in _lint_operation(method, operation, global_security)]
        op_id = operation.get("operationId")
        if op_id and op_id in seen_ids:
            findings.append(Finding(where, f"operationId {op_id!r} already used at {seen_ids[op_id]}; expected unique ids"))
        elif op_id:
            seen_ids[op_id] = f"paths.{path}.{method}"
    return findings
