"""OpenAPI documents: the real validator, the REST lint (findings name path and operation), and `hybrid validate`."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from typer.testing import CliRunner

from scripts.cli import app
from scripts.openapi import lint_document, read_document, validate_document

from .conftest import ROOT, load_spec_data, write_env

SHIPPED_DOCS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "apis").glob("*/*.yaml"))


@pytest.fixture
def orders() -> dict:
    return read_document(ROOT / "apis" / "partner-orders" / "v2.yaml")


def messages(findings) -> list[str]:
    return [f"{f.where}: {f.message}" for f in findings]


@pytest.mark.parametrize("path", SHIPPED_DOCS)
def test_shipped_documents_are_valid_and_lint_clean(path):
    document = read_document(ROOT / path)
    assert validate_document(document) == []
    assert lint_document(document) == []


def test_validator_reports_schema_errors_with_their_location(orders):
    del orders["info"]["title"]
    orders["paths"]["/orders"]["get"]["responses"]["2OO"] = {"description": "typo"}
    found = messages(validate_document(orders))
    assert any(m.startswith("info: 'title' is a required property") for m in found)
    assert any(m.startswith("paths./orders.get.responses:") and "2OO" in m for m in found)


def test_validator_refuses_swagger_2(orders):
    assert messages(validate_document({"swagger": "2.0"})) == [
        "openapi: expected an OpenAPI 3.0.x or 3.1.x document, got no version"]


def test_lint_names_path_and_operation(orders):
    post = orders["paths"]["/orders"]["post"]
    del post["operationId"]
    post["security"] = [{}]
    get = orders["paths"]["/orders/{orderId}"]["get"]
    get["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    get["responses"] = {"200": get["responses"]["200"]}
    orders["paths"]["/orders/create"] = {"post": copy.deepcopy(orders["paths"]["/orders"]["post"])}
    orders["paths"]["/orders/create"]["post"]["operationId"] = "getOrder"
    orders["paths"]["/Order_Items"] = {}
    found = messages(lint_document(orders))
    assert "paths./orders.post: expected an operationId" in found
    assert ("paths./orders.post: security allows anonymous access ({}); expected every alternative to name a scheme"
            in found)
    assert "paths./orders/{orderId}.get (getOrder): GET must not take a request body" in found
    assert "paths./orders/{orderId}.get (getOrder): expected documented client errors (4xx)" in found
    assert "paths./orders/{orderId}.get (getOrder): a secured operation should document 401" in found
    assert "paths./orders/{orderId}.get (getOrder): expected a documented server error (5xx or default)" in found
    assert ("paths./orders/create: segment 'create' is a verb; expected a resource noun and the HTTP method to carry "
            "the action") in found
    assert "paths./Order_Items: segment 'Order_Items' should be lower-case kebab-case nouns" in found
    assert any(m.startswith("paths./orders/create.post (getOrder): operationId 'getOrder' already used") for m in found)


def test_lint_requires_security_somewhere_and_matching_success_codes(orders):
    del orders["security"]
    del orders["paths"]["/orders"]["get"]["security"]
    delete = orders["paths"]["/orders/{orderId}"]["delete"]
    delete["responses"]["201"] = delete["responses"].pop("204")
    found = messages(lint_document(orders))
    assert ("paths./orders.get (listOrders): expected a security requirement (operation security or a global one); "
            "none means anonymous access") in found
    assert "paths./orders/{orderId}.delete (cancelOrder): DELETE should answer with one of 200, 202, 204; documented 201" in found


runner = CliRunner()


def test_hybrid_validate_reports_missing_and_invalid_documents_with_exit_2(project_copy):
    data = load_spec_data("staging")
    data["gateways"]["apis"][0]["versions"].append(
        {"version": "v3", "backend": {"url": "https://orders.example.com/v3"}})
    write_env(project_copy, "staging", data)
    broken = yaml.safe_load((project_copy / "apis" / "inventory" / "v1.yaml").read_text())
    del broken["paths"]["/stock-levels"]["get"]["operationId"]
    broken["paths"]["/stock-levels"]["get"]["responses"]["ok"] = {"description": "not a status code"}
    (project_copy / "apis" / "inventory" / "v1.yaml").write_text(yaml.safe_dump(broken))
    result = runner.invoke(app, ["validate", "staging", "--json", "--root", str(project_copy)], catch_exceptions=False)
    assert result.exit_code == 2
    problems = json.loads(result.output)["problems"]["staging"]
    assert any(p.endswith("environments/staging.yaml: gateways.apis[0].versions[2].file: OpenAPI document "
                          "apis/partner-orders/v3.yaml does not exist; expected apis/<api>/<version>.yaml") for p in problems)
    assert any(p.startswith("apis/inventory/v1.yaml: paths./stock-levels.get.responses:") for p in problems)


def test_hybrid_validate_reports_lint_findings_with_exit_2(project_copy):
    doc = yaml.safe_load((project_copy / "apis" / "partner-orders" / "v1.yaml").read_text())
    doc["paths"]["/orders"]["get"]["security"] = []
    doc["security"] = []
    (project_copy / "apis" / "partner-orders" / "v1.yaml").write_text(yaml.safe_dump(doc))
    result = runner.invoke(app, ["validate", "dev", "--root", str(project_copy)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "apis/partner-orders/v1.yaml: paths./orders.get (listOrders): expected a security requirement" in result.output
