"""`hybrid diff` end to end: plan the base ref and the working tree, compare, judge the policy delta."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import BaseError, environments_at, plan_at, prefix_in_repo, resolve, worktree
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


def diff_environments(root: Path, envs: list[str] | None, ref: str, link_base: str = ""
                      ) -> tuple[str, list[EnvReport]]:
    """(base commit, one report per environment); `envs` None means every environment on either side."""
    from ..environments import known_environments

    commit = resolve(root, ref)
    sweep(root)  # what a killed run left behind
    digest_key = secrets.token_bytes(32)  # lives for this run only, in memory; see scripts/diff/values.keyed_digest
    with signals_interrupt(), worktree(root, commit) as checkout, \
            tempfile.TemporaryDirectory(prefix=owned_prefix(PLANS_PREFIX)) as out:
        project = checkout / prefix_in_repo(root)
        names = envs if envs is not None else sorted(set(known_environments(root)) | set(environments_at(project)))
        if envs is not None:
            unknown = [e for e in envs if e not in known_environments(root) and e not in environments_at(project)]
            if unknown:
                raise BaseError(f"no environment {', '.join(unknown)} in the working tree or at {ref}; expected one "
                                f"of: {', '.join(known_environments(root))}")
        base = plan_at(project, names, Path(out), digest_key)
    reports = [env_report(env, base[env].export, base[env].verdicts, plan_head(root, env, digest_key), link_base,
                          base[env].contracts, base[env].secret_digests) for env in names]
    return commit, reports
