"""`hybrid check FILE`: the policy rules and cloud contract checks over a plan, a `pulumi stack export` or `pulumi preview --json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..console import FINDING, fail, json_report, out
from ..files import WriteError, check_writable, write_atomic


def check(
    file: Path = typer.Argument(..., help="plan JSON, `pulumi stack export` output or `pulumi preview --json` "
                                          "output; - reads standard input"),
    env: Optional[str] = typer.Option(None, "--env", help="environment to judge against; default: from the URNs' stack"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable output (same as --format json)"),
    output_format: str = typer.Option("text", "--format", help="text, json or sarif (SARIF 2.1.0 for code scanning)"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="write the json or sarif document here (atomically)"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Run the policy rules and cloud contract checks over FILE; exit 1 when a mandatory rule (or contract) fails."""
    from components.spec import SpecError
    from components.spec.documents import STDIN

    from .. import environments
    from ..checker.report import blocking, print_verdicts, verdicts_json
    from ..checker.run import check_document
    from ..checker.sarif import sarif_log
    from ..checker.sources import SourceError, read_document, stack_of
    from ..contracts import contract_findings, findings_json
    from ..contracts.report import contracts_blocking, print_contracts
    from ..project import environment_of_stack, load_project

    label = "(standard input)" if str(file) == STDIN else str(file)
    output_format = "json" if json_output else output_format
    if output_format not in ("text", "json", "sarif"):
        fail(f"--format: expected text, json or sarif, got {output_format!r}")
    if out_path is not None and output_format == "text":
        fail("--out needs --format json or --format sarif")
    try:
        if out_path is not None:
            check_writable(out_path)
    except WriteError as error:
        fail(str(error))
    try:
        document = read_document(file)
        stack = stack_of(document)
    except SourceError as error:
        fail(str(error))
    if env is None:
        if stack is None:
            fail(f"{label}: cannot tell which stack this is (no URNs, or several stacks); pass --env")
        try:
            env = environment_of_stack(load_project(root), stack)
        except SpecError as error:
            fail(f"{label}: stack {stack!r} has no stack config in stacks/; pass --env", error.issues)
    try:
        spec = environments.load(root, env).spec
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    verdicts = check_document(document, spec)
    contracts = contract_findings(document, spec)
    if output_format != "text":
        if output_format == "sarif":  # SARIF carries its own version ("2.1.0"): printed as built
            text = json.dumps(sarif_log(verdicts, contracts, root, env, label), indent=2) + "\n"
        else:
            text = json_report({"file": label, "environment": env, "verdicts": verdicts_json(verdicts),
                                "contracts": findings_json(contracts),
                                "blocking": blocking(verdicts) or contracts_blocking(contracts)})
        if out_path is None:
            sys.stdout.write(text)
        else:
            try:
                write_atomic(out_path, text)
            except WriteError as error:
                fail(str(error))
            out.print(f"wrote {escape(str(out_path))} ({output_format})")
    else:
        out.print(f"[bold]{escape(label)}[/] judged as environment [bold]{escape(env)}[/] ({spec.tier.value})")
        print_verdicts(out, verdicts)
        print_contracts(out, contracts)
    if blocking(verdicts) or contracts_blocking(contracts):
        raise typer.Exit(FINDING)
