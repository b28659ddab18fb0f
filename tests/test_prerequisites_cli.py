"""`hybrid prerequisites ENV`: the declared prerequisites as a checklist, Markdown or JSON; exit 2 when bad."""

from __future__ import annotations

import copy
import json

from typer.testing import CliRunner

from scripts.cli import app

from .conftest import load_spec_data, write_env

CERT = "arn:aws:acm:eu-west-1:321098765432:certificate/0b5e3c1a-9d2f-4e7a-8c6b-1f2e3d4c5b6a"
TYPED_CERT = "arn:aws:acm:eu-west-1:321098765432:certificate/2a1d7b63-4caf-4e2b-8b8f-3c9a1f7e5d22"  # partner-orders' domain


def declared(project, certificate_arn: str = CERT) -> None:
    data = copy.deepcopy(load_spec_data("staging"))
    data["prerequisites"] = {"certificates": [{"arn": certificate_arn, "domain": "status.staging.api.example.com",
                                               "purpose": "status page custom domain, issued by the web team"}]}
    write_env(project, "staging", data)


def test_markdown_lists_every_declaration_with_how_to_verify_it(project_copy):
    declared(project_copy)
    result = CliRunner().invoke(app, ["prerequisites", "staging", "--root", str(project_copy)])
    assert result.exit_code == 0, result.output
    assert f"- [ ] **certificate** `{CERT}`: status page custom domain" in result.output
    # A typed field that names an external (an API's certificate) is on the checklist too, with its field.
    assert f"- [ ] **certificate** `{TYPED_CERT}`: API partner-orders's custom domain" in result.output
    assert "(gateways.apis[0].domain.certificate_arn)" in result.output
    assert f"aws acm describe-certificate --region eu-west-1 --certificate-arn {CERT}" in result.output
    assert "**deploy-role** `arn:aws:iam::321098765432:role/hybrid-deployer`" in result.output


def test_json_has_one_entry_per_prerequisite(project_copy):
    declared(project_copy)
    result = CliRunner().invoke(app, ["prerequisites", "staging", "--json", "--root", str(project_copy)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    kinds = [p["kind"] for p in report["prerequisites"]]
    assert report["environment"] == "staging" and kinds.count("certificate") == 4 and "deploy-role" in kinds  # the standby copy has its own
    assert len({p["id"] for p in report["prerequisites"]}) == len(kinds), "each external is listed once"
    assert {"load-balancer", "rotation-function"} <= set(kinds)
    assert all(set(p) == {"kind", "id", "purpose", "verify"} for p in report["prerequisites"])


def test_declaring_what_a_typed_field_already_names_is_refused(project_copy):
    declared(project_copy, certificate_arn=TYPED_CERT)
    result = CliRunner().invoke(app, ["prerequisites", "staging", "--root", str(project_copy)])
    assert result.exit_code == 2
    assert "prerequisites.certificates[0]" in result.output
    assert "gateways.apis[0].domain.certificate_arn" in result.output


def test_a_malformed_declaration_exits_2_naming_the_field(project_copy):
    declared(project_copy, certificate_arn="not-an-arn")
    result = CliRunner().invoke(app, ["prerequisites", "staging", "--root", str(project_copy)])
    assert result.exit_code == 2
    assert "prerequisites.certificates[0].arn" in result.output and "Traceback" not in result.output
