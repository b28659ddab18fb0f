"""`hybrid audit ENV --target aws|azure|local`: a read-only security assessment of what is deployed (practice 5.5).

Reads live configuration with the cloud SDKs, turns it into resource states and runs the policy pack's own
rules over them (scripts/assessment). Exit 0 clean, 1 on findings, 2 bad input (an invalid spec, credentials
for another account, a target that cannot be read).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..console import FINDING, err, fail, json_report, out
from ..files import WriteError, check_writable, write_atomic


class Target(str, Enum):
    local = "local"
    aws = "aws"
    azure = "azure"


class Format(str, Enum):
    """`hybrid check`'s formats: its human `text` is this report's Markdown, so both names take it."""

    text = "text"
    markdown = "markdown"
    json = "json"
    sarif = "sarif"


def audit(
    env: str = typer.Argument(..., help="environment name (environments/<env>.yaml)"),
    target: Target = typer.Option(Target.local, "--target", help="aws (the caller's credentials), azure (the spec's "
                                  "subscription) or local (the embedded stand-in, seeded from the plan)"),
    output_format: Format = typer.Option(Format.markdown, "--format", help="text or markdown (the same Markdown report), json or sarif (SARIF 2.1.0), as hybrid check takes"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output (same as --format json)"),
    output: Optional[Path] = typer.Option(None, "--output", "--out", help="write the report here (atomically)"),
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="local: seed from this plan JSON instead of "
                                             "planning the environment now"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Assess what is deployed for ENV, read-only; exit 1 when any audited rule finds something."""
    from components.spec import SpecError

    from .. import environments
    from ..assessment import report
    from ..project import load_project

    chosen = Format.json if json_output else output_format
    if plan_file is not None and target is not Target.local:
        fail("--plan seeds the local stand-in; it needs --target local")
    try:
        if output is not None:
            check_writable(output)
    except WriteError as error:
        fail(str(error))
    try:
        spec = environments.load(root, env).spec
        project = load_project(root).name
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    result = _run(root, spec, project, target, plan_file)
    if chosen in (Format.text, Format.markdown):
        text = report.markdown(result)
    elif chosen is Format.sarif:
        text = json.dumps(report.sarif(result, root), indent=2) + "\n"
    else:
        text = json_report(report.as_json(result))
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(output, text)
        except WriteError as error:
            fail(str(error))
        out.print(f"wrote {escape(str(output))} ({chosen.value}): {result.findings} finding(s) in "
                  f"{result.assessed} resources")
    if result.findings:
        raise typer.Exit(FINDING)


def _run(root: Path, spec, project: str, target: Target, plan_file: Optional[Path]):
    from ..assessment.aws import AuditScopeError
    from ..assessment.readonly import ReadOnly, ReadOnlyViolation

    try:
        if target is Target.local:
            return _local(root, spec, project, plan_file)
        if target is Target.aws:
            from botocore.exceptions import BotoCoreError, ClientError

            from ..assessment.run import audit_aws
            from ..drill.clients import Clients

            err.print(f"audit {spec.name} → AWS (read-only)")
            try:
                return audit_aws(spec, project, Clients(), ReadOnly(), progress=lambda s: err.print(f"  … {s}"))
            except (BotoCoreError, ClientError) as error:
                fail(f"cannot read AWS for {spec.name!r}: {error}; expected credentials for account "
                     f"{spec.accounts.aws.account_id} allowed to Describe/Get/List (see docs/audit.md)")
        return _azure(spec, project)
    except AuditScopeError as error:
        fail(str(error))
    except ReadOnlyViolation as error:  # a bug, never a finding: say so plainly
        fail(f"internal: {error}")


def _local(root: Path, spec, project: str, plan_file: Optional[Path]):
    from ..assessment.run import audit_local
    from ..checker.sources import SourceError, read_document

    export = None
    if plan_file is not None:
        try:
            export = read_document(plan_file)
        except SourceError as error:
            fail(str(error))
        if "deployment" not in export:
            fail(f"{plan_file}: expected a plan or stack export ({{version, deployment}}), not a preview")
    err.print(f"audit {spec.name} → the local stand-in, seeded from the plan")
    return audit_local(root, spec, project, export=export)


def _azure(spec, project: str):
    from ..assessment.azure import AzureAuditError, arm_client
    from ..assessment.readonly import ReadOnly
    from ..assessment.run import audit_azure

    if spec.accounts.azure is None:
        fail(f"environment {spec.name!r} declares no Azure subscription (accounts.azure); nothing to audit there")
    guard = ReadOnly()
    err.print(f"audit {spec.name} → Azure subscription {spec.accounts.azure.subscription_id} (read-only)")
    try:
        return audit_azure(spec, project, arm_client(spec, guard), guard)
    except AzureAuditError as error:
        fail(str(error))
