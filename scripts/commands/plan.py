"""`hybrid plan ENV`: the offline plan, its resource tree, and the policy verdicts over it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from components.spec import SpecError

from .. import environments
from ..checker.report import blocking, print_verdicts, verdicts_json
from ..checker.run import check_document
from ..console import FINDING, emit_json, err, fail, out, verbatim, warn
from ..contracts import contract_findings, findings_json
from ..contracts.report import contracts_blocking, print_contracts
from ..files import WriteError, check_writable, write_atomic
from ..policy_config import environment_facts, write_policy_config


def plan(
    env: str = typer.Argument(..., help="environment name (environments/<env>.yaml)"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="where to write the plan JSON; default plans/<env>.json"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable summary on stdout"),
    secret_digests: bool = typer.Option(False, "--secret-digests", hidden=True,
                                        help="with --json: read a hex key from stdin and add keyed digests of the "
                                             "secret inputs to the summary (for `hybrid diff`; never in the plan file)"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Plan ENV offline under the Pulumi SDK's mock engine; exit 1 when a mandatory policy (or, once mandatory, a cloud contract) fails."""
    started = time.perf_counter()
    if secret_digests and not json_output:
        fail("--secret-digests needs --json: the digests go to the summary on stdout, never into a file")
    digest_key = None
    if secret_digests:
        try:
            digest_key = bytes.fromhex(sys.stdin.readline().strip())
        except ValueError:
            digest_key = b""
        if len(digest_key) < 16:
            fail("--secret-digests: expected a key of at least 16 bytes, hex-encoded, on stdin")
    try:
        loaded = environments.load(root, env)
    except SpecError as error:
        fail(f"environment {env!r} is invalid", error.issues)
    for warning in loaded.warnings:
        warn(warning)
    target = out_path or root / "plans" / f"{env}.json"
    try:
        check_writable(target, create_parent=out_path is None)
        config_path = write_policy_config(root, loaded.spec)
    except WriteError as error:
        fail(str(error))
    if not json_output:
        err.print(f"[dim]planning {env} (stack {loaded.stack}) under the mock engine…[/]")
    from ..planner.export import PlanError, dumps
    from ..planner.run import plan_environment
    from ..planner.summary import plan_tree, type_region_counts

    from ..planner.warm import warm_provider_modules

    warm_provider_modules()  # provider SDKs load lazily; count that one-off cost as setup, not planning
    imported = time.perf_counter()
    try:
        result = plan_environment(root.resolve(), env, digest_key=digest_key)
    except PlanError as error:
        fail(f"the program for {env!r} cannot be planned: {error}")
    try:
        write_atomic(target, dumps(result.export))
    except WriteError as error:
        fail(str(error))
    verdicts = check_document(result.export, loaded.spec)
    contracts_started = time.perf_counter()
    contracts = contract_findings(result.export, loaded.spec)
    contracts_seconds = time.perf_counter() - contracts_started
    facts = environment_facts(loaded.spec)
    timings = {"importSeconds": round(imported - started, 3), "planSeconds": round(result.seconds, 3),
               "contractsSeconds": round(contracts_seconds, 3),
               "totalSeconds": round(time.perf_counter() - started, 3)}
    if json_output:
        emit_json({"environment": env, "stack": result.stack, "plan": str(target), "policyConfig": str(config_path),
                   "resources": len(result.resources), "byTypeAndRegion": verbatim(type_region_counts(result.export, facts)),
                   "verdicts": verdicts_json(verdicts), "contracts": findings_json(contracts),
                   "blocking": blocking(verdicts) or contracts_blocking(contracts), "timings": timings,
                   **({"secretDigests": verbatim(result.secret_digests)} if digest_key else {})})
    else:
        out.print(plan_tree(result.export, facts))
        print_verdicts(out, verdicts)
        print_contracts(out, contracts)
        out.print(f"[dim]plan: {escape(str(target))} · policy config: {escape(str(config_path))} · {len(result.resources)} resources in "
                  f"{result.seconds:.2f}s (setup {timings['importSeconds']:.2f}s)[/]")
    if blocking(verdicts) or contracts_blocking(contracts):
        raise typer.Exit(FINDING)
