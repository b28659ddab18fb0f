"""`hybrid diff` end to end: plan the base ref and the working tree, compare, judge the policy delta.

Both sides of every environment are planned by the warm plan pool (scripts/planner/pool.py): the provider
SDKs are imported once, then each side runs in its own child, up to one per core at a time.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .base import BaseError, base_jobs, collect_base, environments_at, prefix_in_repo, resolve, worktree
from .compare import compare
from .interrupt import PLANS_PREFIX, owned_prefix, signals_interrupt, sweep
from .findings import contract_findings_of, delta, findings_of
from .report import EnvReport


@dataclass(frozen=True)
class HeadPlan:
    export: dict[str, Any] | None
    verdicts: list[dict[str, Any]]
    contracts: list[dict[str, Any]] = field(default_factory=list)
    secret_digests: dict[str, dict[str, str]] | None = None


def plan_head(root: Path, env: str, digest_key: bytes | None = None) -> HeadPlan:
    """The working tree's plan and verdicts, in this process (SpecError/PlanError propagate)."""
    from .. import environments
    from ..checker.report import verdicts_json
    from ..checker.run import check_document
    from ..contracts import contract_findings, findings_json
    from ..planner.run import plan_environment

    if not (root / "environments" / f"{env}.yaml").exists():
        return HeadPlan(None, [])
    spec = environments.load(root, env).spec
    plan = plan_environment(root.resolve(), env, digest_key=digest_key)
    return HeadPlan(plan.export, verdicts_json(check_document(plan.export, spec)),
                    findings_json(contract_findings(plan.export, spec)), plan.secret_digests if digest_key else None)


class HeadError(Exception):
    """The working tree cannot be planned: its spec is invalid (`issues`) or its program fails."""

    def __init__(self, message: str, issues: Optional[list[str]] = None):
        super().__init__(message)
        self.issues = issues or []


def plan_head_child(root: Path, env: str, digest_key: Optional[bytes]) -> None:
    """In a pool child: plan the working tree's `env` and print the HeadPlan as JSON (errors as JSON too)."""
    from components.spec import SpecError

    from ..planner.export import PlanError

    try:
        head = plan_head(root, env, digest_key)
        answer: dict[str, Any] = {"export": head.export, "verdicts": head.verdicts, "contracts": head.contracts,
                                  "secretDigests": head.secret_digests}
    except SpecError as error:
        answer = {"specIssues": [str(issue) for issue in error.issues]}
    except PlanError as error:
        answer = {"planError": str(error)}
    sys.stdout.write(json.dumps(answer))


def head_of(outcome: Any) -> HeadPlan:
    env = outcome.job.name.split(":", 1)[1]
    try:
        answer = json.loads(outcome.stdout)
    except ValueError:
        tail = "\n".join(outcome.stderr.strip().splitlines()[-8:])
        raise HeadError(f"{env}: planning the working tree failed (exit {outcome.code}):\n{tail}") from None
    if "specIssues" in answer:
        raise HeadError(f"the working tree's environment {env!r} is invalid", answer["specIssues"])
    if "planError" in answer:
        raise HeadError(f"the working tree cannot be planned: {answer['planError']}")
    return HeadPlan(answer["export"], answer["verdicts"], answer["contracts"], answer["secretDigests"])


def topology_link(env: str, link_base: str) -> str:
    return f"{link_base}catalog/{env}/topology.md"


def env_report(env: str, base_export: Any, base_verdicts: list[dict[str, Any]], head: HeadPlan,
               link_base: str = "", base_contracts: list[dict[str, Any]] | None = None,
               base_digests: dict[str, dict[str, str]] | None = None) -> EnvReport:
    from ..contracts.enforcement import CONTRACT_ENFORCEMENT

    base = findings_of(base_verdicts) | contract_findings_of(base_contracts or [], CONTRACT_ENFORCEMENT)
    head_findings = findings_of(head.verdicts) | contract_findings_of(head.contracts, CONTRACT_ENFORCEMENT)
    report = EnvReport(env, compare(base_export, head.export, digests=(base_digests, head.secret_digests)),
                       delta(base, head_findings))
    if base_export is not None and head.export is not None and base_digests is None:
        report.notes.append("the base's planner predates secret digests: secret-marked inputs were not compared")
    if base_export is None:
        report.notes.append("new environment: everything is created")
    if head.export is None:
        report.notes.append("environment removed: everything is deleted")
    else:
        report.topology = topology_link(env, link_base)
    return report


def _size(project: Path, env: str) -> int:
    spec = project / "environments" / f"{env}.yaml"
    return spec.stat().st_size if spec.exists() else 0


def diff_environments(root: Path, envs: list[str] | None, ref: str, link_base: str = ""
                      ) -> tuple[str, list[EnvReport]]:
    """(base commit, one report per environment); `envs` None means every environment on either side."""
    from ..environments import known_environments
    from ..planner import pool
    from ..progress import Progress

    commit = resolve(root, ref)
    sweep(root)  # what a killed run left behind
    digest_key = secrets.token_bytes(32)  # lives for this run only, in memory; see scripts/diff/values.keyed_digest
    with Progress("diff") as status, signals_interrupt():
        status.step(f"checking out {ref} ({commit[:10]}) into a temporary worktree")
        with worktree(root, commit) as checkout, \
                tempfile.TemporaryDirectory(prefix=owned_prefix(PLANS_PREFIX)) as out:
            project = checkout / prefix_in_repo(root)
            names = envs if envs is not None else sorted(set(known_environments(root)) | set(environments_at(project)))
            if envs is not None:
                unknown = [e for e in envs if e not in known_environments(root) and e not in environments_at(project)]
                if unknown:
                    raise BaseError(f"no environment {', '.join(unknown)} in the working tree or at {ref}; expected "
                                    f"one of: {', '.join(known_environments(root))}")
            based, with_digests, differ = base_jobs(root, project, names, Path(out), digest_key)
            if differ:
                status.done(f"{', '.join(differ)} differ at {ref}: its side is planned in fresh processes "
                            "(the libraries imported here may not be the ones it expects)")
            heads = [pool.Job(f"head:{env}", call=lambda env=env: plan_head_child(root, env, digest_key))
                     for env in names if (root / "environments" / f"{env}.yaml").exists()]
            # Largest first (by spec size), each base beside its head: the two cores finish together.
            jobs = sorted(based + heads, key=lambda job: (-_size(project if job.name.startswith("base:") else root,
                                                                 job.name.split(":", 1)[1]), job.name))
            status.step("importing the provider SDKs (once for both sides of every environment)")
            pool.warm()
            status.done("provider SDKs imported")
            events = pool.Events(
                started=lambda job: status.step(f"planning {_side(job.name)}"),
                finished=lambda done: status.done(f"{_side(done.job.name)} planned in {done.seconds:.1f}s"
                                                  f"{' (fresh process)' if done.fresh else ''}"),
                tick=status.tick)
            outcomes = pool.run_all(jobs, events=events, scratch=Path(out))
            base = collect_base([o for o in outcomes if o.job.name.startswith("base:")], names, Path(out),
                                with_digests)
            head = {o.job.name.split(":", 1)[1]: head_of(o) for o in outcomes if o.job.name.startswith("head:")}
        status.step("comparing")
        reports = [env_report(env, base[env].export, base[env].verdicts, head.get(env, HeadPlan(None, [])), link_base,
                              base[env].contracts, base[env].secret_digests) for env in names]
    return commit, reports


def _side(name: str) -> str:
    side, env = name.split(":", 1)
    return f"{env} at the base" if side == "base" else f"{env} in the working tree"
