"""The files the blueprint reads hold no credential (detect-secrets), and a planted one is found, never shown."""

from __future__ import annotations

from scripts.credentials import files_read, scan
from scripts.project import load_project

from .conftest import ROOT

PLANTED = "AKIAPLANTED7EXAMPLE2"  # shaped like an AWS access key id


def test_the_repository_files_the_blueprint_reads_hold_no_credentials():
    read = files_read(ROOT)
    assert any(p.parent.name == "environments" for p in read) and any(p.parent.name == "stacks" for p in read)
    assert scan(ROOT, load_project(ROOT).secret_keys) == []


def test_a_planted_credential_is_found_and_its_value_never_shown(project_copy):
    stack = project_copy / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text() + f"  aws:accessKey: {PLANTED}\n")
    line = len(stack.read_text().splitlines())
    found = scan(project_copy, load_project(project_copy).secret_keys)
    assert [(c.file, c.line, c.kind) for c in found] == [("stacks/Pulumi.dev.yaml", line, "AWS Access Key")]
    assert PLANTED not in str(found[0]) and PLANTED not in repr(found)
