"""`hybrid plan ENV...`: the offline plan, its resource tree, and the policy verdicts over it.

One environment is planned in this process. Several (or `--all`) are planned by the warm plan pool
(scripts/planner/pool.py): the provider SDKs are imported once, each environment is planned in a child
forked from this process, up to one per core at a time, and the output comes in the order asked for.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..console import FINDING, emit_json, err, fail, out, verbatim, warn
from ..files import WriteError, check_writable, write_atomic


def plan(
    envs: list[str] = typer.Argument(None, help="environment names (environments/<env>.yaml); omit with --all"),
    all_envs: bool = typer.Option(False, "--all", help="every environment, planned in parallel"),
    out_path: Optional[Path] = typer.Option(None, "--out", help="where to write the plan JSON; default plans/<env>.json "
                                                               "(one environment only)"),
    json_output: bool = typer.Option(False, "--json", help="machine-readable summary on stdout"),
    secret_digests: bool = typer.Option(False, "--secret-digests", hidden=True,
                                        help="with --json: read a hex key from stdin and add keyed digests of the "
                                             "secret inputs to the summary (for `hybrid diff`; never in the plan file)"),
    root: Path = typer.Option(Path("."), "--root", help="project root", hidden=True),
) -> None:
    """Plan ENV offline under the Pulumi SDK's mock engine; exit 1 when a mandatory policy (or, once mandatory, a cloud contract) fails."""
    if bool(envs) == all_envs:
        fail("name the environments to plan or pass --all (not both)")
    if all_envs:
        from ..environments import known_environments

        envs = known_environments(root)
        if not envs:
            fail(f"no environments found under {root / 'environments'}")
    if len(envs) == 1:
        plan_one(envs[0], out_path, json_output, secret_digests, root)
        return
    if out_path is not None or secret_digests:
        fail("--out and --secret-digests take one environment")
    plan_many(list(dict.fromkeys(envs)), json_output, root)


def plan_many(envs: list[str], json_output: bool, root: Path) -> None:
    """Each environment in a warm child, in parallel; output shown in the order asked for; the worst exit code."""
    from ..planner import pool
    from ..progress import Progress

    started = time.perf_counter()
    jobs = [pool.Job(env, call=lambda env=env: plan_one(env, None, json_output, False, root)) for env in envs]
    finished: dict[str, pool.Outcome] = {}
    shown: list[pool.Outcome] = []

    def show_ready() -> None:
        """Replay each child's output once every environment before it has been shown (deterministic order)."""
        while len(shown) < len(jobs) and jobs[len(shown)].name in finished:
            outcome = finished[jobs[len(shown)].name]
            shown.append(outcome)
            sys.stderr.write(outcome.stderr)
            if not json_output:
                sys.stdout.write(outcome.stdout)
            sys.stdout.flush()
            sys.stderr.flush()

    with Progress("plan") as status:
        status.step("importing the provider SDKs (once for every environment)")
        pool.warm()
        warmed = time.perf_counter() - started
        status.done(f"provider SDKs imported in {warmed:.1f}s; planning {', '.join(envs)}, "
                    f"{min(len(envs), pool.cores())} at a time")

        def on_finished(outcome: pool.Outcome) -> None:
            finished[outcome.job.name] = outcome
            show_ready()
            status.done(f"{outcome.job.name} planned in {outcome.seconds:.1f}s (exit {outcome.code})")

        events = pool.Events(started=lambda job: status.step(f"planning {job.name}"), finished=on_finished,
                             tick=status.tick)
        outcomes = pool.run_all(jobs, events=events)
    if json_output:
        reports = []
        for outcome in outcomes:
            try:
                report = json.loads(outcome.stdout)
                report.pop("version", None)
            except ValueError:
                report = {"environment": outcome.job.name, "exitCode": outcome.code}
            reports.append(report)
        emit_json({"environments": reports, "timings": {"importSeconds": round(warmed, 3),
                                                        "totalSeconds": round(time.perf_counter() - started, 3)}})
    worst = max(outcome.code for outcome in outcomes)
    if worst:
        raise typer.Exit(worst)


def plan_one(env: str, out_path: Optional[Path], json_output: bool, secret_digests: bool, root: Path) -> None:
    """One environment, in this process."""
    from components.spec import SpecError

    from .. import environments
    from ..checker.report import blocking, print_verdicts, verdicts_json
    from ..checker.run import check_document
    from ..contracts import contract_findings, findings_json
    from ..contracts.report import contracts_blocking, print_contracts
    from ..policy_config import environment_facts, write_policy_config

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
