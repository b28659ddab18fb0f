"""`hybrid drift ENV --export FILE`: the offline plan (intent) against a real `pulumi stack export` (reality)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from ..console import FINDING, emit_json, fail, out
from ..files import WriteError, check_writable, write_atomic

if TYPE_CHECKING:
    from ..diff.report import EnvReport

SIDES = ("Deployed", "Planned")
NO_DRIFT = "No drift: the deployed stack matches the plan."


def not_comparable_note(report: EnvReport) -> str | None:
    """Secret-marked inputs are never compared: the export holds ciphertext and the plan placeholders."""
    hidden = report.diff.not_comparable
    if not hidden:
        return None
    resources = len({urn for urn, _ in hidden})
    return (f"{len(hidden)} secret-marked input(s) of {resources} resource(s) not comparable: the export holds only "
            "ciphertext and the offline plan only placeholders for secret config (check them with "
            "`pulumi preview --diff` against the stack)")


def drift(
    env: str = typer.Argument(..., help="environment name (environments/<env>.yaml)"),
    export: Path = typer.Option(..., "--export", help="`pulumi stack export --stack <stack>` output of the deployed stack"),
    plan_file: Optional[Path] = typer.Option(None, "--plan", help="an existing plan JSON instead of planning now"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="also write the Markdown report to this file"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Report resources missing from, extra in, or configured differently in the deployed stack; exit 1 on drift."""
    from components.spec import SpecError

    from .. import environments
    from ..checker.sources import SourceError, projects_of, read_document, stacks_of
    from ..diff.compare import compare
    from ..diff.markdown import DRIFT_MARKER, render
    from ..diff.report import DRIFT_LABELS, EnvReport, report_json
    from ..planner.export import PlanError

    try:
        loaded = environments.load(root, env)
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    try:
        if out_path:
            check_writable(out_path)
    except WriteError as error:
        fail(str(error))
    try:
        reality = read_document(export)
        if "deployment" not in reality:
            raise SourceError(f"{export}: expected `pulumi stack export` output ({{version, deployment: {{...}}}})")
        intent = read_document(plan_file) if plan_file else None
        if intent is not None and "deployment" not in intent:
            raise SourceError(f"{plan_file}: expected a plan written by `hybrid plan` ({{version, deployment: {{...}}}})")
        for label, document in ((export, reality), (plan_file, intent)):
            if document is None:
                continue
            others = projects_of(document) - {loaded.project.name}
            if others:
                raise SourceError(f"{label} holds resources of project {', '.join(sorted(others))}; expected project "
                                  f"{loaded.project.name!r} (this one)")
            others = stacks_of(document) - {loaded.stack}
            if others:
                raise SourceError(f"{label} holds resources of stack {', '.join(sorted(others))}, but environment "
                                  f"{env!r} deploys stack {loaded.stack!r}")
    except SourceError as error:
        fail(str(error))
    if intent is None:
        from ..planner.run import plan_environment

        try:
            intent = plan_environment(root.resolve(), env).export
        except PlanError as error:
            fail(f"the program for {env!r} cannot be planned: {error}")
    report = EnvReport(env, compare(reality, intent, drift=True))
    note = not_comparable_note(report)
    if note:
        report.notes.append(note)
    if json_output:
        emit_json({"export": str(export), **report_json(report, DRIFT_LABELS)})
    else:
        markdown = render([report], f"Drift of `{env}`: plan against `{export.name}`", DRIFT_LABELS,
                          more="run `hybrid drift --json` for every detail", sides=SIDES, marker=DRIFT_MARKER,
                          nothing=NO_DRIFT)
        out.print(markdown, markup=False, highlight=False)
    if out_path:
        try:
            write_atomic(out_path, render([report], f"Drift of `{env}`", DRIFT_LABELS, sides=SIDES, marker=DRIFT_MARKER,
                                          nothing=NO_DRIFT))
        except WriteError as error:
            fail(str(error))
    if not report.diff.empty:
        raise typer.Exit(FINDING)
